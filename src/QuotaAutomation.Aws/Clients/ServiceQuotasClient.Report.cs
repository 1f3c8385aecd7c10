namespace QuotaAutomation.Aws.Clients;

// The quota utilization report (botocore service-quotas 2019-06-24: StartQuotaUtilizationReport,
// GetQuotaUtilizationReport): every quota of the account and Region that has a usage metric, with its utilization and
// applied value, up to 1,000 a page, fullest first. AWS deletes a report 15 minutes after it is made.

public sealed record StartQuotaUtilizationReportRequest;

/// <param name="Status">PENDING when the report is first started (<see cref="QuotaUtilizationReportStatus"/>).</param>
/// <param name="Message">Optional; may say that a recent report is being reused.</param>
public sealed record StartQuotaUtilizationReportResponse(string? ReportId, string? Status, string? Message);

public sealed record GetQuotaUtilizationReportRequest
{
    public required string ReportId { get; init; }
    public string? NextToken { get; init; }

    /// <summary>1 to 1,000 (the default and maximum).</summary>
    public int? MaxResults { get; init; }
}

/// <param name="ErrorCode">Set when <paramref name="Status"/> is FAILED.</param>
public sealed record GetQuotaUtilizationReportResponse(
    string? ReportId, string? Status, DateTimeOffset? GeneratedAt, int? TotalCount, IReadOnlyList<QuotaUtilizationInfo>? Quotas,
    string? NextToken, string? ErrorCode, string? ErrorMessage);

/// <summary>One quota's line in the report. <see cref="Utilization"/> = usage ÷ applied value × 100 (above 100 when over).</summary>
public sealed record QuotaUtilizationInfo
{
    public string? QuotaCode { get; init; }
    public string? ServiceCode { get; init; }
    public string? QuotaName { get; init; }
    public string? Namespace { get; init; }
    public double? Utilization { get; init; }
    public double? DefaultValue { get; init; }
    public double? AppliedValue { get; init; }
    public string? ServiceName { get; init; }
    public bool? Adjustable { get; init; }
}

/// <summary>The report's <c>ReportStatus</c> values.</summary>
public static class QuotaUtilizationReportStatus
{
    public const string Pending = "PENDING";
    public const string InProgress = "IN_PROGRESS";
    public const string Completed = "COMPLETED";
    public const string Failed = "FAILED";
}

public sealed partial class ServiceQuotasClient
{
    /// <summary>The most a report page holds (GetQuotaUtilizationReport's <c>MaxResults</c> maximum).</summary>
    public const int MaxUtilizationReportPage = 1000;

    public Task<StartQuotaUtilizationReportResponse> StartQuotaUtilizationReportAsync(StartQuotaUtilizationReportRequest request, CancellationToken ct) =>
        CallAsync<StartQuotaUtilizationReportResponse>("StartQuotaUtilizationReport", request, ct);

    public Task<GetQuotaUtilizationReportResponse> GetQuotaUtilizationReportAsync(GetQuotaUtilizationReportRequest request, CancellationToken ct) =>
        CallAsync<GetQuotaUtilizationReportResponse>("GetQuotaUtilizationReport", request, ct);
}
