using QuotaAutomation.Core.Common;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Decisions;

/// <summary>
/// What a quota's recent usage says it needs (issue 16): the 99th percentile of its usage over the window read, and the
/// value that keeps that at the warning threshold. Service Quotas cannot decrease a quota by API, so a quota far above
/// its need is a report, and a reason not to ask for more; nothing is filed from it.
/// </summary>
/// <param name="Value">The quota's applied value.</param>
/// <param name="WarningPercent">The governing rule's warning threshold, or <see cref="NoRuleWarningPercent"/>.</param>
/// <param name="UsageP99">The 99th percentile of the usage's hourly maxima.</param>
/// <param name="Needed">⌈<paramref name="UsageP99"/> ÷ warning⌉: whole units for counts, hundredths otherwise (as <see cref="Sizing.DesiredValue"/> rounds).</param>
/// <param name="Hours">How many hourly maxima the percentile is over.</param>
/// <param name="FirstSample">The oldest sample read: with <paramref name="LastSample"/>, how much history was actually there.</param>
public sealed record RightSizing(double Value, double WarningPercent, double UsageP99, double Needed, int Hours, DateTimeOffset FirstSample, DateTimeOffset LastSample)
{
    /// <summary>How far back the report reads by default.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(30);

    /// <summary>A quota is listed at this multiple of its need or more.</summary>
    public const double DefaultFactor = 2;

    /// <summary>The threshold of a quota no rule governs: where Service Quotas' own utilisation notifications start.</summary>
    public const double NoRuleWarningPercent = 80;

    /// <summary>The history the percentile rests on, oldest to newest sample.</summary>
    public TimeSpan Span => LastSample - FirstSample;

    /// <summary><see cref="Value"/> ÷ <see cref="Needed"/>; null when the usage needs nothing (all zero), where any value is excess.</summary>
    public double? Ratio => Needed > 0 ? Value / Needed : null;

    /// <summary>Units above the need.</summary>
    public double Excess => Value - Needed;

    /// <summary>Listed: the value is at least <paramref name="factor"/> × the need, and above it (a quota of 0 needing 0 is not).</summary>
    public bool IsOversized(double factor) => Value > Needed && Value >= factor * Needed;

    /// <summary>
    /// The need of <paramref name="quota"/> from <paramref name="usage"/> (the window read, any order). The samples are
    /// taken as hourly maxima first: SQLite keeps the last day at 5 minutes and older hours as maxima, DynamoDB keeps
    /// every 5-minute sample for its retention, so without this the same usage would give two percentiles; and an hour's
    /// maximum is what an hour must fit under. Null when there is no usage at all.
    /// </summary>
    public static RightSizing? Of(QuotaInfo quota, double warningPercent, IReadOnlyList<UsageSample> usage)
    {
        ArgumentNullException.ThrowIfNull(quota);
        ArgumentNullException.ThrowIfNull(usage);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(warningPercent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(warningPercent, 100);
        if (usage.Count == 0) return null;
        var ordered = usage.OrderBy(s => s.Timestamp).ToList();
        var hourly = UsageResolution.Compact(ordered, DateTimeOffset.MaxValue);
        var p99 = Stats.Quantile(hourly.Select(s => s.Value).Order().ToList(), 0.99);
        var needed = p99 / (warningPercent / 100);
        // Round off float noise before rounding up: 700 / 0.7 is 1000.0000000000001, which must not become 1001.
        needed = quota.IsCount ? Math.Ceiling(Math.Round(needed, 6)) : Math.Ceiling(Math.Round(needed * 100, 6)) / 100;
        return new RightSizing(quota.Value, warningPercent, p99, Math.Max(0, needed), hourly.Count, ordered[0].Timestamp, ordered[^1].Timestamp);
    }

    /// <summary>The oversized ones, the largest excess first: by ratio (unused quotas first), then by units above the need.</summary>
    public static IReadOnlyList<T> Oversized<T>(IEnumerable<T> rows, Func<T, RightSizing> of, double factor)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(of);
        return rows.Where(r => of(r).IsOversized(factor))
            .OrderByDescending(r => of(r).Ratio ?? double.PositiveInfinity).ThenByDescending(r => of(r).Excess).ToList();
    }
}
