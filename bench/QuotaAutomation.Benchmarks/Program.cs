using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Forecasting;

// `memory` prints the loaded model's managed memory and load time; `shard N` times cycles over N rules on the embedded
// backend (ShardCycle); anything else runs the BenchmarkDotNet suite.
if (args is ["memory"])
{
    var before = GC.GetTotalMemory(forceFullCollection: true);
    var clock = Stopwatch.StartNew();
    var model = ForecastModel.Load(QuotaAutomation.Benchmarks.Paths.Model);
    var loaded = clock.Elapsed;
    var after = GC.GetTotalMemory(forceFullCollection: true);
    Console.WriteLine($"model file {new FileInfo(QuotaAutomation.Benchmarks.Paths.Model).Length / 1024} KiB; load {loaded.TotalMilliseconds:0} ms; managed memory held {(after - before) / 1024} KiB ({model.Metadata.Trees} trees)");
    return;
}
if (args is ["shard", var count])
{
    await QuotaAutomation.Benchmarks.ShardCycle.RunAsync(int.Parse(count, System.Globalization.CultureInfo.InvariantCulture));
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(QuotaAutomation.Benchmarks.ForecastBenchmarks).Assembly).Run(args);

namespace QuotaAutomation.Benchmarks
{
internal static class Paths
{
    public static string Model => Path.Combine(QuotaAutomation.Testing.Repository.Root, "models", ModelTrainer.ModelFile);

}
}

namespace QuotaAutomation.Benchmarks
{
/// <summary>One quota's forecast, as a cycle makes it: 7 days of 5-minute history, a 24 h horizon.</summary>
[MemoryDiagnoser]
[ShortRunJob]
public class ForecastBenchmarks
{
    private ModelForecaster _model = null!;
    private List<UsageSample> _history = null!;
    private UsageGrid _grid = null!;
    private DateTimeOffset _now;

    [GlobalSetup]
    public void Setup()
    {
        _model = ModelForecaster.Load(Paths.Model);
        var start = new DateTimeOffset(2026, 11, 17, 0, 0, 0, TimeSpan.Zero);
        var random = new Random(7);
        _history = Enumerable.Range(0, 7 * 288).Select(i => new UsageSample(start.AddMinutes(5 * i), 200 + 60 * Math.Sin(2 * Math.PI * i / 288) + random.Next(0, 20))).ToList();
        _grid = UsageGrid.Resample(_history);
        _now = _history[^1].Timestamp;
    }

    /// <summary>A fresh fit each time (a forecaster keeps the last fit: see <see cref="FallbackThreeHorizons"/>).</summary>
    [Benchmark(Baseline = true)]
    public Forecast Fallback() => new TrendForecaster().Predict(_history, _now, TimeSpan.FromHours(24));

    /// <summary>What a cycle asks per rule: 1 h, 24 h and the rule's horizon on one history (one fit, three peaks).</summary>
    [Benchmark]
    public Forecast FallbackThreeHorizons()
    {
        var trend = new TrendForecaster();
        trend.Predict(_history, _now, TimeSpan.FromHours(1));
        trend.Predict(_history, _now, TimeSpan.FromHours(24));
        return trend.Predict(_history, _now, TimeSpan.FromDays(7));
    }

    [Benchmark]
    public Forecast FastTree() => _model.Predict(_history, _now, TimeSpan.FromHours(24));

    /// <summary>The rules' default horizon: the direct model and the floor (next day, last week's peak).</summary>
    [Benchmark]
    public Forecast FastTreeWeekAhead() => _model.Predict(_history, _now, TimeSpan.FromDays(7));

    [Benchmark]
    public float[] FeaturesOnly() => ForecastFeatures.Extract(_grid, _grid.Values.Count - 1, TimeSpan.FromHours(24));
}
}
