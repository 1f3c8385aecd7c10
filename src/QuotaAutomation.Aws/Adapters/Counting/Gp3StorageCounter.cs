using Amazon.EC2.Model;
using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Aws.Adapters.Counting;

/// <summary>
/// Storage for General Purpose SSD (gp3) volumes, in TiB (ebs L-7A658B76; the issue listed it under ec2: its service
/// is ebs) from EC2 DescribeVolumes filtered to gp3: the sum of every listed gp3 volume's size (GiB, as AWS gives it)
/// in TiB, whatever its state or attachment (a deleted volume is no longer listed).
/// </summary>
public sealed class Gp3StorageCounter : IQuotaCounter
{
    private const double GiBPerTiB = 1024;

    public static readonly CountedQuota Gp3Storage = new("ebs", "L-7A658B76", CountScope.Region, "TiB of gp3 storage");

    public string Name => "ec2:DescribeVolumes";

    public UsageSourceKind Kind => UsageSourceKind.DescribeCount;

    public IReadOnlyList<CountedQuota> Serves { get; } = [Gp3Storage];

    public async Task<IReadOnlyList<QuotaCount>> CountAsync(CounterScope scope, IReadOnlyCollection<CountedQuota> wanted, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var request = new DescribeVolumesRequest { MaxResults = Ec2Reads.MaxPage, Filters = [new Filter("volume-type", ["gp3"])] };
        var volumes = await Ec2Reads.AllAsync("DescribeVolumes", scope.Ec2().Paginators.DescribeVolumes(request).Volumes, ct);
        return [new QuotaCount(Gp3Storage, volumes.Sum(v => (long)(v.Size ?? 0)) / GiBPerTiB)];
    }
}
