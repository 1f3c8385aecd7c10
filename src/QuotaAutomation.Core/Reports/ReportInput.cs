using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Governance;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Reports;

/// <summary>What a report is made from, gathered by an adapter (the CLI's <c>report</c>, the Lambda's weekly report): no I/O beyond this point.</summary>
/// <param name="Scope">What the report covers, as people name it: "account 111111111111", "ou-ab12-sandbox1", "the organization".</param>
public sealed record ReportInput(string Scope, DateTimeOffset Since, DateTimeOffset Until, DateTimeOffset GeneratedAt)
{
    public IReadOnlyList<QuotaObservation> Quotas { get; init; } = [];

    /// <summary>The audit records of the period: intents, outcomes and status changes (the requests and approvals are read from them).</summary>
    public IReadOnlyList<AuditRecord> Audit { get; init; } = [];

    public IReadOnlyList<BudgetStatus> Budgets { get; init; } = [];

    public IReadOnlyList<ComplianceFinding> Findings { get; init; } = [];
}

/// <summary>One quota over the period: its value now, its usage, and the forecast of its peak over the horizon after the period.</summary>
public sealed record QuotaObservation(QuotaInfo Quota, IReadOnlyList<UsageSample> Usage)
{
    public QuotaKey Key => Quota.Key;

    public PeakQuantiles? Forecast { get; init; }

    public TimeSpan ForecastHorizon { get; init; } = TimeSpan.FromDays(7);

    /// <summary>The warning threshold (%) of the rule that governs it, or the right-sizing default when none does.</summary>
    public double WarningPercent { get; init; } = Decisions.RightSizing.NoRuleWarningPercent;
}

/// <summary>A monthly budget this month: its limit and what the increases filed have spent of it.</summary>
public sealed record BudgetStatus(string Budget, string Month, double Limit, double Spent);
