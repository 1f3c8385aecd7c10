using Amazon.EC2.Model;
using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Aws.Adapters.Counting;

/// <summary>
/// VPCs per Region (vpc L-F678F1CE) from EC2 DescribeVpcs: every VPC listed, the default VPC included (it counts).
/// A VPC another account shares into this one is listed and counted too, though it counts toward its owner's quota:
/// an overcount on the safe side, left so because the caller's own account id is not known here without another call.
/// </summary>
public sealed class VpcsCounter : IQuotaCounter
{
    public static readonly CountedQuota Vpcs = new("vpc", "L-F678F1CE", CountScope.Region, "VPCs");

    public string Name => "ec2:DescribeVpcs";

    public UsageSourceKind Kind => UsageSourceKind.DescribeCount;

    public IReadOnlyList<CountedQuota> Serves { get; } = [Vpcs];

    public async Task<IReadOnlyList<QuotaCount>> CountAsync(CounterScope scope, IReadOnlyCollection<CountedQuota> wanted, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var vpcs = await Ec2Reads.AllAsync("DescribeVpcs", scope.Ec2().Paginators.DescribeVpcs(new DescribeVpcsRequest { MaxResults = Ec2Reads.MaxPage }).Vpcs, ct);
        return [new QuotaCount(Vpcs, vpcs.Count)];
    }
}
