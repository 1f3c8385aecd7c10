using QuotaAutomation.Core.Cadence;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Forecasting;

namespace QuotaAutomation.Replay.Tests;

/// <summary>
/// The adaptive read cadence against reading every quota in detail every cycle, on a bundled trace (speed_7578: road
/// speed, 5-minute grid, 1,127 samples; seed 42, the trend forecaster): breach minutes do not rise and GetMetricData
/// metric reads fall. Between detailed reads the engine takes the utilization report, modelled as 5 minutes old.
/// A hand-built jump from calm to above the quota shows what the report's age can cost at worst.
/// </summary>
public sealed class AdaptiveCadenceReplayTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("qa-cadence-tests-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private async Task<(PolicyResult EveryCycle, PolicyResult Adaptive)> BothAsync(ReplayTrace trace, ReplayScenario scenario)
    {
        var everyCycle = await ReplayLoop.RunAsync(trace, scenario, new EnginePolicy(new TrendForecaster(), _scratch), keepSeries: false, CancellationToken.None);
        var adaptive = await ReplayLoop.RunAsync(trace, scenario,
            new EnginePolicy(new TrendForecaster(), _scratch, new EngineOptions { Cadence = ReadCadence.Default with { ReportCoversCalm = true } }), keepSeries: false, CancellationToken.None);
        return (everyCycle, adaptive);
    }

    [Fact]
    public async Task OnABundledTrace_AdaptiveCadence_KeepsBreachMinutes_WithFewerMetricReads()
    {
        // The scenario puts the warm-up's 95th percentile at 60 % of the quota: the cadence's "near" band (a 24 h peak
        // within 10 points of the 70 % warning) holds most days, so most cycles still read in detail (1,787 of 2,098
        // with the trend forecaster, 420 with the shipped model: docs/fleet.md).
        var scenario = new ReplayScenario();
        var trace = ReplayTrace.From(TraceFile.Read(Path.Combine(Testing.Repository.Traces, "speed_7578.csv")), scenario);

        var (everyCycle, adaptive) = await BothAsync(trace, scenario);

        Assert.Equal(everyCycle.Steps, everyCycle.MetricReads); // one metric a cycle
        Assert.True(adaptive.BreachMinutes <= everyCycle.BreachMinutes, $"breach minutes {adaptive.BreachMinutes} adaptive vs {everyCycle.BreachMinutes} every cycle");
        Assert.True(adaptive.MetricReads < everyCycle.MetricReads, $"metric reads {adaptive.MetricReads} adaptive vs {everyCycle.MetricReads} every cycle");
        Assert.Equal(everyCycle.Steps, adaptive.MetricReads + adaptive.ReportReads);
    }

    [Fact]
    public async Task AJumpFromCalmStraightAboveTheQuota_CostsAtMostTheReportsAge()
    {
        // 20 % for two days, then 1,300 (130 %) from step 700 to 720. Every cycle sees the jump at step 700; between
        // hourly detailed reads the adaptive cadence sees it in the next report (5 minutes old), and its spike rule
        // then reads in detail. Approval takes 30 minutes either way.
        var start = new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);
        var samples = Enumerable.Range(0, 800).Select(i => new UsageSample(start.AddMinutes(5 * i), i is >= 700 and < 720 ? 1300 : 200)).ToList();
        var scenario = new ReplayScenario { DenyProbability = 0, WarmupShare = 0.5, WarmupP95 = 200 };
        var trace = ReplayTrace.From("calm-jump", samples, scenario);

        var (everyCycle, adaptive) = await BothAsync(trace, scenario);

        Assert.InRange(adaptive.BreachMinutes - everyCycle.BreachMinutes, 0, scenario.ReportLag.TotalMinutes);
        Assert.True(2 * adaptive.MetricReads < everyCycle.MetricReads);
    }

    [Fact]
    public async Task AJumpFromCalm_WhenOnlyDueCyclesRun_IsSeenAtTheShardsNextHourlyCycle()
    {
        // As above, but the engine runs only when the last cycle's NextCycleDue has come, as a fleet shard on the schedule:
        // the calm quota's shard runs hourly, so the jump waits for its next hourly cycle (no wake: no event in the replay).
        var start = new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);
        var samples = Enumerable.Range(0, 800).Select(i => new UsageSample(start.AddMinutes(5 * i), i is >= 700 and < 720 ? 1300 : 200)).ToList();
        var scenario = new ReplayScenario { DenyProbability = 0, WarmupShare = 0.5, WarmupP95 = 200 };
        var trace = ReplayTrace.From("calm-jump", samples, scenario);

        var everyCycle = await ReplayLoop.RunAsync(trace, scenario, new EnginePolicy(new TrendForecaster(), _scratch), keepSeries: false, CancellationToken.None);
        var due = await ReplayLoop.RunAsync(trace, scenario, new EnginePolicy(new TrendForecaster(), _scratch,
            new EngineOptions { Cadence = ReadCadence.Default with { ReportCoversCalm = true } }, dueCyclesOnly: true), keepSeries: false, CancellationToken.None);

        // Measured 2026-11-30: 30 → 70 breach minutes; 118 of 800 cycles ran (91 metric reads, 27 report reads).
        Assert.InRange(due.BreachMinutes - everyCycle.BreachMinutes, 0, ReadCadence.Default.Calm.TotalMinutes + scenario.ReportLag.TotalMinutes);
    }

    [Fact]
    public async Task OnABundledTrace_WhenOnlyDueCyclesRun_BreachMinutesDoNotRise()
    {
        var scenario = new ReplayScenario();
        var trace = ReplayTrace.From(TraceFile.Read(Path.Combine(Testing.Repository.Traces, "speed_7578.csv")), scenario);

        var everyCycle = await ReplayLoop.RunAsync(trace, scenario, new EnginePolicy(new TrendForecaster(), _scratch), keepSeries: false, CancellationToken.None);
        var due = await ReplayLoop.RunAsync(trace, scenario, new EnginePolicy(new TrendForecaster(), _scratch,
            new EngineOptions { Cadence = ReadCadence.Default with { ReportCoversCalm = true } }, dueCyclesOnly: true), keepSeries: false, CancellationToken.None);

        // Measured 2026-11-30: 0 → 0 breach minutes; 1,810 of 2,098 cycles ran (1,764 metric reads, 46 report reads): the quota sits near its threshold.
        Assert.True(due.BreachMinutes <= everyCycle.BreachMinutes, $"breach minutes {due.BreachMinutes} due cycles only vs {everyCycle.BreachMinutes} every cycle");
    }
}
