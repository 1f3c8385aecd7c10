namespace QuotaAutomation.Aws.Clients;

// The AWS Account Management API over REST-JSON (botocore account 2021-02-01: every operation a POST to a fixed path
// with a JSON body), the members we use, named as in AWSSDK.Account so that package can replace this file.

public sealed record GetAlternateContactRequest
{
    /// <summary><c>BILLING</c>, <c>OPERATIONS</c> or <c>SECURITY</c>.</summary>
    public required string AlternateContactType { get; init; }

    /// <summary>A member account, asked from the management account or a delegated administrator; null: the caller's own.</summary>
    public string? AccountId { get; init; }
}

public sealed record GetAlternateContactResponse(AlternateContact? AlternateContact);

public sealed record AlternateContact
{
    public string? Name { get; init; }
    public string? Title { get; init; }
    public string? EmailAddress { get; init; }
    public string? PhoneNumber { get; init; }
    public string? AlternateContactType { get; init; }
}

public sealed record ListRegionsRequest
{
    /// <summary>A member account, asked from the management account or a delegated administrator; null: the caller's own.</summary>
    public string? AccountId { get; init; }

    /// <summary>At most 50 a page.</summary>
    public int? MaxResults { get; init; }

    public string? NextToken { get; init; }

    /// <summary><c>ENABLED</c>, <c>ENABLING</c>, <c>DISABLING</c>, <c>DISABLED</c>, <c>ENABLED_BY_DEFAULT</c>.</summary>
    public IReadOnlyList<string>? RegionOptStatusContains { get; init; }
}

public sealed record ListRegionsResponse(IReadOnlyList<Region>? Regions, string? NextToken);

public sealed record Region(string? RegionName, string? RegionOptStatus);

/// <summary>
/// The Account Management API (signing name <c>account</c>): a global service with one endpoint per partition, signed
/// for its Region (us-east-1 in the aws partition, from the model's endpoint rules) whatever Region the options name.
/// </summary>
public sealed class AccountClient(AwsClientOptions options) : IDisposable
{
    private readonly AwsTransport _transport = new(options, "account", "account", OrganizationsClient.GlobalRegion(options));

    /// <summary>Throws an <see cref="AwsServiceException"/> with code <c>ResourceNotFoundException</c> when the account has no contact of that type.</summary>
    public Task<GetAlternateContactResponse> GetAlternateContactAsync(GetAlternateContactRequest request, CancellationToken ct) =>
        CallAsync<GetAlternateContactResponse>("GetAlternateContact", "getAlternateContact", request, ct);

    public Task<ListRegionsResponse> ListRegionsAsync(ListRegionsRequest request, CancellationToken ct) =>
        CallAsync<ListRegionsResponse>("ListRegions", "listRegions", request, ct);

    private async Task<TResponse> CallAsync<TResponse>(string operation, string path, object request, CancellationToken ct)
    {
        using var document = await _transport.RestJsonAsync(operation, path, request, AwsJson.Pascal, ct);
        return AwsJsonClient.Read<TResponse>(document, operation, AwsJson.Pascal);
    }

    public void Dispose() => _transport.Dispose();
}
