using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Aws.Adapters.Counting;

/// <summary>
/// EKS clusters per Region (<c>L-1194D53C</c>, "Clusters"): the clusters <c>ListClusters</c> names, in any status.
/// Connected (registered) clusters have their own quota (<c>L-FDFA5F81</c>) and are not listed without <c>include</c>.
/// </summary>
public sealed class EksClustersCounter : IQuotaCounter
{
    public static CountedQuota Clusters { get; } = new("eks", "L-1194D53C", CountScope.Region, "clusters");

    public string Name => "eks:ListClusters";

    public UsageSourceKind Kind => UsageSourceKind.DescribeCount;

    public IReadOnlyList<CountedQuota> Serves { get; } = [Clusters];

    public async Task<IReadOnlyList<QuotaCount>> CountAsync(CounterScope scope, IReadOnlyCollection<CountedQuota> wanted, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var eks = scope.Clients.Eks(scope.Probe(Clusters.ServiceCode));
        var clusters = 0;
        string? token = null;
        do
        {
            var page = await eks.ListClustersAsync(token, EksClient.MaxPageSize, ct);
            clusters += page.Clusters?.Count ?? 0;
            token = Paging.Next(token, page.NextToken, "ListClusters");
        }
        while (token is not null);
        return [new QuotaCount(Clusters, clusters)];
    }
}
