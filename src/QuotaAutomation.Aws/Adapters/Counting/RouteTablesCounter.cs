using Amazon.EC2;
using Amazon.EC2.Model;
using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Aws.Adapters.Counting;

/// <summary>
/// From one EC2 DescribeRouteTables read: route tables per VPC (vpc L-589F43AA: the main route table included; the VPC
/// with the most, naming it) and routes per route table (vpc L-93826ACB: the table with the most routes, naming it).
/// Routes are counted as AWS enforces that quota: non-propagated entries only (routes a virtual private gateway
/// propagates, or a VPC Route Server advertises, are under other quotas), separately for IPv4 and IPv6 destinations, so
/// a table's usage is the larger; the local route is an entry and counts. A prefix-list destination counts as one IPv4
/// entry (AWS counts its maximum entries, which this read does not give).
/// </summary>
public sealed class RouteTablesCounter : IQuotaCounter
{
    /// <summary>DescribeRouteTables' largest page (botocore ec2 2016-11-15).</summary>
    private const int MaxPage = 100;

    public static readonly CountedQuota TablesPerVpc = new("vpc", "L-589F43AA", CountScope.Resource, "route tables");

    public static readonly CountedQuota RoutesPerTable = new("vpc", "L-93826ACB", CountScope.Resource, "routes");

    public string Name => "ec2:DescribeRouteTables";

    public UsageSourceKind Kind => UsageSourceKind.DescribeCount;

    public IReadOnlyList<CountedQuota> Serves { get; } = [TablesPerVpc, RoutesPerTable];

    public async Task<IReadOnlyList<QuotaCount>> CountAsync(CounterScope scope, IReadOnlyCollection<CountedQuota> wanted, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var tables = await Ec2Reads.AllAsync("DescribeRouteTables",
            scope.Ec2().Paginators.DescribeRouteTables(new DescribeRouteTablesRequest { MaxResults = MaxPage }).RouteTables, ct);
        return
        [
            PerResource.Count(TablesPerVpc, tables.CountBy(t => t.VpcId ?? t.RouteTableId)),
            PerResource.Count(RoutesPerTable, tables.Select(t => KeyValuePair.Create(t.RouteTableId, Routes(t.Routes)))),
        ];
    }

    /// <summary>A table's non-propagated routes: the larger of its IPv4 and IPv6 counts.</summary>
    public static int Routes(IEnumerable<Route>? routes)
    {
        var own = (routes ?? []).Where(r => r.Origin != RouteOrigin.EnableVgwRoutePropagation && r.Origin?.Value != "Advertisement").ToList();
        var v6 = own.Count(r => r.DestinationIpv6CidrBlock is not null);
        return Math.Max(own.Count - v6, v6);
    }
}
