using Amazon.EC2.Model;
using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Aws.Adapters.Counting;

/// <summary>
/// Snapshots per Region (ebs L-309BACF6; the issue listed it under ec2: its service is ebs) from EC2 DescribeSnapshots
/// with owner <c>self</c>: the account's own snapshots, pending and archived ones included; public snapshots and those
/// others share with the account (which DescribeSnapshots lists without an owner) do not count.
/// </summary>
public sealed class SnapshotsCounter : IQuotaCounter
{
    public static readonly CountedQuota Snapshots = new("ebs", "L-309BACF6", CountScope.Region, "snapshots");

    public string Name => "ec2:DescribeSnapshots";

    public UsageSourceKind Kind => UsageSourceKind.DescribeCount;

    public IReadOnlyList<CountedQuota> Serves { get; } = [Snapshots];

    public async Task<IReadOnlyList<QuotaCount>> CountAsync(CounterScope scope, IReadOnlyCollection<CountedQuota> wanted, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var request = new DescribeSnapshotsRequest { MaxResults = Ec2Reads.MaxPage, OwnerIds = ["self"] };
        var snapshots = await Ec2Reads.AllAsync("DescribeSnapshots", scope.Ec2().Paginators.DescribeSnapshots(request).Snapshots, ct);
        return [new QuotaCount(Snapshots, snapshots.Count)];
    }
}
