namespace QuotaAutomation.Aws.Clients;

// Service Quotas Automatic Management (botocore service-quotas 2019-06-24), named as in AWSSDK.ServiceQuotas.
// Per account (OptInLevel ACCOUNT is the only level) and per Region: AWS then watches the account's metered quotas
// and notifies at 80 % and 95 % utilization (AWS Health event AWS_SERVICEQUOTAS_THRESHOLD_BREACH).

public sealed record StartAutoManagementRequest
{
    /// <summary><c>ACCOUNT</c>, the only level the model has.</summary>
    public required string OptInLevel { get; init; }

    /// <summary><c>NotifyOnly</c> or <c>NotifyAndAdjust</c>; the fleet asks for NotifyOnly (it files increases itself).</summary>
    public required string OptInType { get; init; }

    /// <summary>An AWS User Notifications configuration ARN; null: the Health dashboard and EventBridge only.</summary>
    public string? NotificationArn { get; init; }

    /// <summary>Service code → quota codes AWS should not watch.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? ExclusionList { get; init; }
}

public sealed record StopAutoManagementRequest;

public sealed record GetAutoManagementConfigurationRequest;

public sealed record GetAutoManagementConfigurationResponse
{
    public string? OptInLevel { get; init; }
    public string? OptInType { get; init; }
    public string? NotificationArn { get; init; }

    /// <summary><c>ENABLED</c> or <c>DISABLED</c>.</summary>
    public string? OptInStatus { get; init; }

    public IReadOnlyDictionary<string, IReadOnlyList<AutoManagementQuotaInfo>>? ExclusionList { get; init; }
}

/// <summary>The model's <c>QuotaInfo</c> shape (an excluded quota); renamed here because Core has a <c>QuotaInfo</c> of its own.</summary>
public sealed record AutoManagementQuotaInfo(string? QuotaCode, string? QuotaName);

public sealed partial class ServiceQuotasClient
{
    public Task StartAutoManagementAsync(StartAutoManagementRequest request, CancellationToken ct) =>
        CallAsync<EmptyResponse>("StartAutoManagement", request, ct);

    public Task<GetAutoManagementConfigurationResponse> GetAutoManagementConfigurationAsync(GetAutoManagementConfigurationRequest request, CancellationToken ct) =>
        CallAsync<GetAutoManagementConfigurationResponse>("GetAutoManagementConfiguration", request, ct);

    public Task StopAutoManagementAsync(StopAutoManagementRequest request, CancellationToken ct) =>
        CallAsync<EmptyResponse>("StopAutoManagement", request, ct);
}
