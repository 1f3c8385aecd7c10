using System.Globalization;

namespace QuotaAutomation.Core.Forecasting;

/// <summary>
/// The statistical fallback: a least-squares linear trend over the last <see cref="FitWindow"/> of history, plus a
/// daily profile (mean residual per hour of day) once two days are known. The peak is the highest point of
/// trend + profile over the horizon. The trend is projected at most as far ahead as the history it was fitted on,
/// so two hours of history never become a week-long extrapolation. The interval is ±1.28 residual standard
/// deviations (80 % if residuals were normal). Its quantiles come from <see cref="RatioQuantiles.Fallback"/>. With less than <see cref="MinSamples"/> samples or an hour of
/// history it answers "current-only".
/// </summary>
public sealed class TrendForecaster : IForecaster
{
    public const int MinSamples = 12;
    public static readonly TimeSpan MinSpan = TimeSpan.FromHours(1);
    public static readonly TimeSpan FitWindow = TimeSpan.FromDays(7);
    private static readonly TimeSpan SeasonalSpan = TimeSpan.FromDays(2);
    private const double IntervalZ = 1.28;

    public string Name => "trend+daily";

    // The engine asks for three horizons per rule (1 h, 24 h, the rule's) and for every rule of a quota on one history:
    // the fit depends only on the history and the time, so the last one is kept (a race only recomputes it).
    private Fit? _last;

    public Forecast Predict(IReadOnlyList<UsageSample> history, DateTimeOffset now, TimeSpan horizon)
    {
        ArgumentNullException.ThrowIfNull(history);
        var fit = _last is { } last && ReferenceEquals(last.History, history) && last.Count == history.Count && last.Now == now
            ? last
            : _last = Fit.Of(history, now);
        if (fit.TooShort is { } reason) return Forecast.CurrentOnly(fit.Current, reason) with { Quantiles = PeakQuantiles.Point(fit.Current) };

        var nowHours = fit.Hours(now);
        var reach = Math.Min(horizon.TotalHours, fit.Span.TotalHours);
        var peak = double.MinValue;
        for (var step = 0.0; step <= horizon.TotalHours; step += 1)
        {
            var at = now + TimeSpan.FromHours(step);
            var value = fit.Trend(nowHours + Math.Min(step, reach)) + (fit.Seasonal ? fit.Profile[at.UtcDateTime.Hour] : 0);
            peak = Math.Max(peak, value);
        }
        peak = Math.Max(0, peak);
        // A mean-shaped profile smooths away the spikes a quota must hold: once a day is known, the peak is at least
        // yesterday's peak over the same span (daily seasonal naive), and beyond a day at least the peak of the last
        // span as long (up to a week), as the model's forecast is.
        var seasonalPeak = fit.Grid is { } grid
            ? horizon > TimeSpan.FromDays(1)
                ? ForecastFeatures.PeakOverLast(grid, grid.Values.Count - 1, horizon < FitWindow ? horizon : FitWindow)
                : ForecastFeatures.SeasonalNaivePeak(grid, grid.Values.Count - 1, horizon)
            : 0;
        var raised = seasonalPeak > peak;
        peak = Math.Max(peak, seasonalPeak);
        var note = string.Create(CultureInfo.InvariantCulture,
            $"trend {fit.Slope:+0.###;-0.###;0}/h over {fit.Span.TotalHours:0.#}h{(fit.Seasonal ? " with daily profile" : "")}{(raised ? horizon > TimeSpan.FromDays(1) ? ", raised to the recent peak" : ", raised to yesterday's peak" : "")}, ±{IntervalZ * fit.Noise:0.##}");
        // Quantiles (issue 16) do not use the trend: the baseline × the history's own ratios actual ÷ baseline
        // (RatioQuantiles.Fallback); too little history for those, the current value at every level.
        var quantiles = (fit.Grid is { } g ? RatioQuantiles.Fallback(g, horizon) : null) ?? PeakQuantiles.Point(fit.Current);
        return new Forecast(peak, Math.Max(0, peak - IntervalZ * fit.Noise), peak + IntervalZ * fit.Noise, Name, note) { Quantiles = quantiles };
    }

    /// <summary>What a history says at a time, whatever the horizon: the line, the daily profile, the noise, the grid.</summary>
    private sealed record Fit(IReadOnlyList<UsageSample> History, int Count, DateTimeOffset Now, double Current, string? TooShort,
        DateTimeOffset Origin, TimeSpan Span, double Intercept, double Slope, bool Seasonal, double[] Profile, double Noise, UsageGrid? Grid)
    {
        public double Hours(DateTimeOffset t) => (t - Origin).TotalHours;

        public double Trend(double hours) => Intercept + Slope * hours;

        public static Fit Of(IReadOnlyList<UsageSample> history, DateTimeOffset now)
        {
            var current = history.Count > 0 ? history[^1].Value : 0;
            var window = Window(history, now - FitWindow, now);
            var span = window.Count > 0 ? window[^1].Timestamp - window[0].Timestamp : TimeSpan.Zero;
            if (window.Count < MinSamples || span < MinSpan)
                return new Fit(history, history.Count, now, current,
                    string.Create(CultureInfo.InvariantCulture, $"{window.Count} samples over {span.TotalHours:0.#}h: too short for a trend"),
                    default, span, 0, 0, false, [], 0, null);

            var origin = window[0].Timestamp;
            var (intercept, slope) = FitLine(window.Select(s => ((s.Timestamp - origin).TotalHours, s.Value)).ToList());
            var residuals = window.Select(s => (hour: s.Timestamp.UtcDateTime.Hour, r: s.Value - (intercept + slope * (s.Timestamp - origin).TotalHours))).ToList();
            var seasonal = span >= SeasonalSpan;
            var profile = new double[24];
            if (seasonal)
            {
                foreach (var group in residuals.GroupBy(x => x.hour)) profile[group.Key] = group.Average(x => x.r);
            }
            var noise = StandardDeviation(residuals.Select(x => x.r - (seasonal ? profile[x.hour] : 0)));
            var grid = span >= TimeSpan.FromDays(1) ? UsageGrid.Resample(window, UsageGrid.RecentStep(window)) : null; // a backfill's hourly part spread, the last day at 5 minutes
            return new Fit(history, history.Count, now, current, null, origin, span, intercept, slope, seasonal, profile, noise, grid);
        }
    }

    /// <summary>The samples in (from, until], without growing a list sample by sample (this runs for every rule and horizon).</summary>
    private static List<UsageSample> Window(IReadOnlyList<UsageSample> history, DateTimeOffset from, DateTimeOffset until)
    {
        var window = new List<UsageSample>(history.Count);
        for (var i = 0; i < history.Count; i++)
            if (history[i].Timestamp > from && history[i].Timestamp <= until) window.Add(history[i]);
        return window;
    }

    internal static (double Intercept, double Slope) FitLine(IReadOnlyList<(double X, double Y)> points)
    {
        var meanX = points.Average(p => p.X);
        var meanY = points.Average(p => p.Y);
        var sxx = points.Sum(p => (p.X - meanX) * (p.X - meanX));
        var sxy = points.Sum(p => (p.X - meanX) * (p.Y - meanY));
        var slope = sxx > 0 ? sxy / sxx : 0;
        return (meanY - slope * meanX, slope);
    }

    private static double StandardDeviation(IEnumerable<double> values)
    {
        var list = values.ToList();
        if (list.Count < 2) return 0;
        var mean = list.Average();
        return Math.Sqrt(list.Sum(v => (v - mean) * (v - mean)) / (list.Count - 1));
    }
}
