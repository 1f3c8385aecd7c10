namespace QuotaAutomation.Aws.Clients;

// Amazon ECS over JSON 1.1 (botocore ecs 2014-11-13, camelCase members), named as in AWSSDK.ECS; "Ecs" prefixed where
// EKS has an operation of the same name (ListClusters), since both live in this namespace.

public sealed record EcsListClustersRequest(string? NextToken = null, int? MaxResults = null);

public sealed record EcsListClustersResponse(IReadOnlyList<string>? ClusterArns, string? NextToken);

/// <summary>Amazon ECS (<c>AmazonEC2ContainerServiceV20141113</c>, signing name <c>ecs</c>): listing clusters, for the clusters quota.</summary>
public sealed class EcsClient(AwsClientOptions options) : AwsJsonClient(new AwsTransport(options, "ecs", "ecs"), "1.1", "AmazonEC2ContainerServiceV20141113", AwsJson.Camel)
{
    /// <summary>The most clusters one page may hold (the model's and the API reference's maximum).</summary>
    public const int MaxPageSize = 100;

    public Task<EcsListClustersResponse> ListClustersAsync(EcsListClustersRequest request, CancellationToken ct) =>
        CallAsync<EcsListClustersResponse>("ListClusters", request, ct);
}
