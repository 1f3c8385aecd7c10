using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Governance;

/// <summary>An observed quota's value and its last observed usage (null: no sample in the history window).</summary>
public sealed record ObservedUtilization(QuotaKey Key, string QuotaName, double Value, double? Usage)
{
    /// <summary>Usage ÷ value in percent; null without usage or with a quota of 0.</summary>
    public double? Percent => Usage is { } u && Value > 0 ? 100 * u / Value : null;
}
