using System.Xml.Linq;
using Amazon;

namespace QuotaAutomation.Aws.Clients;

// Amazon Route 53 over REST-XML (botocore route53 2013-04-01, signing name route53), the one operation the usage
// counters call, named as in AWSSDK.Route53 (not served here).

/// <summary>A limit type (<c>MAX_HOSTED_ZONES_BY_OWNER</c>) and its value.</summary>
public sealed record Route53AccountLimit(string Type, long Value);

/// <summary>The limit and how many of it the account uses.</summary>
public sealed record GetAccountLimitResponse(Route53AccountLimit Limit, long Count);

/// <summary>
/// Amazon Route 53. A global service: one endpoint per partition (<c>route53.amazonaws.com</c>, signed for us-east-1;
/// the model's endpoint rules), whatever Region the options name.
/// </summary>
public sealed class Route53Client(AwsClientOptions options) : IDisposable
{
    private readonly AwsTransport _transport = new(options, "route53", "route53", Global(options).Region, Global(options).Host);

    /// <param name="type">One of <c>MAX_HEALTH_CHECKS_BY_OWNER</c>, <c>MAX_HOSTED_ZONES_BY_OWNER</c>,
    /// <c>MAX_TRAFFIC_POLICY_INSTANCES_BY_OWNER</c>, <c>MAX_REUSABLE_DELEGATION_SETS_BY_OWNER</c>, <c>MAX_TRAFFIC_POLICIES_BY_OWNER</c>.</param>
    public async Task<GetAccountLimitResponse> GetAccountLimitAsync(string type, CancellationToken ct)
    {
        const string operation = "GetAccountLimit";
        XElement reply = await _transport.GetXmlAsync(operation, $"/2013-04-01/accountlimit/{Uri.EscapeDataString(type)}", ct);
        var limit = reply.Child("Limit");
        return new GetAccountLimitResponse(new Route53AccountLimit(limit.Text("Type") ?? type, limit.Count("Value", operation) ?? 0), reply.Count("Count", operation) ?? 0);
    }

    /// <summary>Route 53's endpoint and signing Region per partition (botocore's endpoint rules); another partition keeps its Regional form.</summary>
    internal static (RegionEndpoint Region, string? Host) Global(AwsClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Region.PartitionName switch
        {
            "aws-cn" => (RegionEndpoint.CNNorthWest1, "route53.amazonaws.com.cn"),
            "aws-us-gov" => (RegionEndpoint.USGovCloudWest1, "route53.us-gov.amazonaws.com"),
            "aws" => (RegionEndpoint.USEast1, "route53.amazonaws.com"),
            _ => (options.Region, null),
        };
    }

    public void Dispose() => _transport.Dispose();
}
