namespace QuotaAutomation.Aws.Clients;

// The quota request template of an organization (botocore service-quotas 2019-06-24), named as in AWSSDK.ServiceQuotas.
// Called from the management account (or a delegated administrator) in the Region the template lives in; the
// increases it holds are requested for every account created in the organization after AssociateServiceQuotaTemplate.

public sealed record PutServiceQuotaIncreaseRequestIntoTemplateRequest
{
    public required string ServiceCode { get; init; }
    public required string QuotaCode { get; init; }

    /// <summary>The Region of the new accounts' quota this entry raises (not the Region the call is sent to).</summary>
    public required string AwsRegion { get; init; }

    public required double DesiredValue { get; init; }
}

public sealed record PutServiceQuotaIncreaseRequestIntoTemplateResponse(ServiceQuotaIncreaseRequestInTemplate? ServiceQuotaIncreaseRequestInTemplate);

public sealed record ListServiceQuotaIncreaseRequestsInTemplateRequest
{
    public string? ServiceCode { get; init; }
    public string? AwsRegion { get; init; }
    public string? NextToken { get; init; }

    /// <summary>At most 100 a page.</summary>
    public int? MaxResults { get; init; }
}

public sealed record ListServiceQuotaIncreaseRequestsInTemplateResponse(
    IReadOnlyList<ServiceQuotaIncreaseRequestInTemplate>? ServiceQuotaIncreaseRequestInTemplateList, string? NextToken);

public sealed record DeleteServiceQuotaIncreaseRequestFromTemplateRequest(string ServiceCode, string QuotaCode, string AwsRegion);

public sealed record AssociateServiceQuotaTemplateRequest;

public sealed record GetAssociationForServiceQuotaTemplateRequest;

/// <param name="ServiceQuotaTemplateAssociationStatus"><c>ASSOCIATED</c> or <c>DISASSOCIATED</c>.</param>
public sealed record GetAssociationForServiceQuotaTemplateResponse(string? ServiceQuotaTemplateAssociationStatus);

public sealed record ServiceQuotaIncreaseRequestInTemplate
{
    public string? ServiceCode { get; init; }
    public string? ServiceName { get; init; }
    public string? QuotaCode { get; init; }
    public string? QuotaName { get; init; }
    public double? DesiredValue { get; init; }
    public string? AwsRegion { get; init; }
    public string? Unit { get; init; }
    public bool? GlobalQuota { get; init; }
}

public sealed partial class ServiceQuotasClient
{
    /// <summary>Adds an entry, or replaces the desired value of the entry for the same quota and Region.</summary>
    public Task<PutServiceQuotaIncreaseRequestIntoTemplateResponse> PutServiceQuotaIncreaseRequestIntoTemplateAsync(
        PutServiceQuotaIncreaseRequestIntoTemplateRequest request, CancellationToken ct) =>
        CallAsync<PutServiceQuotaIncreaseRequestIntoTemplateResponse>("PutServiceQuotaIncreaseRequestIntoTemplate", request, ct);

    public Task<ListServiceQuotaIncreaseRequestsInTemplateResponse> ListServiceQuotaIncreaseRequestsInTemplateAsync(
        ListServiceQuotaIncreaseRequestsInTemplateRequest request, CancellationToken ct) =>
        CallAsync<ListServiceQuotaIncreaseRequestsInTemplateResponse>("ListServiceQuotaIncreaseRequestsInTemplate", request, ct);

    public Task DeleteServiceQuotaIncreaseRequestFromTemplateAsync(DeleteServiceQuotaIncreaseRequestFromTemplateRequest request, CancellationToken ct) =>
        CallAsync<EmptyResponse>("DeleteServiceQuotaIncreaseRequestFromTemplate", request, ct);

    /// <summary>Needs an organization with all features and trusted access for Service Quotas.</summary>
    public Task AssociateServiceQuotaTemplateAsync(AssociateServiceQuotaTemplateRequest request, CancellationToken ct) =>
        CallAsync<EmptyResponse>("AssociateServiceQuotaTemplate", request, ct);

    /// <summary>Throws <c>ServiceQuotaTemplateNotInUseException</c> when no template was ever associated.</summary>
    public Task<GetAssociationForServiceQuotaTemplateResponse> GetAssociationForServiceQuotaTemplateAsync(
        GetAssociationForServiceQuotaTemplateRequest request, CancellationToken ct) =>
        CallAsync<GetAssociationForServiceQuotaTemplateResponse>("GetAssociationForServiceQuotaTemplate", request, ct);
}
