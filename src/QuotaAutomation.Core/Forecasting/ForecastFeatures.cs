namespace QuotaAutomation.Core.Forecasting;

/// <summary>
/// The forecasting model's inputs for one point of a usage grid and one horizon, every level expressed relative to
/// the current value (trees cannot extrapolate a level, so the model predicts a ratio: log(peak over the horizon ÷
/// current)). Pure, so training, backtests and the Lambda compute exactly the same numbers.
/// </summary>
public static class ForecastFeatures
{
    public static readonly IReadOnlyList<string> Names =
    [
        "horizon_log_hours", "last_over_mean_1h", "last_over_mean_24h", "max_24h_over_last", "min_24h_over_last",
        "cv_24h", "slope_24h", "yesterday_peak_over_last", "last_week_peak_over_last", "max_7d_over_last",
        "hour_sin", "hour_cos", "weekday_sin", "weekday_cos", "history_days",
    ];

    /// <summary>Enough history for the model: one day. Less, and the statistical fallback answers.</summary>
    public static readonly TimeSpan MinHistory = TimeSpan.FromDays(1);

    /// <param name="grid">Usage up to and including <paramref name="index"/> is known; nothing after it is read.</param>
    public static float[] Extract(UsageGrid grid, int index, TimeSpan horizon)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var v = grid.Values;
        var perHour = Steps(grid, TimeSpan.FromHours(1));
        var perDay = Steps(grid, TimeSpan.FromDays(1));
        var perWeek = Steps(grid, TimeSpan.FromDays(7));
        var last = Level(grid, v[index], index);
        var day = Window(v, index, perDay);
        var hour = Window(v, index, perHour);
        var week = Window(v, index, perWeek);
        var mean24 = day.Average();
        var std24 = Math.Sqrt(day.Sum(x => (x - mean24) * (x - mean24)) / day.Count);
        var steps = Steps(grid, horizon);
        var at = grid.TimeAt(index).UtcDateTime;
        var hourAngle = 2 * Math.PI * at.TimeOfDay.TotalHours / 24;
        var dayAngle = 2 * Math.PI * (int)at.DayOfWeek / 7;
        return
        [
            (float)Math.Log(Math.Max(horizon.TotalHours, 1e-3)),
            (float)(last / Level(grid, hour.Average(), index)),
            (float)(last / Level(grid, mean24, index)),
            (float)(day.Max() / last),
            (float)(day.Min() / last),
            (float)(std24 / Level(grid, mean24, index)),
            (float)(LeastSquares.Line(day, 0, day.Count).Slope / grid.Step.TotalHours / Level(grid, mean24, index)),
            (float)(PeakAgo(v, index, perDay, steps) / last),
            (float)(PeakAgo(v, index, perWeek, steps) / last),
            (float)(week.Max() / last),
            (float)Math.Sin(hourAngle),
            (float)Math.Cos(hourAngle),
            (float)Math.Sin(dayAngle),
            (float)Math.Cos(dayAngle),
            (float)Math.Min(index * grid.Step.TotalDays, 28),
        ];
    }

    /// <summary>
    /// The training target: log of the peak over the next <paramref name="horizon"/> divided by the seasonal-naive
    /// peak (<see cref="SeasonalNaivePeak"/>). The model learns corrections to the strongest simple baseline; a
    /// prediction of zero reproduces it.
    /// </summary>
    public static float Target(UsageGrid grid, int index, TimeSpan horizon)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var peak = grid.Values.Skip(index + 1).Take(Steps(grid, horizon)).DefaultIfEmpty(grid.Values[index]).Max();
        return (float)Math.Log(Level(grid, peak, index) / Level(grid, SeasonalNaivePeak(grid, index, horizon), index));
    }

    /// <summary>How the interval's width is scaled per forecast (written into the model's metadata).</summary>
    public const string SpreadName = "cv_24h + floor (the floor per horizon, chosen on the calibration half)";

    /// <summary>The floors <see cref="Spread"/> may be calibrated with, from nearly proportional to the day's variability to nearly one width for all.</summary>
    public static IReadOnlyList<double> SpreadFloors { get; } = [0.02, 0.05, 0.1, 0.2, 0.5, 1, 2];

    /// <summary>
    /// The scale of a forecast's error, from its features: the day's coefficient of variation plus a floor. Residual
    /// quantiles are taken in these units, so a flat series gets a narrower interval and a bursty one a wider one. The
    /// floor matters for the tail: with 0.02 (issue 15's interval), a burst on a flat day was a residual of a hundred
    /// spreads, and the p99 of such residuals, applied to any variable series, was a factor of e^30.
    /// </summary>
    public static double Spread(float[] features, double floor)
    {
        ArgumentNullException.ThrowIfNull(features);
        return features[5] + floor;
    }

    /// <summary>
    /// True when usage did not move at all over the last day (its maximum and minimum equal the current value), seen in
    /// more than one sample: a daily series' day is one sample, which never moves, and calling every such day still
    /// took away its forecast's correction and tails (a p99 equal to the current value on a series that jumps fivefold).
    /// </summary>
    public static bool IsStill(UsageGrid grid, float[] features)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(features);
        return Steps(grid, TimeSpan.FromDays(1)) > 1 && features[3] == 1 && features[4] == 1;
    }

    /// <summary>The peak a predicted log-ratio stands for.</summary>
    public static double PeakFrom(UsageGrid grid, int index, TimeSpan horizon, double logRatio)
    {
        ArgumentNullException.ThrowIfNull(grid);
        return Level(grid, SeasonalNaivePeak(grid, index, horizon), index) * Math.Exp(logRatio);
    }

    /// <summary>
    /// Daily seasonal naive: the peak over the same span one day earlier (for horizons over a day, the last day's
    /// peak); with less than a day of history, the current value.
    /// </summary>
    public static double SeasonalNaivePeak(UsageGrid grid, int index, TimeSpan horizon)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var perDay = Steps(grid, TimeSpan.FromDays(1));
        var steps = Math.Min(perDay, Steps(grid, horizon));
        var start = index - perDay + 1;
        if (start < 0) return grid.Values[index];
        var peak = double.MinValue;
        for (var i = start; i < start + steps; i++) peak = Math.Max(peak, grid.Values[i]);
        return peak;
    }

    /// <summary>
    /// How many grid steps a span of time is: at least one. Every window is a time (an hour, a day, a week), so a daily
    /// grid's "day" is one step, not 24 (before issue 16 an hour was clamped to a step and a day was 24 of them).
    /// </summary>
    public static int Steps(UsageGrid grid, TimeSpan span)
    {
        ArgumentNullException.ThrowIfNull(grid);
        return Math.Max(1, (int)Math.Round(span / grid.Step));
    }

    /// <summary>The highest value over the last <paramref name="span"/> (at most what the grid holds).</summary>
    public static double PeakOverLast(UsageGrid grid, int index, TimeSpan span)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var steps = Steps(grid, span);
        var peak = double.MinValue;
        for (var i = Math.Max(0, index - steps + 1); i <= index; i++) peak = Math.Max(peak, grid.Values[i]);
        return peak;
    }

    /// <summary>
    /// A level safe to divide by: zero usage becomes a small fraction of the series' recent scale (or 1), so ratios stay
    /// finite on series that touch zero.
    /// </summary>
    private static double Level(UsageGrid grid, double value, int index)
    {
        if (value > 0) return value;
        var scale = Window(grid.Values, index, Steps(grid, TimeSpan.FromDays(1))).Max();
        return scale > 0 ? scale * 0.01 : 1;
    }

    private static List<double> Window(IReadOnlyList<double> v, int index, int length)
    {
        var from = Math.Max(0, index - length + 1);
        var window = new List<double>(index - from + 1);
        for (var i = from; i <= index; i++) window.Add(v[i]);
        return window;
    }

    /// <summary>The peak of the <paramref name="steps"/> that followed the same moment <paramref name="period"/> ago (seasonal naive).</summary>
    private static double PeakAgo(IReadOnlyList<double> v, int index, int period, int steps)
    {
        var start = index - period + 1;
        if (start < 0) return v[index];
        var end = Math.Min(index, start + steps - 1);
        var peak = double.MinValue;
        for (var i = start; i <= end; i++) peak = Math.Max(peak, v[i]);
        return peak;
    }
}
