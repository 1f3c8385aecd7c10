using QuotaAutomation.Core.Forecasting;

namespace QuotaAutomation.Local.Simulation;

/// <summary>
/// What CloudWatch answers for a period longer than the data's own step (Maximum statistic): each period's highest
/// point, stamped at the period's start; a period with no point has no sample. The simulated account and the trace
/// replay both answer GetMetricData's hourly part with it, so the two stand-ins cannot drift apart.
/// </summary>
public static class PeriodMaxima
{
    /// <param name="start">The first period's start.</param>
    /// <param name="end">No period starts at or after it (the last one may reach past it, as CloudWatch's does).</param>
    /// <param name="period">The periods' length.</param>
    /// <param name="valuesIn">The data's values at its points in [from, to).</param>
    public static IEnumerable<UsageSample> Of(DateTimeOffset start, DateTimeOffset end, TimeSpan period, Func<DateTimeOffset, DateTimeOffset, IEnumerable<double>> valuesIn)
    {
        ArgumentNullException.ThrowIfNull(valuesIn);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, TimeSpan.Zero);
        for (var at = start; at < end; at += period)
        {
            var peak = double.NegativeInfinity;
            foreach (var value in valuesIn(at, at + period)) peak = Math.Max(peak, value);
            if (double.IsFinite(peak)) yield return new UsageSample(at, peak);
        }
    }
}
