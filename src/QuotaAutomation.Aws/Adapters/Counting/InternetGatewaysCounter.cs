using Amazon.EC2.Model;
using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Aws.Adapters.Counting;

/// <summary>Internet gateways per Region (vpc L-A4707A72) from EC2 DescribeInternetGateways: every gateway, attached or not (egress-only gateways are another quota and another call).</summary>
public sealed class InternetGatewaysCounter : IQuotaCounter
{
    public static readonly CountedQuota InternetGateways = new("vpc", "L-A4707A72", CountScope.Region, "internet gateways");

    public string Name => "ec2:DescribeInternetGateways";

    public UsageSourceKind Kind => UsageSourceKind.DescribeCount;

    public IReadOnlyList<CountedQuota> Serves { get; } = [InternetGateways];

    public async Task<IReadOnlyList<QuotaCount>> CountAsync(CounterScope scope, IReadOnlyCollection<CountedQuota> wanted, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var gateways = await Ec2Reads.AllAsync("DescribeInternetGateways",
            scope.Ec2().Paginators.DescribeInternetGateways(new DescribeInternetGatewaysRequest { MaxResults = Ec2Reads.MaxPage }).InternetGateways, ct);
        return [new QuotaCount(InternetGateways, gateways.Count)];
    }
}
