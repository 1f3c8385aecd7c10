using Amazon;

namespace QuotaAutomation.Aws.Clients;

// AWS Support over JSON 1.1 (botocore support 2013-04-15; camelCase members), named as in AWSSDK.AWSSupport.
// The Support API's CreateCase does not take limit increases (AWS docs): the engine escalates through Service Quotas'
// CreateSupportCase instead, and reads cases and Trusted Advisor here.

public sealed record DescribeCasesRequest
{
    public IReadOnlyList<string>? CaseIdList { get; init; }
    public bool? IncludeResolvedCases { get; init; }
    public string? NextToken { get; init; }
}

public sealed record DescribeCasesResponse(IReadOnlyList<CaseDetails>? Cases, string? NextToken);

public sealed record CaseDetails(string? CaseId, string? DisplayId, string? Subject, string? Status, string? ServiceCode, string? TimeCreated);

public sealed record DescribeTrustedAdvisorChecksRequest(string Language);

public sealed record DescribeTrustedAdvisorChecksResponse(IReadOnlyList<TrustedAdvisorCheckDescription>? Checks);

public sealed record TrustedAdvisorCheckDescription(string? Id, string? Name, string? Category, IReadOnlyList<string>? Metadata);

public sealed record DescribeTrustedAdvisorCheckResultRequest(string CheckId, string? Language);

public sealed record DescribeTrustedAdvisorCheckResultResponse(TrustedAdvisorCheckResult? Result);

public sealed record TrustedAdvisorCheckResult(string? CheckId, string? Timestamp, string? Status, IReadOnlyList<TrustedAdvisorResourceDetail>? FlaggedResources);

public sealed record TrustedAdvisorResourceDetail(string? Status, string? Region, string? ResourceId, bool? IsSuppressed, IReadOnlyList<string?>? Metadata);

/// <summary>AWS Support (<c>AWSSupport_20130415</c>, signing name <c>support</c>); its endpoint is in us-east-1 only.</summary>
public sealed class SupportClient(AwsClientOptions options)
    : AwsJsonClient(new AwsTransport(options, "support", "support", RegionEndpoint.USEast1), "1.1", "AWSSupport_20130415", AwsJson.Camel)
{
    public Task<DescribeCasesResponse> DescribeCasesAsync(DescribeCasesRequest request, CancellationToken ct) =>
        CallAsync<DescribeCasesResponse>("DescribeCases", request, ct);

    public Task<DescribeTrustedAdvisorChecksResponse> DescribeTrustedAdvisorChecksAsync(DescribeTrustedAdvisorChecksRequest request, CancellationToken ct) =>
        CallAsync<DescribeTrustedAdvisorChecksResponse>("DescribeTrustedAdvisorChecks", request, ct);

    public Task<DescribeTrustedAdvisorCheckResultResponse> DescribeTrustedAdvisorCheckResultAsync(DescribeTrustedAdvisorCheckResultRequest request, CancellationToken ct) =>
        CallAsync<DescribeTrustedAdvisorCheckResultResponse>("DescribeTrustedAdvisorCheckResult", request, ct);
}
