using System.Globalization;
using System.Net;
using System.Text;

namespace QuotaAutomation.Aws.Tests.Counting;

// The account-limit APIs moto 5.2.1 lacks (RDS DescribeAccountAttributes, Auto Scaling and CloudFormation
// DescribeAccountLimits, Route 53 GetAccountLimit, Lambda GetAccountSettings), in their wire shapes: the query
// protocol's <{Operation}Response><{Operation}Result> with the model's member names and list members
// (rds 2014-10-31: AccountQuota; cloudformation 2010-05-15: member), Route 53's REST-XML document, Lambda's REST-JSON
// body. AccountLimitCountersTests parses each with botocore's own parsers. The values are fixed: what a test reads back.
public static partial class WireFakes
{
    /// <summary>RDS quotas the fake reports, as (AccountQuotaName, Used, Max): the AWS CLI's example's values and names.</summary>
    public static IReadOnlyList<(string Name, long Used, long Max)> RdsQuotas { get; } =
    [
        ("DBInstances", 7, 40), ("ReservedDBInstances", 0, 40), ("AllocatedStorage", 740, 100000), ("DBSecurityGroups", 0, 25),
        ("AuthorizationsPerDBSecurityGroup", 0, 20), ("DBParameterGroups", 3, 50), ("ManualSnapshots", 12, 100), ("EventSubscriptions", 1, 20),
        ("DBSubnetGroups", 4, 50), ("OptionGroups", 2, 20), ("SubnetsPerDBSubnetGroup", 3, 20), ("ReadReplicasPerMaster", 2, 5),
        ("DBClusters", 2, 40), ("DBClusterParameterGroups", 1, 50), ("DBClusterRoles", 0, 5), ("ManualClusterSnapshots", 5, 100),
    ];

    /// <summary>Auto Scaling groups used/limit, launch configurations used/limit.</summary>
    public static (long Groups, long MaxGroups, long LaunchConfigurations, long MaxLaunchConfigurations) AutoScalingLimits { get; } = (31, 500, 6, 200);

    public const long StackLimit = 2000;

    /// <summary>Route 53 limit types: (Count, Value).</summary>
    public static IReadOnlyDictionary<string, (long Count, long Value)> Route53Limits { get; } = new Dictionary<string, (long, long)>
    {
        ["MAX_HOSTED_ZONES_BY_OWNER"] = (12, 500), ["MAX_HEALTH_CHECKS_BY_OWNER"] = (4, 200), ["MAX_REUSABLE_DELEGATION_SETS_BY_OWNER"] = (0, 100),
        ["MAX_TRAFFIC_POLICIES_BY_OWNER"] = (1, 50), ["MAX_TRAFFIC_POLICY_INSTANCES_BY_OWNER"] = (2, 5),
    };

    /// <summary>Lambda's code storage in bytes: 3 GiB used of 75 GiB (Service Quotas' 75 GB).</summary>
    public static (long Used, long Limit) LambdaCodeStorage { get; } = (3L << 30, 75L << 30);

    private static void AddLimits(Dictionary<(string EndpointPrefix, string Operation), Func<HttpRequestMessage, HttpResponseMessage>> all)
    {
        all[("rds", "DescribeAccountAttributes")] = _ => Query("DescribeAccountAttributes", "http://rds.amazonaws.com/doc/2014-10-31/",
            "<AccountQuotas>" + string.Concat(RdsQuotas.Select(q => Invariant($"<AccountQuota><AccountQuotaName>{q.Name}</AccountQuotaName><Used>{q.Used}</Used><Max>{q.Max}</Max></AccountQuota>"))) + "</AccountQuotas>");
        all[("autoscaling", "DescribeAccountLimits")] = _ => Query("DescribeAccountLimits", "http://autoscaling.amazonaws.com/doc/2011-01-01/", Invariant(
            $"<MaxNumberOfAutoScalingGroups>{AutoScalingLimits.MaxGroups}</MaxNumberOfAutoScalingGroups><MaxNumberOfLaunchConfigurations>{AutoScalingLimits.MaxLaunchConfigurations}</MaxNumberOfLaunchConfigurations><NumberOfAutoScalingGroups>{AutoScalingLimits.Groups}</NumberOfAutoScalingGroups><NumberOfLaunchConfigurations>{AutoScalingLimits.LaunchConfigurations}</NumberOfLaunchConfigurations>"));
        all[("cloudformation", "DescribeAccountLimits")] = _ => Query("DescribeAccountLimits", "http://cloudformation.amazonaws.com/doc/2010-05-15/", Invariant(
            $"<AccountLimits><member><Name>StackLimit</Name><Value>{StackLimit}</Value></member><member><Name>StackOutputsLimit</Name><Value>200</Value></member><member><Name>ConcurrentResourcesLimit</Name><Value>2500</Value></member></AccountLimits>"));
        all[("route53", "GetAccountLimit")] = request =>
        {
            var type = request.RequestUri!.Segments[^1]; // GET /2013-04-01/accountlimit/{Type}
            if (!Route53Limits.TryGetValue(type, out var limit))
                return Xml(Invariant($"""<?xml version="1.0"?><ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error><Type>Sender</Type><Code>InvalidInput</Code><Message>1 validation error detected: Value '{type}' at 'type' failed to satisfy constraint</Message></Error><RequestId>fake</RequestId></ErrorResponse>"""), HttpStatusCode.BadRequest);
            return Xml(Invariant($"""<?xml version="1.0"?><GetAccountLimitResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Limit><Type>{type}</Type><Value>{limit.Value}</Value></Limit><Count>{limit.Count}</Count></GetAccountLimitResponse>"""));
        };
        all[("lambda", "GetAccountSettings")] = _ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent(Invariant($$$"""{"AccountLimit":{"TotalCodeSize":{{{LambdaCodeStorage.Limit}}},"CodeSizeUnzipped":262144000,"CodeSizeZipped":52428800,"ConcurrentExecutions":1000,"UnreservedConcurrentExecutions":900},"AccountUsage":{"TotalCodeSize":{{{LambdaCodeStorage.Used}}},"FunctionCount":42}}"""), Encoding.UTF8, "application/json"),
        };
    }

    /// <summary>A query-protocol reply: the operation's response and result wrappers around <paramref name="result"/>.</summary>
    private static HttpResponseMessage Query(string operation, string xmlns, string result) => Xml(
        $"""<{operation}Response xmlns="{xmlns}"><{operation}Result>{result}</{operation}Result><ResponseMetadata><RequestId>7c3b2b5e-fake</RequestId></ResponseMetadata></{operation}Response>""");

    private static HttpResponseMessage Xml(string body, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "text/xml") };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
