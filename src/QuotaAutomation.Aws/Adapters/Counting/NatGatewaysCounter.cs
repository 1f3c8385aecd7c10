using Amazon.EC2.Model;
using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Aws.Adapters.Counting;

/// <summary>
/// NAT gateways per Availability Zone (vpc L-FE5A380F) from EC2 DescribeNatGateways, per zone: the fullest zone's
/// count, naming it (<c>us-east-1a has 5 of 5 NAT gateways</c>). Counted as AWS does: gateways in the pending,
/// available and deleting states (failed and deleted ones do not count, though DescribeNatGateways lists deleted ones
/// for about an hour). A gateway's zone is its subnet's, from the DescribeSubnets read the subnets quota shares
/// (<see cref="Ec2Reads.SubnetsAsync"/>); a regional NAT gateway has no subnet and no zone, and is not counted here.
/// </summary>
public sealed class NatGatewaysCounter : IQuotaCounter
{
    public static readonly CountedQuota NatGatewaysPerZone = new("vpc", "L-FE5A380F", CountScope.Resource, "NAT gateways");

    private static readonly HashSet<string> Counted = new(StringComparer.Ordinal) { "pending", "available", "deleting" };

    public string Name => "ec2:DescribeNatGateways+DescribeSubnets";

    public UsageSourceKind Kind => UsageSourceKind.DescribeCount;

    public IReadOnlyList<CountedQuota> Serves { get; } = [NatGatewaysPerZone];

    public async Task<IReadOnlyList<QuotaCount>> CountAsync(CounterScope scope, IReadOnlyCollection<CountedQuota> wanted, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var gateways = await Ec2Reads.AllAsync("DescribeNatGateways",
            scope.Ec2().Paginators.DescribeNatGateways(new DescribeNatGatewaysRequest { MaxResults = Ec2Reads.MaxPage }).NatGateways, ct);
        var live = gateways.Where(g => g.State?.Value is { } state && Counted.Contains(state) && g.SubnetId is not null).ToList();
        if (live.Count == 0) return [new QuotaCount(NatGatewaysPerZone, 0)];
        var zones = (await Ec2Reads.SubnetsAsync(scope, ct)).ToDictionary(s => s.SubnetId, s => s.AvailabilityZone, StringComparer.Ordinal);
        // A gateway whose subnet is not listed (deleted since) stays counted, under its subnet's id.
        return [PerResource.Count(NatGatewaysPerZone, live.CountBy(g => zones.GetValueOrDefault(g.SubnetId) ?? g.SubnetId))];
    }
}
