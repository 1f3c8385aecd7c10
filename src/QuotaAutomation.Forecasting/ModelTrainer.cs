using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;
using QuotaAutomation.Core.Common;
using QuotaAutomation.Core.Forecasting;

namespace QuotaAutomation.Forecasting;

/// <summary>Training settings; the defaults are what the shipped model was trained with.</summary>
public sealed record TrainingOptions
{
    public int Seed { get; init; } = 42;
    public int Trees { get; init; } = 200;
    public int Leaves { get; init; } = 24;
    public int MinExamplesPerLeaf { get; init; } = 20;
    public double LearningRate { get; init; } = 0.05;

    /// <summary>The horizons trained on, in hours (issue 6: at least 1 h, 24 h and 7 days).</summary>
    public IReadOnlyList<double> HorizonsHours { get; init; } = [1, 24, 168];

    /// <summary>One training row per this many hours of each trace (neighbouring rows say nearly the same).</summary>
    public double StrideHours { get; init; } = 1;

    /// <summary>
    /// The last share of each trace (in time) is the backtest's test part, never read by training; the same share
    /// before it is the calibration part (the quantiles and the p50's shrink).
    /// </summary>
    public double ValidationShare { get; init; } = 0.2;
}

/// <summary>
/// Trains the FastTree model on usage traces: every trace is resampled to its grid, and every stride point with a day
/// of history and a full horizon ahead becomes a row per horizon. Chronological split per trace (no look-ahead).
/// Single-threaded with a fixed seed, so the same data and seed give the same model.
/// </summary>
public static class ModelTrainer
{
    public const string ModelFile = "quota-forecast.zip";

    public static ModelMetadata Train(IReadOnlyList<TraceFile> traces, TrainingOptions options, string outputFolder, string licences)
    {
        ArgumentNullException.ThrowIfNull(traces);
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        var (rows, testRows) = Rows(traces, options);
        var train = rows.Where(r => r.Part == Part.Train).ToList();
        var calibrationFit = rows.Where(r => r.Part == Part.Train && r.BeforeCalibration).ToList();
        var calibration = rows.Where(r => r.Part == Part.Calibration).ToList();
        if (train.Count == 0) throw new InvalidDataException("no trace has a day of history and a full horizon: nothing to train on");

        var ml = new MLContext(options.Seed);
        var data = ml.Data.LoadFromEnumerable(train.Select(r => r.Row));
        var model = Fit(ml, data, options);
        Directory.CreateDirectory(outputFolder);
        var modelPath = Path.Combine(outputFolder, ModelFile);
        ml.Model.Save(model, data.Schema, modelPath);

        // Cross-fitting: the calibration residuals come from a second model trained only on rows that end before the
        // calibration part, so they are out-of-sample as the shipped model's are in use. (The shipped model's own
        // residuals there would be in-sample, too small.) The backtest's test region (the last share) is never read.
        var cross = calibrationFit.Count == 0 ? model : Fit(ml, ml.Data.LoadFromEnumerable(calibrationFit.Select(r => r.Row)), options);
        var engine = ml.Model.CreatePredictionEngine<ForecastRow, ForecastScore>(cross);
        var interval = new Dictionary<string, ResidualInterval>();
        foreach (var horizon in options.HorizonsHours)
        {
            var scored = calibration.Where(r => r.HorizonHours == horizon)
                .Select(r => new Scored(r.Trace, r.Base, r.Row.Label, r.Still ? 0 : engine.Predict(r.Row).Score, r.Row.Features[5]))
                .ToList();
            if (Calibrate(scored) is { } calibrated) interval[horizon.ToString(CultureInfo.InvariantCulture)] = calibrated;
        }

        var metadata = new ModelMetadata
        {
            Model = ModelFile,
            Features = ForecastFeatures.Names,
            HorizonsHours = options.HorizonsHours,
            Seed = options.Seed,
            Trees = options.Trees,
            Leaves = options.Leaves,
            TrainingRows = train.Count,
            ValidationRows = testRows,
            CalibrationRows = calibration.Count,
            QuantileCalibration = ForecastModel.CalibrationName,
            TrainingSeconds = Math.Round(clock.Elapsed.TotalSeconds, 2),
            IntervalSpread = ForecastFeatures.SpreadName,
            Interval = interval,
            Data = traces.Select(t => new DataFile(t.Name, t.Sha256, t.Samples.Count)).ToList(),
            Licences = licences,
        };
        File.WriteAllText(Path.ChangeExtension(modelPath, ".json"), JsonSerializer.Serialize(metadata, ForecastModel.Json));
        return metadata;
    }

    private static Microsoft.ML.Data.RegressionPredictionTransformer<Microsoft.ML.Trainers.FastTree.FastTreeRegressionModelParameters> Fit(MLContext ml, IDataView data, TrainingOptions options) =>
        ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options
        {
            NumberOfTrees = options.Trees,
            NumberOfLeaves = options.Leaves,
            MinimumExampleCountPerLeaf = options.MinExamplesPerLeaf,
            LearningRate = options.LearningRate,
            NumberOfThreads = 1, // reproducible: the same data and seed give the same trees
            FeatureColumnName = nameof(ForecastRow.Features),
            LabelColumnName = nameof(ForecastRow.Label),
        }).Fit(data);

    /// <summary>A calibration row: its trace, the actual log correction, the model's, and the day's coefficient of variation.</summary>
    private readonly record struct Scored(int Trace, double Base, double Label, double Predicted, double Cv);

    private static readonly double[] TailLevels = [0.9, 0.99];

    /// <summary>The shrinks tried for the p50, from seasonal naive (0) to the model as trained (1).</summary>
    private static readonly double[] Shrinks = [.. Enumerable.Range(0, 21).Select(k => k / 20.0)];

    /// <summary>
    /// One horizon's calibration. The p50's shrink: where the model's median over the calibration traces of MAE ÷
    /// seasonal naive's MAE (the backtest's MASE, on the calibration part) is above 1, the share of the model's
    /// correction with the lowest such median; otherwise none. The same rule for every series. Then the residual
    /// quantiles (÷ spread) of half of the traces, every trace weighing the same (a 55-day trace would otherwise count
    /// four times a 14-day one), and their coverage on the other half (the mean of per-trace coverages).
    /// </summary>
    private static ResidualInterval? Calibrate(List<Scored> rows)
    {
        var byTrace = rows.GroupBy(r => r.Trace).ToList();
        if (byTrace.Count < 2) return null;
        double Mase(IEnumerable<Scored> trace, double shrink)
        {
            var list = trace.ToList();
            var naive = list.Average(r => r.Base * Math.Abs(Math.Exp(r.Label) - 1));
            return naive > 0 ? list.Average(r => r.Base * Math.Abs(Math.Exp(r.Label) - Math.Exp(shrink * r.Predicted))) / naive : double.NaN;
        }
        double MedianMase(double w) => Stats.Median(byTrace.Select(t => Mase(t, w))) ?? double.MaxValue;
        // The model as trained unless it is worse than seasonal naive there; then the share that does best. (Shrinking a
        // model that already wins, to the calibration part's best share, did not carry over to the test part.)
        var shrink = MedianMase(1) <= 1 ? 1 : Shrinks.MinBy(MedianMase);
        var calibrate = byTrace.Where(t => t.Key % 2 == 0).ToList();
        var check = byTrace.Where(t => t.Key % 2 == 1).ToList();
        if (calibrate.Count == 0 || check.Count == 0) return null;
        double Error(Scored r) => r.Label - shrink * r.Predicted;
        // The spread's floor: the one whose p90 and p99, fitted on the calibration half, give that half the lowest
        // trace-weighted pinball loss of the log peak (a proper score: it rewards both coverage and narrowness).
        // The other half's coverage is then an honest check.
        double Q(double floor, double level) => WeightedQuantile(calibrate.SelectMany(t => t.Select(r => (Value: Error(r) / (r.Cv + floor), Weight: 1.0 / t.Count()))).OrderBy(x => x.Value).ToList(), level);
        double Loss(double floor) => calibrate.Sum(t => TailLevels.Sum(level =>
        {
            var q = Q(floor, level);
            return t.Average(r => Pinball(level, Error(r), q * (r.Cv + floor)));
        }));
        var floor = ForecastFeatures.SpreadFloors.MinBy(Loss);
        double Residual(Scored r) => Error(r) / (r.Cv + floor);
        var (q10, q50, q90, q99) = (Q(floor, 0.10), 0.0, Q(floor, 0.90), Q(floor, 0.99));
        double Coverage(Func<double, bool> inside) => check.Average(t => t.Count(r => inside(Residual(r))) / (double)t.Count());
        return new ResidualInterval(Math.Round(q10, 6), Math.Round(q90, 6), Math.Round(rows.Average(r => Math.Abs(Error(r))), 6),
            Math.Round(Coverage(e => e >= q10 && e <= q90), 4))
        {
            Q99 = Math.Round(q99, 6),
            SpreadFloor = floor,
            Shrink = shrink,
            P50Coverage = Math.Round(Coverage(e => e <= q50), 4),
            P90Coverage = Math.Round(Coverage(e => e <= q90), 4),
            P99Coverage = Math.Round(Coverage(e => e <= q99), 4),
        };
    }

    private static double Pinball(double level, double actual, double quantile) =>
        actual >= quantile ? level * (actual - quantile) : (1 - level) * (quantile - actual);

    /// <summary>The smallest value whose cumulative weight reaches <paramref name="level"/> of the total (values sorted).</summary>
    private static double WeightedQuantile(List<(double Value, double Weight)> sorted, double level)
    {
        var target = level * sorted.Sum(x => x.Weight);
        var sum = 0.0;
        foreach (var (value, weight) in sorted)
        {
            sum += weight;
            if (sum >= target) return value;
        }
        return sorted[^1].Value;
    }

    private enum Part { Train, Calibration }

    /// <summary>A row, and the seasonal-naive peak its label is relative to (<see cref="Base"/>: the level MASE is measured in).</summary>
    private sealed record LabelledRow(ForecastRow Row, double HorizonHours, int Trace, Part Part, bool BeforeCalibration, double Base, bool Still);

    /// <summary>
    /// Per trace, in time: training rows (the horizon ends before the test part, the last <see cref="TrainingOptions.ValidationShare"/>),
    /// of which those ending before the calibration part (the share before the test part) train the cross-fitted model;
    /// calibration rows start in the calibration part and end before the test part (they train the shipped model too);
    /// rows starting in the test part are only counted.
    /// </summary>
    private static (List<LabelledRow> Rows, int TestRows) Rows(IReadOnlyList<TraceFile> traces, TrainingOptions options)
    {
        var rows = new List<LabelledRow>();
        var testRows = 0;
        foreach (var (trace, number) in traces.Select((t, n) => (t, n)))
        {
            var grid = UsageGrid.Resample(trace.Samples);
            var first = (int)Math.Ceiling(ForecastFeatures.MinHistory / grid.Step);
            var stride = ForecastFeatures.Steps(grid, TimeSpan.FromHours(options.StrideHours));
            var test = (int)(grid.Values.Count * (1 - options.ValidationShare));
            var calibration = (int)(grid.Values.Count * (1 - 2 * options.ValidationShare));
            foreach (var horizon in options.HorizonsHours)
            {
                var steps = ForecastFeatures.Steps(grid, TimeSpan.FromHours(horizon));
                for (var i = first; i + steps < grid.Values.Count; i += stride)
                {
                    if (i + steps >= test)
                    {
                        if (i >= test) testRows++;
                        continue;
                    }
                    var row = new ForecastRow
                    {
                        Features = ForecastFeatures.Extract(grid, i, TimeSpan.FromHours(horizon)),
                        Label = ForecastFeatures.Target(grid, i, TimeSpan.FromHours(horizon)),
                    };
                    var basis = ForecastFeatures.PeakFrom(grid, i, TimeSpan.FromHours(horizon), 0);
                    var still = ForecastFeatures.IsStill(grid, row.Features);
                    rows.Add(new LabelledRow(row, horizon, number, Part.Train, i + steps < calibration, basis, still));
                    if (i >= calibration) rows.Add(new LabelledRow(row, horizon, number, Part.Calibration, false, basis, still));
                }
            }
        }
        return (rows, testRows);
    }
}
