using System.Globalization;

namespace QuotaAutomation.Core.Forecasting;

/// <summary>
/// The statistical fallback: a least-squares linear trend over the last <see cref="FitWindow"/> of history, plus a
/// daily profile (mean residual per hour of day) once two days are known. The peak is the highest point of
/// trend + profile over the horizon. The trend is projected at most as far ahead as the history it was fitted on,
/// so two hours of history never become a week-long extrapolation. The interval is ±1.28 residual standard
/// deviations (80 % if residuals were normal). With less than <see cref="MinSamples"/> samples or an hour of
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

    public Forecast Predict(IReadOnlyList<UsageSample> history, DateTimeOffset now, TimeSpan horizon)
    {
        ArgumentNullException.ThrowIfNull(history);
        var current = history.Count > 0 ? history[^1].Value : 0;
        var window = history.Where(s => s.Timestamp > now - FitWindow && s.Timestamp <= now).ToList();
        var span = window.Count > 0 ? window[^1].Timestamp - window[0].Timestamp : TimeSpan.Zero;
        if (window.Count < MinSamples || span < MinSpan)
            return Forecast.CurrentOnly(current,
                string.Create(CultureInfo.InvariantCulture, $"{window.Count} samples over {span.TotalHours:0.#}h: too short for a trend"));

        var origin = window[0].Timestamp;
        double Hours(DateTimeOffset t) => (t - origin).TotalHours;
        var (intercept, slope) = FitLine(window.Select(s => (Hours(s.Timestamp), s.Value)).ToList());
        double Trend(double hours) => intercept + slope * hours;

        var residuals = window.Select(s => (hour: s.Timestamp.UtcDateTime.Hour, r: s.Value - Trend(Hours(s.Timestamp)))).ToList();
        var seasonal = span >= SeasonalSpan;
        var profile = new double[24];
        if (seasonal)
        {
            foreach (var group in residuals.GroupBy(x => x.hour)) profile[group.Key] = group.Average(x => x.r);
        }
        var noise = StandardDeviation(residuals.Select(x => x.r - (seasonal ? profile[x.hour] : 0)));

        var nowHours = Hours(now);
        var reach = Math.Min(horizon.TotalHours, span.TotalHours);
        var peak = double.MinValue;
        for (var step = 0.0; step <= horizon.TotalHours; step += 1)
        {
            var at = now + TimeSpan.FromHours(step);
            var value = Trend(nowHours + Math.Min(step, reach)) + (seasonal ? profile[at.UtcDateTime.Hour] : 0);
            peak = Math.Max(peak, value);
        }
        peak = Math.Max(0, peak);
        // A mean-shaped profile smooths away the spikes a quota must hold: once a day is known, the peak is at least
        // yesterday's peak over the same span (daily seasonal naive), and beyond a day at least the peak of the last
        // span as long (up to a week), as the model's forecast is.
        var seasonalPeak = span >= TimeSpan.FromDays(1) && UsageGrid.Resample(window) is var grid
            ? horizon > TimeSpan.FromDays(1)
                ? ForecastFeatures.PeakOverLast(grid, grid.Values.Count - 1, horizon < FitWindow ? horizon : FitWindow)
                : ForecastFeatures.SeasonalNaivePeak(grid, grid.Values.Count - 1, horizon)
            : 0;
        var raised = seasonalPeak > peak;
        peak = Math.Max(peak, seasonalPeak);
        var note = string.Create(CultureInfo.InvariantCulture,
            $"trend {slope:+0.###;-0.###;0}/h over {span.TotalHours:0.#}h{(seasonal ? " with daily profile" : "")}{(raised ? horizon > TimeSpan.FromDays(1) ? ", raised to the recent peak" : ", raised to yesterday's peak" : "")}, ±{IntervalZ * noise:0.##}");
        return new Forecast(peak, Math.Max(0, peak - IntervalZ * noise), peak + IntervalZ * noise, Name, note);
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
