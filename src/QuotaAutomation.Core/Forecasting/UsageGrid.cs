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
        var ordered = samples.OrderBy(s => s.Timestamp).ToList();
        var grid = step ?? MedianStep(ordered);
        if (grid <= TimeSpan.Zero) grid = TimeSpan.FromMinutes(5);
        var start = ordered[0].Timestamp;
        var count = checked((int)((ordered[^1].Timestamp - start).Ticks / grid.Ticks) + 1);
        var values = new double[count];
        var seen = new bool[count];
        foreach (var s in ordered)
        {
            var i = (int)((s.Timestamp - start).Ticks / grid.Ticks);
            values[i] = seen[i] ? Math.Max(values[i], s.Value) : s.Value;
            seen[i] = true;
        }
        for (var i = 1; i < count; i++)
            if (!seen[i]) values[i] = values[i - 1];
        return new UsageGrid(start, grid, values);
    }

    private static TimeSpan MedianStep(List<UsageSample> ordered)
    {
        if (ordered.Count < 2) return TimeSpan.FromMinutes(5);
        var steps = ordered.Zip(ordered.Skip(1), (a, b) => (b.Timestamp - a.Timestamp).Ticks).Where(t => t > 0).Order().ToList();
        return steps.Count == 0 ? TimeSpan.FromMinutes(5) : TimeSpan.FromTicks(steps[steps.Count / 2]);
    }
}
