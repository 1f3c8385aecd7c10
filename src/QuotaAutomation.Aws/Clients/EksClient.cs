using System.Globalization;
using System.Text.Json;

namespace QuotaAutomation.Aws.Clients;

// Amazon EKS over REST-JSON (botocore eks 2017-11-01: ListClusters is GET /clusters with query-string members), named
// as in AWSSDK.EKS; "Eks" prefixed where ECS has an operation of the same name (ListClusters).

public sealed record EksListClustersResponse(IReadOnlyList<string>? Clusters, string? NextToken);

/// <summary>Amazon EKS (signing name <c>eks</c>): listing clusters, for the clusters quota.</summary>
public sealed class EksClient(AwsClientOptions options) : IDisposable
{
    /// <summary>The most clusters one page may hold (the model's maximum).</summary>
    public const int MaxPageSize = 100;

    private readonly AwsTransport _transport = new(options, "eks", "eks");

    /// <summary>
    /// One page of the Region's EKS clusters. Without <c>include</c>, only EKS clusters are listed: connected (registered)
    /// clusters, which have their own quota, are not.
    /// </summary>
    public async Task<EksListClustersResponse> ListClustersAsync(string? nextToken, int maxResults, CancellationToken ct)
    {
        var query = string.Create(CultureInfo.InvariantCulture, $"clusters?maxResults={maxResults}");
        if (nextToken is not null) query += "&nextToken=" + Uri.EscapeDataString(nextToken);
        using var document = await _transport.GetJsonAsync("ListClusters", query, ct);
        return AwsJsonClient.Read<EksListClustersResponse>(document, "ListClusters", AwsJson.Camel);
    }

    public void Dispose() => _transport.Dispose();
}
