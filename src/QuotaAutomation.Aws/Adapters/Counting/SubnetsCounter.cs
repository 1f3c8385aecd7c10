using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Aws.Adapters.Counting;

/// <summary>
/// Subnets per VPC (vpc L-407747CB) from EC2 DescribeSubnets, per VPC: the fullest VPC's count, naming it. The same
/// read places NAT gateways in their Availability Zones (<see cref="NatGatewaysCounter"/>), made once per cycle.
/// </summary>
public sealed class SubnetsCounter : IQuotaCounter
{
    public static readonly CountedQuota SubnetsPerVpc = new("vpc", "L-407747CB", CountScope.Resource, "subnets");

    public string Name => "ec2:DescribeSubnets";

    public UsageSourceKind Kind => UsageSourceKind.DescribeCount;

    public IReadOnlyList<CountedQuota> Serves { get; } = [SubnetsPerVpc];

    public async Task<IReadOnlyList<QuotaCount>> CountAsync(CounterScope scope, IReadOnlyCollection<CountedQuota> wanted, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var subnets = await Ec2Reads.SubnetsAsync(scope, ct);
        return [PerResource.Count(SubnetsPerVpc, subnets.CountBy(s => s.VpcId ?? s.SubnetId))];
    }
}
