using QuotaAutomation.Core.Cadence;

namespace QuotaAutomation.Core.Forecasting;

/// <summary>
/// The two resolutions a stored usage history keeps (docs/fleet-window.md): the last day as the samples were read
/// (5-minute maxima), everything older as one maximum per clock hour, stamped at the hour's start. Every store
/// (SQLite, a fleet shard's DynamoDB rows) and the engine's in-memory window apply this one rule, so a window read
/// cold or warm, on either backend, is the same series.
/// </summary>
public static class UsageResolution
{
    /// <summary>The hour a stored hourly maximum stands for.</summary>
    public static readonly TimeSpan Hour = UsageSpan.Coarse;

    /// <summary>
    /// Where the 5-minute part of a history begins when its newest sample is <paramref name="newest"/>: the start of the
    /// clock hour a day before it. Samples before it are kept as hourly maxima; the part after it (24 to 25 hours) keeps
    /// its detail, so the last day (the spike baseline, the cadence's 24 h peak, <see cref="UsageGrid.RecentStep"/>)
    /// is always at 5 minutes.
    /// </summary>
    public static DateTimeOffset FineFrom(DateTimeOffset newest) => HourOf(newest - UsageSpan.FineSpan);

    /// <summary>The start of the clock hour (UTC) <paramref name="time"/> falls in.</summary>
    public static DateTimeOffset HourOf(DateTimeOffset time) =>
        new(time.UtcTicks - time.UtcTicks % Hour.Ticks, TimeSpan.Zero);

    /// <summary>
    /// <paramref name="samples"/> (in time order) with every sample before <paramref name="fineFrom"/> replaced by the
    /// maximum of its clock hour, stamped at the hour's start; the rest unchanged. An hour with some samples missing keeps
    /// the maximum of those it has. Idempotent (an hourly maximum is the only sample of its hour, at its start), and
    /// compacting in steps gives what compacting at once gives, so a store that compacts an hour twice, or a crashed
    /// compaction done again, keeps the same series. The peak of every hour survives (tested as a property).
    /// </summary>
    public static IReadOnlyList<UsageSample> Compact(IReadOnlyList<UsageSample> samples, DateTimeOffset fineFrom)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0 || samples[0].Timestamp >= fineFrom) return samples;
        var compacted = new List<UsageSample>(samples.Count);
        var i = 0;
        while (i < samples.Count && samples[i].Timestamp < fineFrom)
        {
            var hour = HourOf(samples[i].Timestamp);
            var peak = samples[i].Value;
            for (i++; i < samples.Count && samples[i].Timestamp < fineFrom && HourOf(samples[i].Timestamp) == hour; i++)
                peak = Math.Max(peak, samples[i].Value);
            compacted.Add(new UsageSample(hour, peak));
        }
        for (; i < samples.Count; i++) compacted.Add(samples[i]);
        return compacted;
    }
}
