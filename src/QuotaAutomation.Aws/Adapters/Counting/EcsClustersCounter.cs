using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Aws.Adapters.Counting;

/// <summary>
/// ECS clusters (<c>L-21C621EB</c>, "Clusters per account", which AWS applies per Region): the clusters
/// <c>ListClusters</c> names in the Region. A cluster deleted moments ago may still be listed, INACTIVE, for a while
/// (API reference, DeleteCluster): the count can run one or two high just after deletions, never low.
/// </summary>
public sealed class EcsClustersCounter : IQuotaCounter
{
    public static CountedQuota Clusters { get; } = new("ecs", "L-21C621EB", CountScope.Region, "clusters");

    public string Name => "ecs:ListClusters";

    public UsageSourceKind Kind => UsageSourceKind.DescribeCount;

    public IReadOnlyList<CountedQuota> Serves { get; } = [Clusters];

    public async Task<IReadOnlyList<QuotaCount>> CountAsync(CounterScope scope, IReadOnlyCollection<CountedQuota> wanted, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var ecs = scope.Clients.Ecs(scope.Probe(Clusters.ServiceCode));
        var clusters = 0;
        string? token = null;
        do
        {
            var page = await ecs.ListClustersAsync(new EcsListClustersRequest(token, EcsClient.MaxPageSize), ct);
            clusters += page.ClusterArns?.Count ?? 0;
            token = Paging.Next(token, page.NextToken, "ListClusters");
        }
        while (token is not null);
        return [new QuotaCount(Clusters, clusters)];
    }
}
