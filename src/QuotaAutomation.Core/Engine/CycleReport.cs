using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Engine;

/// <summary>One rule's result in a cycle: its decision and, where the quota was read, what it was read as.</summary>
public sealed record RuleResult(QuotaDecision Decision, QuotaInfo? Quota, double? CurrentUsage, Forecast? Forecast)
{
    /// <summary>Utilisation is below the rule's warning threshold by the recovery margin: any alert on the quota has cleared.</summary>
    public bool Cleared { get; init; }

    /// <summary>When the forecasts say the quota will be reached, and how surely.</summary>
    public Forecasting.BreachEstimate? Breach { get; init; }

    /// <summary>Set when this cycle's usage newly jumped to at least twice the 24 h median.</summary>
    public Events.SpikeAssessment? NewSpike { get; init; }

    public double? UtilizationPercent => Quota is { Value: > 0 } q && CurrentUsage is { } u && Forecast is { } f
        ? 100 * Math.Max(u, f.Peak) / q.Value : null;
}

public enum ActionOutcome
{
    Done,
    /// <summary>Not needed after all (e.g. another cycle holds the quota); not an error.</summary>
    Skipped,
    Failed,
}

/// <summary>What one action did: an alert sent, a request filed, an approval started, and how it ended.</summary>
public sealed record ActionResult(string RuleId, QuotaKey? Quota, string Action, ActionOutcome Outcome, string Detail);

/// <summary>Everything one cycle decided and did.</summary>
public sealed record CycleReport(
    string RunId,
    DateTimeOffset StartedAt,
    IReadOnlyList<RuleResult> Rules,
    IReadOnlyList<ActionResult> Actions,
    IReadOnlyList<string> StatusChanges)
{
    /// <summary>The quota events this cycle published (threshold crossings told to people, new spikes).</summary>
    public IReadOnlyList<Ports.QuotaEventRecord> Published { get; init; } = [];

    /// <summary>
    /// When the next cycle is needed: the earliest next read the cadence calls for among this cycle's quotas. Null
    /// without a cadence (every cycle reads every quota) or when no quota was read.
    /// </summary>
    public DateTimeOffset? NextCycleDue { get; init; }

    public int Rejected => Rules.Count(r => r.Decision is Failed);

    public int ActionsFailed => Actions.Count(a => a.Outcome == ActionOutcome.Failed);

    /// <summary>Actions skipped because the time budget ran out.</summary>
    public int NotReached => Actions.Count(a => a.Outcome == ActionOutcome.Skipped && a.Detail.StartsWith("not reached", StringComparison.Ordinal));
}
