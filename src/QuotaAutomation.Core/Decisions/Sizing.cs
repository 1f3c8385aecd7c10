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
        var wanted = Math.Max(byMultiple, byForecast);
        // Round off float noise before rounding up: 700 / 0.7 is 1000.0000000000001, which must not become 1001.
        wanted = quota.IsCount ? Math.Ceiling(Math.Round(wanted, 6)) : Math.Ceiling(Math.Round(wanted * 100, 6)) / 100;
        return Math.Min(wanted, Math.Min(rule.MaxAutoIncrease, ApiMaxQuotaValue));
    }
}
