using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Ports;

/// <summary>Service Quotas' request statuses (the API's <c>RequestStatus</c>), plus our own Filing and Failed.</summary>
public enum RequestStatus
{
    /// <summary>Ours: reserved in our store, not yet accepted by AWS.</summary>
    Filing,
    Pending,
    CaseOpened,
    Approved,
    Denied,
    NotApproved,
    CaseClosed,
    InvalidRequest,
    /// <summary>Ours: AWS refused to file it.</summary>
    Failed,
}

public static class RequestStatusExtensions
{
    /// <summary>Open requests count against AWS's limits and block another request for their quota.</summary>
    public static bool IsOpen(this RequestStatus status) =>
        status is RequestStatus.Filing or RequestStatus.Pending or RequestStatus.CaseOpened;

    /// <summary>The API's spelling, e.g. <c>CASE_OPENED</c>.</summary>
    public static string ToApiName(this RequestStatus status) => status switch
    {
        RequestStatus.CaseOpened => "CASE_OPENED",
        RequestStatus.NotApproved => "NOT_APPROVED",
        RequestStatus.CaseClosed => "CASE_CLOSED",
        RequestStatus.InvalidRequest => "INVALID_REQUEST",
        _ => status.ToString().ToUpperInvariant(),
    };

    public static RequestStatus FromApiName(string name) =>
        Enum.GetValues<RequestStatus>().FirstOrDefault(s => s.ToApiName() == name, RequestStatus.InvalidRequest);
}

/// <summary>A request as Service Quotas reports it (the API's <c>RequestedServiceQuotaChange</c>, the fields we use).</summary>
/// <param name="Created">When AWS received it; null when the answer did not say.</param>
public sealed record RequestedServiceQuotaChange(string Id, QuotaKey Quota, double DesiredValue, RequestStatus Status, string? CaseId, DateTimeOffset? Created = null);

/// <summary>An error Service Quotas answered with, by its API error name (e.g. <c>ResourceAlreadyExistsException</c>).</summary>
public sealed class QuotaServiceException(string errorCode, string message) : Exception($"{errorCode}: {message}")
{
    public const string ResourceAlreadyExists = "ResourceAlreadyExistsException";
    public const string QuotaExceeded = "QuotaExceededException";
    public const string NoSuchResource = "NoSuchResourceException";
    public const string IllegalArgument = "IllegalArgumentException";
    public const string InvalidResourceState = "InvalidResourceStateException";
    public const string TooManyRequests = "TooManyRequestsException";

    public string ErrorCode { get; } = errorCode;
}

/// <summary>Files and follows quota increase requests (Service Quotas).</summary>
public interface IQuotaRequester
{
    /// <summary><c>RequestServiceQuotaIncrease</c> with <c>SupportCaseAllowed</c>.</summary>
    Task<RequestedServiceQuotaChange> RequestIncreaseAsync(QuotaKey quota, double desiredValue, CancellationToken ct);

    /// <summary><c>GetRequestedServiceQuotaChange</c>.</summary>
    Task<RequestedServiceQuotaChange> GetRequestAsync(QuotaKey quota, string requestId, CancellationToken ct);

    /// <summary>The quota's open request at AWS, if any (<c>ListRequestedServiceQuotaChangeHistoryByQuota</c>).</summary>
    Task<RequestedServiceQuotaChange?> FindOpenRequestAsync(QuotaKey quota, CancellationToken ct);

    /// <summary>
    /// The quota's request for <paramref name="desiredValue"/> received at or after <paramref name="createdFrom"/>,
    /// whatever its status (<c>ListRequestedServiceQuotaChangeHistoryByQuota</c> without a status filter): how a
    /// filing whose answer was lost (a timeout, a crash) is found even after AWS has approved, denied or closed it.
    /// </summary>
    Task<RequestedServiceQuotaChange?> FindRequestAsync(QuotaKey quota, double desiredValue, DateTimeOffset createdFrom, CancellationToken ct);

    /// <summary><c>CreateSupportCase</c> for a request still pending: the escalation path for slow requests.</summary>
    Task CreateSupportCaseAsync(QuotaKey quota, string requestId, CancellationToken ct);
}
