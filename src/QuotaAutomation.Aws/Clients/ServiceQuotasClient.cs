namespace QuotaAutomation.Aws.Clients;

// Request and response shapes of the Service Quotas API (botocore service-quotas 2019-06-24), the members we use,
// named as in AWSSDK.ServiceQuotas so that package can replace this file.

public sealed record ListServiceQuotasRequest
{
    public required string ServiceCode { get; init; }
    public string? QuotaCode { get; init; }
    public string? NextToken { get; init; }
    public int? MaxResults { get; init; }
}

public sealed record ListServiceQuotasResponse(IReadOnlyList<ServiceQuota>? Quotas, string? NextToken);

public sealed record ListServicesRequest
{
    public string? NextToken { get; init; }
    public int? MaxResults { get; init; }
}

public sealed record ListServicesResponse(IReadOnlyList<ServiceInfo>? Services, string? NextToken);

public sealed record ServiceInfo(string? ServiceCode, string? ServiceName);

public sealed record GetServiceQuotaRequest(string ServiceCode, string QuotaCode);

public sealed record GetServiceQuotaResponse(ServiceQuota? Quota);

public sealed record GetAWSDefaultServiceQuotaRequest(string ServiceCode, string QuotaCode);

public sealed record GetAWSDefaultServiceQuotaResponse(ServiceQuota? Quota);

public sealed record RequestServiceQuotaIncreaseRequest
{
    public required string ServiceCode { get; init; }
    public required string QuotaCode { get; init; }
    public required double DesiredValue { get; init; }

    /// <summary>Let Service Quotas open a support case itself when the request needs one (AWS's default is true).</summary>
    public bool? SupportCaseAllowed { get; init; }
}

public sealed record RequestServiceQuotaIncreaseResponse(RequestedServiceQuotaChange? RequestedQuota);

public sealed record GetRequestedServiceQuotaChangeRequest(string RequestId);

public sealed record GetRequestedServiceQuotaChangeResponse(RequestedServiceQuotaChange? RequestedQuota);

public sealed record ListRequestedServiceQuotaChangeHistoryByQuotaRequest
{
    public required string ServiceCode { get; init; }
    public required string QuotaCode { get; init; }
    public string? Status { get; init; }
    public string? NextToken { get; init; }
    public int? MaxResults { get; init; }
}

public sealed record ListRequestedServiceQuotaChangeHistoryByQuotaResponse(IReadOnlyList<RequestedServiceQuotaChange>? RequestedQuotas, string? NextToken);

public sealed record CreateSupportCaseRequest(string RequestId);

public sealed record ServiceQuota
{
    public string? ServiceCode { get; init; }
    public string? ServiceName { get; init; }
    public string? QuotaArn { get; init; }
    public string? QuotaCode { get; init; }
    public string? QuotaName { get; init; }
    public double? Value { get; init; }
    public string? Unit { get; init; }
    public bool? Adjustable { get; init; }
    public bool? GlobalQuota { get; init; }
    public MetricInfo? UsageMetric { get; init; }
    public QuotaPeriod? Period { get; init; }
}

public sealed record MetricInfo
{
    public string? MetricNamespace { get; init; }
    public string? MetricName { get; init; }
    public IReadOnlyDictionary<string, string>? MetricDimensions { get; init; }
    public string? MetricStatisticRecommendation { get; init; }
}

public sealed record QuotaPeriod(int? PeriodValue, string? PeriodUnit);

public sealed record RequestedServiceQuotaChange
{
    public string? Id { get; init; }
    public string? CaseId { get; init; }
    public string? ServiceCode { get; init; }
    public string? QuotaCode { get; init; }
    public string? QuotaName { get; init; }
    public double? DesiredValue { get; init; }
    public string? Status { get; init; }
    public DateTimeOffset? Created { get; init; }
    public DateTimeOffset? LastUpdated { get; init; }
    public string? Requester { get; init; }
    public string? QuotaArn { get; init; }
    public bool? GlobalQuota { get; init; }
    public string? Unit { get; init; }
}

/// <summary>Service Quotas over JSON 1.1 (<c>ServiceQuotasV20190624</c>), signing name <c>servicequotas</c>.</summary>
public sealed partial class ServiceQuotasClient(AwsClientOptions options) : AwsJsonClient(new AwsTransport(options, "servicequotas", "servicequotas"), "1.1", "ServiceQuotasV20190624", AwsJson.Pascal)
{
    public Task<ListServiceQuotasResponse> ListServiceQuotasAsync(ListServiceQuotasRequest request, CancellationToken ct) =>
        CallAsync<ListServiceQuotasResponse>("ListServiceQuotas", request, ct);

    public Task<ListServicesResponse> ListServicesAsync(ListServicesRequest request, CancellationToken ct) =>
        CallAsync<ListServicesResponse>("ListServices", request, ct);

    public Task<GetServiceQuotaResponse> GetServiceQuotaAsync(GetServiceQuotaRequest request, CancellationToken ct) =>
        CallAsync<GetServiceQuotaResponse>("GetServiceQuota", request, ct);

    public Task<GetAWSDefaultServiceQuotaResponse> GetAWSDefaultServiceQuotaAsync(GetAWSDefaultServiceQuotaRequest request, CancellationToken ct) =>
        CallAsync<GetAWSDefaultServiceQuotaResponse>("GetAWSDefaultServiceQuota", request, ct);

    public Task<RequestServiceQuotaIncreaseResponse> RequestServiceQuotaIncreaseAsync(RequestServiceQuotaIncreaseRequest request, CancellationToken ct) =>
        CallAsync<RequestServiceQuotaIncreaseResponse>("RequestServiceQuotaIncrease", request, ct);

    public Task<GetRequestedServiceQuotaChangeResponse> GetRequestedServiceQuotaChangeAsync(GetRequestedServiceQuotaChangeRequest request, CancellationToken ct) =>
        CallAsync<GetRequestedServiceQuotaChangeResponse>("GetRequestedServiceQuotaChange", request, ct);

    public Task<ListRequestedServiceQuotaChangeHistoryByQuotaResponse> ListRequestedServiceQuotaChangeHistoryByQuotaAsync(
        ListRequestedServiceQuotaChangeHistoryByQuotaRequest request, CancellationToken ct) =>
        CallAsync<ListRequestedServiceQuotaChangeHistoryByQuotaResponse>("ListRequestedServiceQuotaChangeHistoryByQuota", request, ct);

    public Task CreateSupportCaseAsync(CreateSupportCaseRequest request, CancellationToken ct) =>
        CallAsync<EmptyResponse>("CreateSupportCase", request, ct);
}
