using System.Diagnostics;
using System.Globalization;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Forecasting;
using QuotaAutomation.Local;
using QuotaAutomation.Local.Simulation;

namespace QuotaAutomation.Benchmarks;

/// <summary>
/// Issue 14, "one shard": N rules on the simulated account's 13 quotas (levels, thresholds and horizons varied,
/// seeded) in a fresh embedded database, the forecasting model, and cycles as <c>run</c> makes them. The first cycle
/// reads 14 days of usage (the backfill); the next five are the steady state, of which the median is printed. Allocated
/// bytes are exact (all threads); the peak working set is the process's, after all cycles.
/// </summary>
internal static class ShardCycle
{
    public static async Task RunAsync(int rules)
    {
        var folder = Path.Combine(Path.GetTempPath(), "qa-shard-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var start = new DateTimeOffset(2026, 11, 24, 15, 0, 0, TimeSpan.Zero);
            var backend = await EmbeddedBackend.OpenAsync(Path.Combine(folder, "bench.db"), new EmbeddedOptions { Start = start, SampleRules = false }, TimeProvider.System, CancellationToken.None);
            await backend.Rules.UpsertAsync(Rules(rules), CancellationToken.None);
            var engine = new AutomationEngine(backend.Ports, ModelForecaster.Load(Paths.Model), backend.Clock, new EngineOptions());

            var first = await MeasureAsync(backend, engine);
            var steady = new List<(double Ms, double CpuMs, long Bytes)>();
            for (var i = 0; i < 5; i++) steady.Add(await MeasureAsync(backend, engine));
            var ms = steady.Select(s => s.Ms).Order().ToList();
            var cpu = steady.Select(s => s.CpuMs).Order().ToList();
            var bytes = steady.Select(s => s.Bytes).Order().ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{rules} rules: first cycle (14-day backfill) {first.Ms:0} ms ({first.CpuMs:0} ms CPU), {first.Bytes / 1048576.0:0.0} MiB allocated; " +
                $"steady cycle median {ms[2]:0} ms ({ms[0]:0}-{ms[^1]:0}), CPU {cpu[2]:0} ms ({cpu[0]:0}-{cpu[^1]:0}), {bytes[2] / 1048576.0:0.0} MiB allocated; " +
                $"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:0} MiB"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Wall time, the process's CPU time (all threads: on a shared machine the figure that does not depend on the others' load) and bytes allocated.</summary>
    private static async Task<(double Ms, double CpuMs, long Bytes)> MeasureAsync(EmbeddedBackend backend, AutomationEngine engine)
    {
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await engine.RunCycleAsync(CancellationToken.None);
        var ms = clock.Elapsed.TotalMilliseconds;
        var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
        var bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        await backend.AdvanceAsync(SimulatedAccount.SampleInterval, CancellationToken.None);
        return (ms, cpuMs, bytes);
    }

    /// <summary>The shape of bench/shard-rules.py (not its exact draws): rules spread over the 13 quotas, seeded.</summary>
    private static IEnumerable<(string, IReadOnlyDictionary<string, object?>)> Rules(int count)
    {
        var random = new Random(14);
        string[] levels = ["monitor_only", "alert_only", "auto_request", "auto_approve", "full_auto"];
        int[] horizons = [1, 6, 24, 72, 168, 336];
        int[] warnings = [50, 60, 70, 75];
        double[] multipliers = [1.25, 1.5, 2];
        var quotas = BuiltInAccount.Quotas.Select(q => q.Quota.Key).ToList();
        for (var i = 0; i < count; i++)
        {
            var quota = quotas[i % quotas.Count];
            var warning = warnings[random.Next(warnings.Length)];
            var id = string.Create(CultureInfo.InvariantCulture, $"r{i:D5}-{quota.ServiceCode}-{quota.QuotaCode}");
            yield return (id, new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["rule_id"] = id, ["service_code"] = quota.ServiceCode, ["quota_code"] = quota.QuotaCode, ["region"] = quota.Region,
                ["automation_level"] = levels[random.Next(levels.Length)],
                ["threshold_warning"] = warning, ["threshold_critical"] = warning + 15, ["threshold_emergency"] = warning + 20,
                ["forecast_horizon_hours"] = horizons[random.Next(horizons.Length)],
                ["auto_increase_multiplier"] = multipliers[random.Next(multipliers.Length)],
            });
        }
    }
}
