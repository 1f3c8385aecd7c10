using Amazon.EC2.Model;
using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Aws.Adapters.Counting;

/// <summary>
/// EC2-VPC Elastic IPs (ec2 L-0263D0A3; the VPC guide calls it "Elastic IP addresses per Region") from EC2
/// DescribeAddresses, which answers in one page: every address allocated for use in a VPC, associated or not
/// (EC2-Classic's "standard" addresses were another quota).
/// </summary>
public sealed class AddressesCounter : IQuotaCounter
{
    public static readonly CountedQuota ElasticIps = new("ec2", "L-0263D0A3", CountScope.Region, "Elastic IP addresses");

    public string Name => "ec2:DescribeAddresses";

    public UsageSourceKind Kind => UsageSourceKind.DescribeCount;

    public IReadOnlyList<CountedQuota> Serves { get; } = [ElasticIps];

    public async Task<IReadOnlyList<QuotaCount>> CountAsync(CounterScope scope, IReadOnlyCollection<CountedQuota> wanted, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var reply = await Ec2Reads.OneAsync("DescribeAddresses", c => scope.Ec2().DescribeAddressesAsync(new DescribeAddressesRequest(), c), ct);
        return [new QuotaCount(ElasticIps, (reply.Addresses ?? []).Count(a => a.Domain is null || a.Domain == Amazon.EC2.DomainType.Vpc))];
    }
}
