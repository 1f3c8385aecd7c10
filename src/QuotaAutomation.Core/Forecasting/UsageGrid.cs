namespace QuotaAutomation.Core.Forecasting;

/// <summary>A usage series on a regular time grid.</summary>
public sealed record UsageGrid(DateTimeOffset Start, TimeSpan Step, IReadOnlyList<double> Values)
{
    public DateTimeOffset TimeAt(int index) => Start + Step * index;

    /// <summary>
    /// Puts samples on a regular grid: the step is the median step of the samples (unless given); a bucket's value is
    /// the max of its samples (a quota cares about peaks); an empty bucket repeats the previous value.
    /// </summary>
    public static UsageGrid Resample(IReadOnlyList<UsageSample> samples, TimeSpan? step = null)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0) return new UsageGrid(default, step ?? TimeSpan.FromMinutes(5), []);
        // Histories arrive in time order: sorting them again was most of a cycle's CPU (issue 13's profile).
        var ordered = InTimeOrder(samples) ? samples : samples.OrderBy(s => s.Timestamp).ToList();
        var grid = step ?? MedianStep(ordered);
        if (grid <= TimeSpan.Zero) grid = TimeSpan.FromMinutes(5);
        var start = ordered[0].Timestamp;
        var count = checked((int)((ordered[^1].Timestamp - start).Ticks / grid.Ticks) + 1);
        var values = new double[count];
        var seen = new bool[count];
        for (var n = 0; n < ordered.Count; n++)
        {
            var s = ordered[n];
            var i = (int)((s.Timestamp - start).Ticks / grid.Ticks);
            values[i] = seen[i] ? Math.Max(values[i], s.Value) : s.Value;
            seen[i] = true;
        }
        for (var i = 1; i < count; i++)
            if (!seen[i]) values[i] = values[i - 1];
        return new UsageGrid(start, grid, values);
    }

    /// <summary>
    /// The step to resample a history at: the median step of its last day's samples. A window whose older part is hourly
    /// maxima (a backfill, <see cref="Cadence.UsageSpan.For"/>) and whose last day is at 5 minutes stays on a 5-minute
    /// grid, the hourly maxima repeated over their hours (a peak covers its hour: conservative), where the median step of
    /// the whole window (about 312 hourly and 288 five-minute steps) would be an hour and collapse the last day's detail.
    /// A history with under two samples in its last day: the median step of all of it.
    /// </summary>
    public static TimeSpan RecentStep(IReadOnlyList<UsageSample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var ordered = InTimeOrder(samples) ? samples : samples.OrderBy(s => s.Timestamp).ToList();
        if (ordered.Count < 2) return MedianStep(ordered);
        var from = ordered[^1].Timestamp - TimeSpan.FromDays(1);
        var first = ordered.Count - 1;
        while (first > 0 && ordered[first - 1].Timestamp >= from) first--;
        return ordered.Count - first >= 2 ? MedianStep(Tail(ordered, first)) : MedianStep(ordered);
    }

    private static List<UsageSample> Tail(IReadOnlyList<UsageSample> ordered, int first)
    {
        var tail = new List<UsageSample>(ordered.Count - first);
        for (var i = first; i < ordered.Count; i++) tail.Add(ordered[i]);
        return tail;
    }

    private static bool InTimeOrder(IReadOnlyList<UsageSample> samples)
    {
        for (var i = 1; i < samples.Count; i++)
            if (samples[i].Timestamp < samples[i - 1].Timestamp) return false;
        return true;
    }

    private static TimeSpan MedianStep(IReadOnlyList<UsageSample> ordered)
    {
        if (ordered.Count < 2) return TimeSpan.FromMinutes(5);
        var steps = new long[ordered.Count - 1];
        var positive = 0;
        for (var i = 1; i < ordered.Count; i++)
            if ((ordered[i].Timestamp - ordered[i - 1].Timestamp).Ticks is var ticks and > 0) steps[positive++] = ticks;
        if (positive == 0) return TimeSpan.FromMinutes(5);
        Array.Sort(steps, 0, positive);
        return TimeSpan.FromTicks(steps[positive / 2]);
    }
}
