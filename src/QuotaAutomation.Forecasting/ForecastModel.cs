using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML;
using Microsoft.ML.Data;
using QuotaAutomation.Core.Common;
using QuotaAutomation.Core.Forecasting;

namespace QuotaAutomation.Forecasting;

/// <summary>One row for ML.NET: the features and the target (log of peak ÷ current).</summary>
public sealed class ForecastRow
{
    [VectorType(15)]
    public float[] Features { get; set; } = [];

    public float Label { get; set; }
}

/// <summary>ML.NET's output column.</summary>
public sealed class ForecastScore
{
    public float Score { get; set; }
}

/// <summary>What the training wrote beside the model: data provenance, settings and validation figures.</summary>
public sealed record ModelMetadata
{
    [JsonPropertyName("model")] public required string Model { get; init; }
    [JsonPropertyName("algorithm")] public string Algorithm { get; init; } = "ML.NET FastTree regression (Microsoft.ML.FastTree 5.0.1)";
    [JsonPropertyName("target")] public string Target { get; init; } = "log(peak usage over the horizon / daily seasonal-naive peak)";
    [JsonPropertyName("features")] public required IReadOnlyList<string> Features { get; init; }
    [JsonPropertyName("horizons_hours")] public required IReadOnlyList<double> HorizonsHours { get; init; }
    [JsonPropertyName("seed")] public required int Seed { get; init; }
    [JsonPropertyName("trees")] public required int Trees { get; init; }
    [JsonPropertyName("leaves")] public required int Leaves { get; init; }
    [JsonPropertyName("training_rows")] public required int TrainingRows { get; init; }
    [JsonPropertyName("validation_rows")] public required int ValidationRows { get; init; }
    [JsonPropertyName("training_seconds")] public required double TrainingSeconds { get; init; }
    [JsonPropertyName("calibration_rows")] public int CalibrationRows { get; init; }
    [JsonPropertyName("interval_spread")] public required string IntervalSpread { get; init; }
    [JsonPropertyName("quantile_calibration")] public string? QuantileCalibration { get; init; }
    [JsonPropertyName("interval")] public required IReadOnlyDictionary<string, ResidualInterval> Interval { get; init; }
    [JsonPropertyName("data")] public required IReadOnlyList<DataFile> Data { get; init; }
    [JsonPropertyName("licences")] public required string Licences { get; init; }
}

/// <summary>
/// One horizon's calibration (<see cref="ModelTrainer"/>): the shrink applied to the model's correction for the p50, and
/// the 10th, 90th and 99th percentiles of the calibration residuals (log actual peak − log p50) in units of
/// <see cref="ForecastFeatures.Spread"/>, from the calibration part of half of the traces (each trace weighing the
/// same), with the coverage those quantiles reach on the other half: <see cref="ValidationCoverage"/> for the 80 %
/// interval q10…q90, and the share of actual peaks at or below the p50, p90 and p99.
/// </summary>
public sealed record ResidualInterval(
    [property: JsonPropertyName("q10")] double Q10,
    [property: JsonPropertyName("q90")] double Q90,
    [property: JsonPropertyName("mae_log_ratio")] double MaeLogRatio,
    [property: JsonPropertyName("validation_coverage")] double ValidationCoverage)
{
    [JsonPropertyName("q99")] public double Q99 { get; init; }

    /// <summary>The floor of <see cref="ForecastFeatures.Spread"/> these quantiles are in units of.</summary>
    [JsonPropertyName("spread_floor")] public double SpreadFloor { get; init; } = 0.02;

    /// <summary>The p50's log correction is this share of the model's (1: the model as trained; 0: seasonal naive).</summary>
    [JsonPropertyName("shrink")] public double Shrink { get; init; } = 1;

    [JsonPropertyName("p50_coverage")] public double P50Coverage { get; init; }
    [JsonPropertyName("p90_coverage")] public double P90Coverage { get; init; }
    [JsonPropertyName("p99_coverage")] public double P99Coverage { get; init; }
}

public sealed record DataFile([property: JsonPropertyName("file")] string File, [property: JsonPropertyName("sha256")] string Sha256, [property: JsonPropertyName("samples")] int Samples);

/// <summary>
/// A model forecast: the peak v1 sizes on, its 80 % interval, the log correction applied to the seasonal-naive peak,
/// whether the day was still, the quantiles of the horizon's peak (the p50 the direct model's shrunk estimate), and
/// where their tails came from (for the forecast's note, so the audit says it).
/// </summary>
public readonly record struct ModelPeak(double Peak, double Lower, double Upper, double Correction, bool StillDay, PeakQuantiles Quantiles, string Tails);

/// <summary>
/// What a series' own past says (<see cref="ForecastModel.SeriesPast"/>): the share of the model's correction its p50
/// takes, and its sorted residuals: actual ÷ max(p50, the usual daily peak) at their origin (<c>ResidualScale</c>).
/// </summary>
public sealed record SeriesPastFit(double Share, IReadOnlyList<double> Residuals);

/// <summary>A trained model with its metadata, loaded once (per Lambda container or CLI run) and safe to share.</summary>
public sealed class ForecastModel
{
    private readonly PredictionEngine<ForecastRow, ForecastScore> _engine;
    private readonly Lock _lock = new(); // a PredictionEngine is not thread-safe

    private ForecastModel(PredictionEngine<ForecastRow, ForecastScore> engine, ModelMetadata metadata)
    {
        _engine = engine;
        Metadata = metadata;
    }

    public ModelMetadata Metadata { get; }

    public static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>How the quantiles were calibrated (written into the metadata; a model calibrated otherwise is refused).</summary>
    public const string CalibrationName = "split conformal: cross-fitted model, residuals ÷ spread, trace-weighted, even traces calibrate, odd check";

    /// <summary>Loads <c>quota-forecast.zip</c> and its <c>.json</c> metadata.</summary>
    public static ForecastModel Load(string modelPath)
    {
        var metadataPath = Path.ChangeExtension(modelPath, ".json");
        var metadata = JsonSerializer.Deserialize<ModelMetadata>(File.ReadAllText(metadataPath), Json)
            ?? throw new InvalidDataException($"{metadataPath} is empty");
        if (!metadata.Features.SequenceEqual(ForecastFeatures.Names))
            throw new InvalidDataException($"{metadataPath}: the model was trained on other features ({string.Join(",", metadata.Features)}); retrain it");
        if (metadata.QuantileCalibration != CalibrationName)
            throw new InvalidDataException($"{metadataPath}: the quantiles were calibrated by '{metadata.QuantileCalibration}', this build expects '{CalibrationName}'; retrain it");
        if (metadata.IntervalSpread != ForecastFeatures.SpreadName)
            throw new InvalidDataException($"{metadataPath}: the interval is scaled by '{metadata.IntervalSpread}', this build by '{ForecastFeatures.SpreadName}'; retrain it");
        var ml = new MLContext(metadata.Seed);
        var transformer = ml.Model.Load(modelPath, out _);
        return new ForecastModel(ml.Model.CreatePredictionEngine<ForecastRow, ForecastScore>(transformer), metadata);
    }

    /// <summary>The predicted log-ratio for one feature vector.</summary>
    public float Predict(float[] features)
    {
        lock (_lock) return _engine.Predict(new ForecastRow { Features = features }).Score;
    }

    /// <summary>
    /// The model's forecast at one point of a grid: the seasonal-naive peak times the predicted correction, never below
    /// the current value (v1's peak), the quantiles of the direct model at every horizon, and the 80 % interval (residual quantiles scaled by <see cref="ForecastFeatures.Spread"/>).
    /// A day without any movement gets no correction: the traces the model learned from were sensors and request
    /// counts, where a still day comes before a burst, but a still quota (a count of VPCs) mostly stays still, and the
    /// model made a flat 4 into 4.5.
    /// </summary>
    /// <param name="series">
    /// The series' name when the same series is forecast again and again (the engine's quota): its past origins'
    /// corrections are then kept between calls (<see cref="SeriesPast"/>); null keeps them per grid only.
    /// </param>
    public ModelPeak PredictPeak(UsageGrid grid, int index, TimeSpan horizon, string? series = null)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var direct = Direct(grid, index, horizon, series);
        if (horizon <= TimeSpan.FromDays(1)) return direct;
        // Beyond a day, never below the next day's forecast or the last week's peak. The backtest prefers that floor
        // alone as a forecast (MASE 0.636 against the direct model's higher figures), but a quota's errors are not
        // symmetric: in the replay, acting on the higher of the two brought breach minutes to the physical limit
        // (10,550 against 10,540) where the floor alone left 12,055, for 18 % more added quota (docs/simulation.md).
        var floor = WeekAhead(grid, index, horizon, Direct(grid, index, TimeSpan.FromDays(1), series).Peak);
        return direct with { Peak = Math.Max(direct.Peak, floor), Upper = Math.Max(direct.Upper, floor) };
    }

    /// <summary>A quantile is at most e^20 times the baseline: finite on any input (a quantile must be), far beyond any real one.</summary>
    private const double MaxLogRatio = 20;

    private ModelPeak Direct(UsageGrid grid, int index, TimeSpan horizon, string? series)
    {
        var features = ForecastFeatures.Extract(grid, index, horizon);
        var still = ForecastFeatures.IsStill(grid, features);
        var correction = still ? 0 : Predict(features);
        var interval = IntervalFor(horizon);
        var peak = Math.Max(grid.Values[index], ForecastFeatures.PeakFrom(grid, index, horizon, correction));
        // The p50 is the honest estimate: the shrunk correction, not floored at the current value (the engine sizes from
        // max(current, p50) itself).
        var past = SeriesPast(grid, index, horizon, interval.Shrink, series);
        var median = past.Share * interval.Shrink * correction;
        var p50 = ForecastFeatures.PeakFrom(grid, index, horizon, median);
        PeakQuantiles quantiles;
        double lower, upper;
        string tails;
        if (past.Residuals.Count >= RatioQuantiles.MinRatios)
        {
            // Enough of the series' own past: its residuals are the quantiles' (local split conformal), ratios to
            // the scale they were taken at (SeriesPast). The traces' pooled residuals suit the bursty traces that
            // dominate them: on a calm or still quota their p99 was 3.6 × the p50 a day ahead (spread floor 2), a step
            // plan for a quota that does not move.
            var scale = ResidualScale(grid, index, p50);
            double At(double level) => scale * Stats.Quantile(past.Residuals, level);
            quantiles = PeakQuantiles.Of(p50, At(0.9), At(0.99));
            (lower, upper) = (Math.Min(p50, At(0.1)), Math.Max(peak, At(0.9)));
            tails = string.Create(CultureInfo.InvariantCulture, $"{OwnResiduals} {past.Residuals.Count} past residuals");
        }
        else if (still)
        {
            // A still day with too little past for its own residuals: the level (a still quota mostly stays still; the
            // pooled tails, fitted on bursty traces, made a VPC count still at 4 into a p99 of 14).
            quantiles = PeakQuantiles.Point(p50);
            (lower, upper) = (p50, peak);
            tails = "still: no tail";
        }
        else
        {
            // Too little past: the calibrated residual quantiles, in units of this forecast's spread. Beyond a day, the
            // day's: the week's pooled tails rest on the few long traces and covered every peak (p99 about 7 × the p50
            // of a calm series), where the day's were checked at 86.7 % (p90) on the other half.
            var pooled = horizon > TimeSpan.FromDays(1) ? IntervalFor(TimeSpan.FromDays(1)) : interval;
            var tailSpread = ForecastFeatures.Spread(features, pooled.SpreadFloor);
            quantiles = PeakQuantiles.Of(p50,
                ForecastFeatures.PeakFrom(grid, index, horizon, Math.Min(median + pooled.Q90 * tailSpread, MaxLogRatio)),
                ForecastFeatures.PeakFrom(grid, index, horizon, Math.Min(median + pooled.Q99 * tailSpread, MaxLogRatio)));
            tails = PooledTails;
            var spread = ForecastFeatures.Spread(features, interval.SpreadFloor);
            lower = ForecastFeatures.PeakFrom(grid, index, horizon, correction + interval.Q10 * spread);
            upper = Math.Max(peak, ForecastFeatures.PeakFrom(grid, index, horizon, Math.Min(correction + interval.Q90 * spread, MaxLogRatio)));
        }
        // Beyond a day the tails are the series' own: the last span's peak × the quantiles of its history's ratios (the
        // fallback's). The direct model's calibrated tails there rest on the few traces long enough to calibrate a week
        // on and were far too wide (p90 covered every 168 h peak, its pinball loss 2.3 × seasonal naive's quantile
        // baseline's); the week's ratios scored best of all (docs/forecasting.md).
        // Either way the tails are at least their own spread around the model's p50: where the model's p50 was above
        // the span's, the tails were below it, p99 = p50, and a quota sized to that was full again within the hour (a
        // taxi trace filed twice in 40 minutes).
        // With too short a history for span ratios (under three days), the next day's own residuals when it has them:
        // the pooled tails scale with the day's coefficient of variation, which on a series that switches on and off
        // made a week's p99 25 × its p50 and a step plan to the cap on the first cycle.
        if (horizon > TimeSpan.FromDays(1))
        {
            if (RatioQuantiles.Fallback(grid, index, horizon) is { } own)
                (quantiles, tails) = (Around(quantiles.P50, own), "tails from its own span-on-span peak ratios");
            else if (!still && past.Residuals.Count < RatioQuantiles.MinRatios && Direct(grid, index, TimeSpan.FromDays(1), series) is { Tails: var dayTails } day
                && dayTails.StartsWith(OwnResiduals, StringComparison.Ordinal))
                (quantiles, tails) = (Around(quantiles.P50, day.Quantiles), "tails from its own next day's residuals");
        }
        return new ModelPeak(peak, lower, upper, correction, still, quantiles, tails);
    }

    private const string OwnResiduals = "tails from its own";

    /// <summary>The note of tails from the pooled calibration (<see cref="Core.Forecasting.Forecast.TailsPooled"/>).</summary>
    public const string PooledTails = "tails from the pooled calibration";

    /// <summary>The p50, and tails at least <paramref name="own"/>'s and at least its spread (p90 ÷ p50, p99 ÷ p50) around the p50.</summary>
    private static PeakQuantiles Around(double p50, PeakQuantiles own) => own.P50 > 0
        ? PeakQuantiles.Of(p50, Math.Max(own.P90, p50 * own.P90 / own.P50), Math.Max(own.P99, p50 * own.P99 / own.P50))
        : PeakQuantiles.Of(p50, own.P90, own.P99);

    /// <summary>The shares of the model's correction a series' own past can choose among (ties go to the model).</summary>
    private static readonly double[] SeriesShares = [1, 0.5, 0];

    /// <summary>Fewer past origins than this (a day's every two hours) and the series keeps the model's whole correction.</summary>
    private const int MinSeriesOrigins = 12;

    /// <summary>How far back the series' own past is read: the 14 days a first read backfills (docs/fleet-backfill.md).</summary>
    private static readonly TimeSpan SeriesWindow = TimeSpan.FromDays(14);

    /// <summary>
    /// How much of the model's correction this series' own recent past supports, and its residuals: at every second hour of the last 14 days
    /// whose horizon has passed, the p50's absolute error with all, half or none of the correction (none is seasonal
    /// naive), and the share with the least. Trained on other sources, the model was worse than seasonal naive on
    /// series of a kind it had never seen (leave-one-source-out, 24 h p50 MASE 1.99 on the AWS CloudWatch series); a
    /// series that the model serves badly is served by seasonal naive, one it serves well keeps the model. The same rule
    /// for every series, from nothing but its own history. The residuals: actual ÷ max(that p50, the usual daily peak) at the same origins, sorted.
    /// </summary>
    public SeriesPastFit SeriesPast(UsageGrid grid, int index, TimeSpan horizon, double shrink, string? series = null)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var steps = ForecastFeatures.Steps(grid, horizon);
        var stride = ForecastFeatures.Steps(grid, TimeSpan.FromHours(2));
        var first = Math.Max((int)Math.Ceiling(ForecastFeatures.MinHistory / grid.Step), index - steps - ForecastFeatures.Steps(grid, SeriesWindow));
        var past = new List<(int Origin, double Basis, double Correction, double Actual)>();
        for (var j = index - steps; j >= first; j -= stride)
        {
            var actual = double.MinValue;
            for (var k = j + 1; k <= j + steps; k++) actual = Math.Max(actual, grid.Values[k]);
            past.Add((j, ForecastFeatures.PeakFrom(grid, j, horizon, 0), shrink * CorrectionAt(grid, j, horizon, series), actual));
        }
        var share = 1.0;
        if (past.Count >= MinSeriesOrigins)
            share = SeriesShares.MinBy(s => past.Sum(p => Math.Abs(p.Basis * Math.Exp(s * p.Correction) - p.Actual))); // the first of equals: the model
        return new SeriesPastFit(share, past.Select(p =>
        {
            var p50 = p.Basis * Math.Exp(share * p.Correction);
            return p.Actual / ResidualScale(grid, p.Origin, p50);
        }).Order().ToList());
    }

    /// <summary>
    /// What a series' own residuals are ratios to: the largest of the p50, the last day's peak and the median of the
    /// last 7 days' daily peaks (a quota holds its usual daily peak anyway). A ratio to the p50 alone explodes on a
    /// series that switches between off and on (a CPU at 1 % that jumps to 67 %): at an off-hour the p50 is about 1,
    /// the hour after can be 670, and the p99 of those ratios (hundreds) times a p50 of 565 put the next hour's p99 at
    /// 222,003, a step plan to the cap for a quota that never passed 671. The last day's peak alone fails the same way
    /// after a day that stayed off (taxi rides in a blizzard). To the usual daily peak the same jump is about 1. Where
    /// the p50 is above both (a growing series) this is the ratio to the p50, as before.
    /// </summary>
    private double ResidualScale(UsageGrid grid, int index, double p50)
    {
        var peaks = DailyPeaks(grid);
        var perDay = ForecastFeatures.Steps(grid, TimeSpan.FromDays(1));
        var week = new List<double>(7);
        for (var d = 0; d < 7 && index - d * perDay >= 0; d++) week.Add(peaks[index - d * perDay]);
        var scale = Math.Max(p50, Math.Max(peaks[index], Stats.Median(week) ?? 0));
        return scale > 0 ? scale : 1;
    }

    // Each grid's peak over the day ending at every index (a sliding maximum), computed once per grid.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<UsageGrid, double[]> _dailyPeaks = new();

    private double[] DailyPeaks(UsageGrid grid) => _dailyPeaks.GetValue(grid, g =>
    {
        var v = g.Values;
        var window = ForecastFeatures.Steps(g, TimeSpan.FromDays(1));
        var peaks = new double[v.Count];
        var deque = new LinkedList<int>(); // indexes of decreasing values: the front is the window's maximum
        for (var i = 0; i < v.Count; i++)
        {
            while (deque.Count > 0 && v[deque.Last!.Value] <= v[i]) deque.RemoveLast();
            deque.AddLast(i);
            if (deque.First!.Value <= i - window) deque.RemoveFirst();
            peaks[i] = v[deque.First.Value];
        }
        return peaks;
    });

    // The past origins' corrections, kept per grid: a backtest asks for the same origins hour after hour.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<UsageGrid, Dictionary<(long, TimeSpan), double>> _corrections = new();

    // The engine's quotas' past origins' corrections, by origin time: each cycle's grid is new (the window slides), but
    // an origin's correction was computed when it was the present, so a cycle computes one new origin per horizon, not
    // the 168 of its 14 days (which made a cycle about 30 times slower). Kept per series and bounded to the window.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Dictionary<(long, TimeSpan), double>> _seriesCorrections = new(StringComparer.Ordinal);

    private double CorrectionAt(UsageGrid grid, int index, TimeSpan horizon, string? series)
    {
        var cache = series is null ? _corrections.GetOrCreateValue(grid) : _seriesCorrections.GetOrAdd(series, _ => []);
        var key = series is null ? ((long)index, horizon) : (grid.TimeAt(index).UtcTicks, horizon);
        lock (cache)
            if (cache.TryGetValue(key, out var known)) return known;
        var features = ForecastFeatures.Extract(grid, index, horizon);
        var correction = ForecastFeatures.IsStill(grid, features) ? 0 : Predict(features);
        lock (cache)
        {
            cache[key] = correction;
            if (series is not null && cache.Count > SeriesCacheLimit) Forget(cache, grid.TimeAt(index) - SeriesWindow - TimeSpan.FromDays(8));
        }
        return correction;
    }

    /// <summary>About 170 origins a horizon over the window, for a handful of horizons: past this, the older ones go.</summary>
    private const int SeriesCacheLimit = 2_000;

    private static void Forget(Dictionary<(long, TimeSpan), double> cache, DateTimeOffset before)
    {
        foreach (var key in cache.Keys.Where(k => k.Item1 < before.UtcTicks).ToList()) cache.Remove(key);
    }

    /// <summary>The next day's forecast peak, and at least the peak of the last span as long as the horizon (up to a week).</summary>
    public static double WeekAhead(UsageGrid grid, int index, TimeSpan horizon, double nextDayPeak) =>
        Math.Max(nextDayPeak, ForecastFeatures.PeakOverLast(grid, index, horizon < TimeSpan.FromDays(7) ? horizon : TimeSpan.FromDays(7)));

    /// <summary>The residual interval of the trained horizon nearest to <paramref name="horizon"/>.</summary>
    public ResidualInterval IntervalFor(TimeSpan horizon) => Metadata.Interval
        .MinBy(i => Math.Abs(Math.Log(double.Parse(i.Key, System.Globalization.CultureInfo.InvariantCulture)) - Math.Log(Math.Max(horizon.TotalHours, 1e-3))))
        .Value;
}
