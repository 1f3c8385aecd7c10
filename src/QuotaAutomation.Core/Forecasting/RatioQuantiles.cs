using QuotaAutomation.Core.Common;

namespace QuotaAutomation.Core.Forecasting;

/// <summary>
/// Quantiles of a horizon's peak from a simple baseline and the series' own history: at every hour of the history whose
/// horizon has passed, the ratio of the peak that followed to what the baseline said then; the forecast is today's
/// baseline times that ratio's 50th, 90th and 99th percentiles. No model, no shape assumed: the fallback forecaster's
/// quantiles and the backtest's quantile baselines.
/// </summary>
public static class RatioQuantiles
{
    /// <summary>Fewer past ratios than this (a day of hourly origins) and there is nothing to take quantiles of.</summary>
    public const int MinRatios = 24;

    /// <summary>
    /// The ratios actual peak ÷ baseline at hourly origins from <paramref name="first"/> whose horizon ends at or before
    /// <paramref name="until"/> (the last index whose value is known). Origins where the baseline is zero are left out
    /// (a ratio to nothing says nothing).
    /// </summary>
    public static List<double> Ratios(UsageGrid grid, int first, int until, TimeSpan horizon, Func<UsageGrid, int, double> baseline)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(baseline);
        var steps = ForecastFeatures.Steps(grid, horizon);
        var stride = ForecastFeatures.Steps(grid, TimeSpan.FromHours(1));
        var ratios = new List<double>();
        for (var j = Math.Max(0, first); j + steps <= until; j += stride)
        {
            var basis = baseline(grid, j);
            if (basis <= 0) continue;
            var peak = double.MinValue;
            for (var k = j + 1; k <= j + steps; k++) peak = Math.Max(peak, grid.Values[k]);
            ratios.Add(peak / basis);
        }
        return ratios;
    }

    /// <summary>The baseline <paramref name="now"/> times the ratios' quantiles; null with fewer than <see cref="MinRatios"/> ratios.</summary>
    public static PeakQuantiles? Of(double now, IReadOnlyList<double> ratios)
    {
        ArgumentNullException.ThrowIfNull(ratios);
        if (ratios.Count < MinRatios) return null;
        var sorted = ratios.Order().ToList();
        return PeakQuantiles.Of(now * Stats.Quantile(sorted, 0.5), now * Stats.Quantile(sorted, 0.9), now * Stats.Quantile(sorted, 0.99));
    }

    /// <summary>
    /// The fallback's quantiles at the grid's last point. Up to a day: daily seasonal naive × its ratios. Beyond: the peak
    /// of the last span as long as the horizon (up to a week) × the ratios of the next span's peak to the last span's,
    /// the span shortened to a third of the history when the history cannot hold it three times (a shorter span's ratio
    /// varies more: wider, not narrower). Null when the history is too short for <see cref="MinRatios"/> ratios.
    /// </summary>
    public static PeakQuantiles? Fallback(UsageGrid grid, TimeSpan horizon)
    {
        ArgumentNullException.ThrowIfNull(grid);
        return Fallback(grid, grid.Values.Count - 1, horizon);
    }

    /// <summary>As <see cref="Fallback(UsageGrid, TimeSpan)"/> at <paramref name="index"/>: nothing after it is read.</summary>
    public static PeakQuantiles? Fallback(UsageGrid grid, int index, TimeSpan horizon)
    {
        ArgumentNullException.ThrowIfNull(grid);
        if (index < 1) return null;
        var day = TimeSpan.FromDays(1);
        if (horizon <= day)
            return Of(ForecastFeatures.SeasonalNaivePeak(grid, index, horizon),
                Ratios(grid, ForecastFeatures.Steps(grid, day), index, horizon, (g, j) => ForecastFeatures.SeasonalNaivePeak(g, j, horizon)));
        var span = horizon < TimeSpan.FromDays(7) ? horizon : TimeSpan.FromDays(7);
        var history = grid.Step * index;
        var ratioSpan = span * 3 <= history ? span : history / 3;
        if (ratioSpan < day) return null;
        return Of(ForecastFeatures.PeakOverLast(grid, index, span),
            Ratios(grid, ForecastFeatures.Steps(grid, ratioSpan) - 1, index, ratioSpan, (g, j) => ForecastFeatures.PeakOverLast(g, j, ratioSpan)));
    }
}
