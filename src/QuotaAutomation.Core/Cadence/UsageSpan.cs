using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Cadence;

/// <summary>
/// One part of a detailed usage read: the maxima of periods of <paramref name="Period"/> from <paramref name="Start"/>
/// (each sample stamped at its period's start, as CloudWatch stamps them) up to <paramref name="End"/>.
/// </summary>
public sealed record UsageSpan(DateTimeOffset Start, DateTimeOffset End, TimeSpan Period)
{
    /// <summary>The periods the span holds (CloudWatch datapoints per metric, at most).</summary>
    public int Periods => (int)Math.Max(1, Math.Ceiling((End - Start) / Period));

    /// <summary>
    /// The spans a detailed read from <paramref name="from"/> (a quota's newest stored sample, or the window's start) to
    /// <paramref name="until"/> asks for. Up to <see cref="FineSpan"/> plus an hour: one span of 5-minute maxima from
    /// <paramref name="from"/>. Longer (a first read's 14-day backfill, a quota not read for days): 1-hour maxima from the
    /// period after the one <paramref name="from"/> stands for, then 5-minute maxima over the last 24 to 25 hours, so a
    /// 14-day window is about 312 + 288 samples instead of 4,032, and the last day (the spike baseline, the cadence's
    /// 24 h peak, the forecast's daily statistics) keeps its detail. Periods run from <paramref name="from"/>, not from
    /// the clock's hours: the hourly part ends where the 5-minute part begins, with no overlap and no gap.
    /// </summary>
    public static IReadOnlyList<UsageSpan> For(DateTimeOffset from, DateTimeOffset until)
    {
        var coarseStart = from + Fine;
        var hours = (long)Math.Floor((until - FineSpan - coarseStart) / Coarse);
        if (hours < 1) return [new UsageSpan(from, until, Fine)];
        var split = coarseStart + Coarse * hours;
        return [new UsageSpan(coarseStart, split, Coarse), new UsageSpan(split, until, Fine)];
    }

    /// <summary>
    /// <see cref="For(DateTimeOffset, DateTimeOffset)"/> for one quota: a quota whose metric is read as a Sum (a rate
    /// quota: calls per period) keeps 5-minute periods over the whole read, since an hour's sum ÷ 3,600 s is the hour's
    /// average rate, below its busiest 5 minutes; an hourly Maximum of a count or level is the highest of its twelve
    /// 5-minute maxima.
    /// </summary>
    public static IReadOnlyList<UsageSpan> For(QuotaInfo quota, DateTimeOffset from, DateTimeOffset until)
    {
        ArgumentNullException.ThrowIfNull(quota);
        return ReadAsSum(quota.UsageMetric) ? [new UsageSpan(from, until, Fine)] : For(from, until);
    }

    /// <summary>
    /// The statistic a usage metric is read with is its recommendation, except that count metrics (<c>ResourceCount</c>,
    /// <c>ConcurrentExecutions</c>) always use Maximum: a sum of counts over a period means nothing.
    /// </summary>
    public static string Statistic(UsageMetric metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return metric.MetricName is "ResourceCount" or "ConcurrentExecutions" ? "Maximum" : metric.MetricStatisticRecommendation;
    }

    private static bool ReadAsSum(UsageMetric? metric) => metric is not null && Statistic(metric) == "Sum";

    /// <summary>The detail every cycle reads and forecasts keep: CloudWatch's 5-minute period.</summary>
    public static readonly TimeSpan Fine = TimeSpan.FromMinutes(5);

    /// <summary>The period of a backfill's older part: hourly maxima.</summary>
    public static readonly TimeSpan Coarse = TimeSpan.FromHours(1);

    /// <summary>How much of a long read stays at <see cref="Fine"/>: the last day.</summary>
    public static readonly TimeSpan FineSpan = TimeSpan.FromDays(1);
}
