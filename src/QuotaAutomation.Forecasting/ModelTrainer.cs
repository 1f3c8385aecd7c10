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

    /// <summary>The last share of each trace (in time) is held out for validation and the interval.</summary>
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
        var (train, validation) = Rows(traces, options);
        if (train.Count == 0) throw new InvalidDataException("no trace has a day of history and a full horizon: nothing to train on");

        var ml = new MLContext(options.Seed);
        var data = ml.Data.LoadFromEnumerable(train.Select(r => r.Row));
        var trainer = ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options
        {
            NumberOfTrees = options.Trees,
            NumberOfLeaves = options.Leaves,
            MinimumExampleCountPerLeaf = options.MinExamplesPerLeaf,
            LearningRate = options.LearningRate,
            NumberOfThreads = 1, // reproducible: the same data and seed give the same trees
            FeatureColumnName = nameof(ForecastRow.Features),
            LabelColumnName = nameof(ForecastRow.Label),
        });
        var model = trainer.Fit(data);
        Directory.CreateDirectory(outputFolder);
        var modelPath = Path.Combine(outputFolder, ModelFile);
        ml.Model.Save(model, data.Schema, modelPath);

        var engine = ml.Model.CreatePredictionEngine<ForecastRow, ForecastScore>(model);
        var interval = new Dictionary<string, ResidualInterval>();
        foreach (var horizon in options.HorizonsHours)
        {
            // Quantiles from the held-out part of even-numbered traces; coverage checked on the odd-numbered ones, so
            // the coverage figure is not true by construction. Quantiles are in units of the forecast's spread.
            var rows = validation.Where(r => r.HorizonHours == horizon)
                .Select(r => (r.Trace, Error: (double)(r.Row.Label - engine.Predict(r.Row).Score), Spread: ForecastFeatures.Spread(r.Row.Features))).ToList();
            List<double> Scaled(int parity) => rows.Where(r => r.Trace % 2 == parity).Select(r => r.Error / r.Spread).Order().ToList();
            var calibration = Scaled(0);
            var check = Scaled(1);
            if (calibration.Count == 0 || check.Count == 0) continue;
            var q10 = Stats.Quantile(calibration, 0.10);
            var q90 = Stats.Quantile(calibration, 0.90);
            interval[horizon.ToString(CultureInfo.InvariantCulture)] = new ResidualInterval(Math.Round(q10, 6), Math.Round(q90, 6),
                Math.Round(rows.Average(r => Math.Abs(r.Error)), 6), Math.Round(check.Count(r => r >= q10 && r <= q90) / (double)check.Count, 4));
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
            ValidationRows = validation.Count,
            TrainingSeconds = Math.Round(clock.Elapsed.TotalSeconds, 2),
            IntervalSpread = ForecastFeatures.SpreadName,
            Interval = interval,
            Data = traces.Select(t => new DataFile(t.Name, t.Sha256, t.Samples.Count)).ToList(),
            Licences = licences,
        };
        File.WriteAllText(Path.ChangeExtension(modelPath, ".json"), JsonSerializer.Serialize(metadata, ForecastModel.Json));
        return metadata;
    }

    private sealed record LabelledRow(ForecastRow Row, double HorizonHours, int Trace);

    private static (List<LabelledRow> Train, List<LabelledRow> Validation) Rows(IReadOnlyList<TraceFile> traces, TrainingOptions options)
    {
        var train = new List<LabelledRow>();
        var validation = new List<LabelledRow>();
        foreach (var (trace, number) in traces.Select((t, n) => (t, n)))
        {
            var grid = UsageGrid.Resample(trace.Samples);
            var first = (int)Math.Ceiling(ForecastFeatures.MinHistory / grid.Step);
            var stride = Math.Max(1, (int)Math.Round(TimeSpan.FromHours(options.StrideHours) / grid.Step));
            var split = (int)(grid.Values.Count * (1 - options.ValidationShare));
            foreach (var horizon in options.HorizonsHours)
            {
                var steps = Math.Max(1, (int)Math.Round(TimeSpan.FromHours(horizon) / grid.Step));
                for (var i = first; i + steps < grid.Values.Count; i += stride)
                {
                    var row = new LabelledRow(new ForecastRow
                    {
                        Features = ForecastFeatures.Extract(grid, i, TimeSpan.FromHours(horizon)),
                        Label = ForecastFeatures.Target(grid, i, TimeSpan.FromHours(horizon)),
                    }, horizon, number);
                    // A training row must not see the validation part: its horizon ends before the split.
                    if (i + steps < split) train.Add(row);
                    else if (i >= split) validation.Add(row);
                }
            }
        }
        return (train, validation);
    }
}
