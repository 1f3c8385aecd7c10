namespace QuotaAutomation.Core.Decisions;

/// <summary>How the engine sizes an increase (docs/simulation.md compares the two on the same replay).</summary>
public enum SizingPolicy
{
    /// <summary>
    /// Issue 16: the band from the honest estimate; the value from the rule's <c>breach_risk</c> quantile of the
    /// horizon's peak ÷ the warning threshold (at least the band's multiple); targets over ×2 followed as a step plan.
    /// </summary>
    Risk,

    /// <summary>
    /// quota-automation-v1, as shipped before issue 16: the band and the value from the forecast's peak (the higher of
    /// the direct model and the week's floor), at least the band's multiple, asked in steps of at most ×2, re-decided
    /// every cycle.
    /// </summary>
    V1,
}
