using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Decisions;

/// <summary>How big an increase to ask for.</summary>
public static class Sizing
{
    /// <summary>The Service Quotas API's upper bound for a <c>QuotaValue</c>.</summary>
    public const double ApiMaxQuotaValue = 10_000_000_000;

    /// <summary>
    /// AWS approves modest increases within minutes and sends large ones to a person, which takes a day or more: an
    /// increase is asked in steps of at most this multiple of the current value, the next step once the first is
    /// granted (in the replay, ×2 and ×2 again took an hour where ×4 at once took a day: docs/simulation.md).
    /// </summary>
    public const double FastStep = 2.0;

    /// <summary>The part of <paramref name="wanted"/> to ask for now: at most <paramref name="fastStep"/> × the current value (whole units for counts).</summary>
    public static double FirstStep(QuotaInfo quota, double wanted, double? fastStep)
    {
        ArgumentNullException.ThrowIfNull(quota);
        if (fastStep is not { } step || quota.Value <= 0 || wanted <= step * quota.Value) return wanted; // nothing to multiply from zero
        var limit = step * quota.Value;
        return quota.IsCount ? Math.Floor(Math.Round(limit, 6)) : Math.Floor(Math.Round(limit * 100, 6)) / 100;
    }

    /// <summary>The seed's multiple of the current quota per band: 2× emergency, the rule's multiplier at critical, 1.2× pre-emptive.</summary>
    public static double MultipleFor(Severity severity, QuotaRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return severity switch
        {
            Severity.Emergency => 2.0,
            Severity.Critical => rule.IncreaseMultiplier,
            _ => 1.2,
        };
    }

    /// <summary>
    /// The usage an increase is sized for. Risk sizing (the snapshot has quantiles): the (1 − <c>breach_risk</c>) quantile
    /// of the horizon's peak, at least the current usage (a forecast of the peak never plans below what is used now).
    /// V1: the snapshot's peak usage, the larger of now and the forecast peak.
    /// </summary>
    public static double SizedUsage(QuotaRule rule, QuotaSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(snapshot);
        return snapshot.Quantiles is { } q ? Math.Max(snapshot.CurrentUsage, q.At(1 - rule.BreachRisk)) : snapshot.PeakUsage;
    }

    /// <summary>
    /// The quota the sized usage needs: <see cref="SizedUsage"/> ÷ the warning threshold, rounded like a request, with
    /// no band multiple and no cap. A step plan is no longer needed once this is at or below the quota in force.
    /// </summary>
    public static double Need(QuotaRule rule, QuotaInfo quota, double sizedUsage)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(quota);
        return RoundUp(quota, sizedUsage / (rule.Thresholds.Warning / 100));
    }

    /// <summary>The quantile level a rule sizes to, as a name: <c>p99</c> for breach_risk 0.01, <c>p97.5</c> for 0.025.</summary>
    public static string LevelName(QuotaRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return "p" + Math.Round(100 * (1 - rule.BreachRisk), 4).ToString("0.####", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The value to request: at least the band's multiple of the current quota, and at least what keeps the
    /// forecast peak at or under the warning threshold; rounded up to a whole number for count quotas; never
    /// above the rule's <c>max_auto_increase</c> (nor the API's maximum). The result may be ≤ the current value
    /// when the cap is reached: the caller must then not request.
    /// </summary>
    public static double DesiredValue(QuotaRule rule, QuotaInfo quota, double peakUsage, Severity severity)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(quota);
        var byMultiple = quota.Value * MultipleFor(severity, rule);
        var byForecast = peakUsage / (rule.Thresholds.Warning / 100);
        var wanted = RoundUp(quota, Math.Max(byMultiple, byForecast));
        return Math.Min(wanted, Cap(rule));
    }

    /// <summary>The highest value ever requested for the rule: its <c>max_auto_increase</c>, within the API's maximum.</summary>
    public static double Cap(QuotaRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return Math.Min(rule.MaxAutoIncrease, ApiMaxQuotaValue);
    }

    /// <summary>Whole units for counts, cents otherwise, rounded up.</summary>
    // Round off float noise before rounding up: 700 / 0.7 is 1000.0000000000001, which must not become 1001.
    private static double RoundUp(QuotaInfo quota, double value) =>
        quota.IsCount ? Math.Ceiling(Math.Round(value, 6)) : Math.Ceiling(Math.Round(value * 100, 6)) / 100;
}
