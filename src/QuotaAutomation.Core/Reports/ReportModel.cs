using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Reports;

/// <summary>A report's figures, built from its input by <see cref="ReportBuilder"/> and drawn by <see cref="HtmlReport"/>.</summary>
public sealed record ReportModel(ReportInput Input, ReportSummary Summary)
{
    /// <summary>The quotas that matter most (highest peak utilisation), each with its value over time and forecast band.</summary>
    public IReadOnlyList<QuotaChart> Charts { get; init; } = [];

    /// <summary>Peak utilisation per account (rows) and quota (columns).</summary>
    public HeatMap Heat { get; init; } = new([], [], new Dictionary<(string, string), double>());

    public IReadOnlyList<RequestLine> Requests { get; init; } = [];

    public IReadOnlyList<ApprovalLine> Approvals { get; init; } = [];

    /// <summary>Quotas whose usage reached their value (breaches) or 90 % of it (near misses), the worst first.</summary>
    public IReadOnlyList<PressureLine> Pressure { get; init; } = [];

    /// <summary>The biggest right-sizing opportunities: quotas at least twice what their p99 needs.</summary>
    public IReadOnlyList<RightSizingLine> RightSizing { get; init; } = [];
}

/// <summary>The report's headline numbers (each drawn with a <c>data-metric</c> attribute, so a test can read them back).</summary>
public sealed record ReportSummary(
    int Quotas, double PeakUtilizationPercent, double BreachMinutes, double NearMissMinutes,
    int RequestsFiled, int RequestsApproved, int RequestsDenied, int RequestsOpen, int FilingsFailed,
    int ApprovalsAsked, int ApprovalsGranted, int ApprovalsDenied, int ApprovalsExpired,
    TimeSpan? MedianLeadTime, double MonthlyCostAdded, int Findings);

/// <summary>One quota's chart: usage and the quota's value over the period, and the forecast band of its peak after it.</summary>
public sealed record QuotaChart(QuotaKey Key, string Name, IReadOnlyList<UsageSample> Usage, IReadOnlyList<UsageSample> Value,
    PeakQuantiles? Forecast, TimeSpan Horizon, double PeakUtilizationPercent);

public sealed record HeatMap(IReadOnlyList<string> Accounts, IReadOnlyList<string> Quotas, IReadOnlyDictionary<(string Account, string Quota), double> PeakPercent);

/// <summary>An increase filed with Service Quotas, and what became of it.</summary>
/// <param name="Status">The last status seen (<c>APPROVED</c>, <c>DENIED</c>, …), or <c>PENDING</c> while none came.</param>
public sealed record RequestLine(string RuleId, QuotaKey Quota, DateTimeOffset FiledAt, double? From, double? To, double? MonthlyCost, string Status, DateTimeOffset? DecidedAt)
{
    public TimeSpan? LeadTime => DecidedAt - FiledAt;
}

/// <summary>An increase sent to a person, and their answer.</summary>
/// <param name="Outcome">granted, denied, expired, or waiting.</param>
public sealed record ApprovalLine(string RuleId, QuotaKey Quota, DateTimeOffset AskedAt, double? To, double? MonthlyCost, string Outcome, DateTimeOffset? DecidedAt)
{
    public TimeSpan? LeadTime => DecidedAt - AskedAt;
}

public sealed record PressureLine(QuotaKey Quota, string Name, double BreachMinutes, double NearMissMinutes, double PeakUtilizationPercent);

public sealed record RightSizingLine(QuotaKey Quota, string Name, double Value, double Needed, double UsageP99);
