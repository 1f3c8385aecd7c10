using Amazon;

namespace QuotaAutomation.Aws.Clients;

// The AWS Price List Query API over JSON 1.1 (botocore pricing 2017-10-15; PascalCase members), named as in AWSSDK.Pricing.

public sealed record PricingFilter(string Type, string Field, string Value)
{
    public static PricingFilter TermMatch(string field, string value) => new("TERM_MATCH", field, value);

    public static PricingFilter Contains(string field, string value) => new("CONTAINS", field, value);
}

public sealed record GetProductsRequest
{
    public required string ServiceCode { get; init; }
    public IReadOnlyList<PricingFilter>? Filters { get; init; }
    public string? FormatVersion { get; init; }
    public string? NextToken { get; init; }
    public int? MaxResults { get; init; }
}

/// <summary><c>PriceList</c>: each product as a JSON document in a string (its attributes and its terms).</summary>
public sealed record GetProductsResponse(string? FormatVersion, IReadOnlyList<string>? PriceList, string? NextToken);

/// <summary>
/// The Price List Query API (<c>AWSPriceListService</c>, signing name <c>pricing</c>, host <c>api.pricing.us-east-1</c>): its
/// endpoints are in us-east-1, eu-central-1 and ap-south-1 only, and every Region's prices are read from us-east-1.
/// </summary>
public sealed class PricingClient(AwsClientOptions options)
    : AwsJsonClient(new AwsTransport(options, "pricing", "api.pricing", RegionEndpoint.USEast1), "1.1", "AWSPriceListService", AwsJson.Pascal)
{
    public Task<GetProductsResponse> GetProductsAsync(GetProductsRequest request, CancellationToken ct) =>
        CallAsync<GetProductsResponse>("GetProducts", request, ct);
}
