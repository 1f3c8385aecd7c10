using System.Net;
using System.Text;
using Amazon;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Adapters.Counting;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Tests.Counting;

/// <summary>
/// What moto does not show of the EC2 counters: pages (moto 5.2.1 answers every describe in one page, ignoring
/// MaxResults), AWS's error replies, and the rules of counting that need resources moto cannot make (propagated
/// routes). The replies are EC2 query-protocol XML as botocore's ec2 2016-11-15 model shapes them (subnetSet/item,
/// nextToken; Response/Errors/Error).
/// </summary>
public class Ec2CountersWireTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static HttpResponseMessage Xml(string body, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "text/xml") };

    private static string SubnetsPage(string? nextToken, params (string Subnet, string Vpc)[] subnets) =>
        $"""<DescribeSubnetsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><subnetSet>"""
        + string.Concat(subnets.Select(s => $"<item><subnetId>{s.Subnet}</subnetId><vpcId>{s.Vpc}</vpcId><availabilityZone>eu-west-1a</availabilityZone></item>"))
        + "</subnetSet>" + (nextToken is null ? "" : $"<nextToken>{nextToken}</nextToken>") + "</DescribeSubnetsResponse>";

    private static AwsClients Clients(ScriptedHandler handler) => new(
        new AwsClientOptions { Region = RegionEndpoint.EUWest1, Credentials = new BasicAWSCredentials("a", "b"), MaxRetries = 0, Transport = handler },
        new AwsBackendOptions());

    private static UsageQuery Query(CountedQuota quota) =>
        new(new QuotaInfo(new QuotaKey(quota.ServiceCode, quota.QuotaCode, "eu-west-1"), quota.Counted, 200, true, "None"), Now.AddMinutes(-5)) { Detailed = true };

    [Fact]
    public async Task SubnetsPerVpc_FollowsEveryPage()
    {
        var handler = new ScriptedHandler(
            () => Xml(SubnetsPage("page-2", ("subnet-1", "vpc-a"), ("subnet-2", "vpc-b"))),
            () => Xml(SubnetsPage(null, ("subnet-3", "vpc-b"), ("subnet-4", "vpc-b"))));
        using var clients = Clients(handler);

        var reading = await new CounterReads(clients, [new SubnetsCounter()]).ReadAsync([Query(SubnetsCounter.SubnetsPerVpc)],
            new Dictionary<QuotaKey, IReadOnlyList<UsageSample>>(), Now, CancellationToken.None);

        var key = new QuotaKey("vpc", "L-407747CB", "eu-west-1");
        Assert.Equal("vpc-b has 3 of 200 subnets", reading.Fullest[key].Describe(200));
        Assert.Equal(2, reading.Fullest[key].Resources);
        Assert.Equal(2, handler.Seen.Count);
        Assert.Contains("NextToken=page-2", handler.Seen[1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEc2Error_FailsOnlyThatCountersQuotas_NamingTheOperationAndAwsCode()
    {
        var handler = new ScriptedHandler(() => Xml(
            "<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation.</Message></Error></Errors><RequestID>req-1</RequestID></Response>",
            HttpStatusCode.Forbidden));
        using var clients = Clients(handler);

        var reading = await new CounterReads(clients, [new VpcsCounter()]).ReadAsync([Query(VpcsCounter.Vpcs)],
            new Dictionary<QuotaKey, IReadOnlyList<UsageSample>>(), Now, CancellationToken.None);

        Assert.Empty(reading.Samples);
        Assert.Equal("ec2:DescribeVpcs: DescribeVpcs: UnauthorizedOperation: You are not authorized to perform this operation.",
            reading.Failures[new QuotaKey("vpc", "L-F678F1CE", "eu-west-1")]);
    }

    [Fact]
    public void Routes_CountsNonPropagatedEntries_IPv4AndIPv6Apart()
    {
        Route V4(string cidr, string origin = "CreateRoute") => new() { DestinationCidrBlock = cidr, Origin = new RouteOrigin(origin) };
        Route V6(string cidr) => new() { DestinationIpv6CidrBlock = cidr, Origin = RouteOrigin.CreateRoute };

        var routes = new[]
        {
            V4("10.0.0.0/16", "CreateRouteTable"), V4("0.0.0.0/0"), V4("172.16.0.0/12", "EnableVgwRoutePropagation"), V4("192.168.0.0/16", "Advertisement"),
            V6("::/0"), V6("2001:db8::/32"), V6("2001:db9::/32"),
        };

        Assert.Equal(3, RouteTablesCounter.Routes(routes)); // IPv6: 3; IPv4: the local route and 0.0.0.0/0 (propagated and advertised ones are other quotas)
    }

    [Fact]
    public void Rules_AReferenceToAGroupOrPrefixList_CountsForBothFamilies()
    {
        var permissions = new[]
        {
            new IpPermission { Ipv4Ranges = [new IpRange { CidrIp = "192.0.2.0/24" }], Ipv6Ranges = [new Ipv6Range { CidrIpv6 = "2001:db8::/32" }, new Ipv6Range { CidrIpv6 = "2001:db9::/32" }] },
            new IpPermission { UserIdGroupPairs = [new UserIdGroupPair { GroupId = "sg-1" }], PrefixListIds = [new PrefixListId { Id = "pl-1" }] },
        };

        Assert.Equal((4, 0), (SecurityGroupsCounter.Rules(permissions), SecurityGroupsCounter.Rules(null))); // IPv4 1+2, IPv6 2+2
    }
}
