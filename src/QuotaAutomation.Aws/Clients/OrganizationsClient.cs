using Amazon;

namespace QuotaAutomation.Aws.Clients;

// AWS Organizations over JSON 1.1 (botocore organizations 2016-11-28), the members we use, named as in
// AWSSDK.Organizations so that package can replace this file. Every List* operation pages with NextToken and at most
// 20 items a page (MaxResults 1–20); AWS may answer an empty page with a NextToken, so callers page until it is null.

public sealed record DescribeOrganizationRequest;

public sealed record DescribeOrganizationResponse(Organization? Organization);

public sealed record Organization
{
    public string? Id { get; init; }
    public string? Arn { get; init; }

    /// <summary><c>ALL</c> or <c>CONSOLIDATED_BILLING</c> (the quota request template needs ALL).</summary>
    public string? FeatureSet { get; init; }

    public string? MasterAccountArn { get; init; }
    public string? MasterAccountId { get; init; }
    public string? MasterAccountEmail { get; init; }
}

public sealed record ListAccountsRequest
{
    public string? NextToken { get; init; }
    public int? MaxResults { get; init; }
}

public sealed record ListAccountsResponse(IReadOnlyList<Account>? Accounts, string? NextToken);

public sealed record ListAccountsForParentRequest
{
    public required string ParentId { get; init; }
    public string? NextToken { get; init; }
    public int? MaxResults { get; init; }
}

public sealed record ListAccountsForParentResponse(IReadOnlyList<Account>? Accounts, string? NextToken);

public sealed record Account
{
    public string? Id { get; init; }
    public string? Arn { get; init; }
    public string? Email { get; init; }
    public string? Name { get; init; }

    /// <summary>
    /// <c>ACTIVE</c>, <c>SUSPENDED</c> or <c>PENDING_CLOSURE</c>. The model says AWS retires it on 9 September 2026 in
    /// favour of <see cref="State"/>; read only when State is absent.
    /// </summary>
    public string? Status { get; init; }

    /// <summary><c>PENDING_ACTIVATION</c>, <c>ACTIVE</c>, <c>SUSPENDED</c>, <c>PENDING_CLOSURE</c> or <c>CLOSED</c>.</summary>
    public string? State { get; init; }

    /// <summary>Where the account sits: <c>o-…/r-…/ou-…/…/{account id}/</c> (newer replies; absent from moto's).</summary>
    public IReadOnlyList<string>? Paths { get; init; }

    public string? JoinedMethod { get; init; }
    public DateTimeOffset? JoinedTimestamp { get; init; }
}

public sealed record ListChildrenRequest
{
    public required string ParentId { get; init; }

    /// <summary><c>ACCOUNT</c> or <c>ORGANIZATIONAL_UNIT</c>.</summary>
    public required string ChildType { get; init; }

    public string? NextToken { get; init; }
    public int? MaxResults { get; init; }
}

public sealed record ListChildrenResponse(IReadOnlyList<Child>? Children, string? NextToken);

public sealed record Child(string? Id, string? Type);

public sealed record ListParentsRequest
{
    public required string ChildId { get; init; }
    public string? NextToken { get; init; }
    public int? MaxResults { get; init; }
}

public sealed record ListParentsResponse(IReadOnlyList<Parent>? Parents, string? NextToken);

/// <summary>A root (<c>ROOT</c>) or an OU (<c>ORGANIZATIONAL_UNIT</c>).</summary>
public sealed record Parent(string? Id, string? Type);

public sealed record ListRootsRequest
{
    public string? NextToken { get; init; }
    public int? MaxResults { get; init; }
}

public sealed record ListRootsResponse(IReadOnlyList<Root>? Roots, string? NextToken);

public sealed record Root(string? Id, string? Arn, string? Name);

/// <summary>
/// AWS Organizations (<c>AWSOrganizationsV20161128</c>, signing name <c>organizations</c>). A global service: one
/// endpoint per partition, signed for its Region (us-east-1 in the aws partition, from the model's endpoint rules),
/// whatever Region the options name. Callable from the management account or a delegated administrator only.
/// </summary>
public sealed class OrganizationsClient(AwsClientOptions options)
    : AwsJsonClient(new AwsTransport(options, "organizations", "organizations", GlobalRegion(options)), "1.1", "AWSOrganizationsV20161128", AwsJson.Pascal)
{
    /// <summary>The most a List* page holds (the model's MaxResults range is 1–20).</summary>
    public const int MaxPageSize = 20;

    public Task<DescribeOrganizationResponse> DescribeOrganizationAsync(DescribeOrganizationRequest request, CancellationToken ct) =>
        CallAsync<DescribeOrganizationResponse>("DescribeOrganization", request, ct);

    public Task<ListAccountsResponse> ListAccountsAsync(ListAccountsRequest request, CancellationToken ct) =>
        CallAsync<ListAccountsResponse>("ListAccounts", request, ct);

    public Task<ListAccountsForParentResponse> ListAccountsForParentAsync(ListAccountsForParentRequest request, CancellationToken ct) =>
        CallAsync<ListAccountsForParentResponse>("ListAccountsForParent", request, ct);

    public Task<ListChildrenResponse> ListChildrenAsync(ListChildrenRequest request, CancellationToken ct) =>
        CallAsync<ListChildrenResponse>("ListChildren", request, ct);

    public Task<ListParentsResponse> ListParentsAsync(ListParentsRequest request, CancellationToken ct) =>
        CallAsync<ListParentsResponse>("ListParents", request, ct);

    public Task<ListRootsResponse> ListRootsAsync(ListRootsRequest request, CancellationToken ct) =>
        CallAsync<ListRootsResponse>("ListRoots", request, ct);

    /// <summary>
    /// The Region a partition's global services (Organizations, the Account API) are signed for, as the botocore
    /// endpoint rules name it (<c>implicitGlobalRegion</c>): us-east-1 for aws, cn-northwest-1 for aws-cn,
    /// us-gov-west-1 for aws-us-gov.
    /// </summary>
    internal static RegionEndpoint GlobalRegion(AwsClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Region.PartitionName switch
        {
            "aws-cn" => RegionEndpoint.CNNorthWest1,
            "aws-us-gov" => RegionEndpoint.USGovCloudWest1,
            "aws-iso" => RegionEndpoint.GetBySystemName("us-iso-east-1"),
            "aws-iso-b" => RegionEndpoint.GetBySystemName("us-isob-east-1"),
            _ => RegionEndpoint.USEast1,
        };
    }
}
