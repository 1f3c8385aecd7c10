using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Replay.Tests;

/// <summary>
/// The replay on a hand-built trace whose every policy's breaches and requests can be worked out on paper, and its
/// determinism. 100 five-minute steps: the first 20 are warm-up at 600 (so the scale is 1 and the quota of 1000 is at
/// 60 %); usage stays 600 until step 50, jumps to 1310 for steps 50–69, and falls back to 600. An approval of up to
/// 2 × the quota takes 30 minutes (6 steps); a larger one 24 hours (beyond the trace).
/// </summary>
public sealed class ReplayTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);
    private static readonly ReplayScenario NoDenials = new() { DenyProbability = 0 };
    private readonly string _scratch = Directory.CreateTempSubdirectory("qa-replay-tests-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private static List<UsageSample> Jump() =>
        Enumerable.Range(0, 100).Select(i => new UsageSample(Start.AddMinutes(5 * i), i is >= 50 and < 70 ? 1310 : 600)).ToList();

    private static async Task<PolicyResult> RunAsync(IReplayPolicy policy, ReplayScenario? scenario = null, List<UsageSample>? samples = null)
    {
        scenario ??= NoDenials;
        return await ReplayLoop.RunAsync(ReplayTrace.From("jump", samples ?? Jump(), scenario), scenario, policy, keepSeries: true, CancellationToken.None);
    }

    [Fact]
    public void Trace_IsScaledSoTheWarmupP95Is600_AndGrowthRampsToDouble()
    {
        var samples = Enumerable.Range(0, 100).Select(i => new UsageSample(Start.AddMinutes(5 * i), 30)).ToList();

        var asIs = ReplayTrace.From("flat", samples, new ReplayScenario());
        var growth = ReplayTrace.From("flat", samples, new ReplayScenario { Name = ReplayScenario.Growth });

        Assert.Equal((20, 600.0, 600.0), (asIs.FirstEvaluated, asIs.Usage[0], asIs.Usage[^1]));
        Assert.Equal((600.0, 600.0, 1200.0), (growth.Usage[19], growth.Usage[20], growth.Usage[^1]));
    }

    [Fact]
    public async Task Seed_AsksAt72Percent_ThenBreachesUntilItsDoublingIsApproved()
    {
        // Step 20: 1.2 × 600 / 1000 = 72 % → 1,200. Step 50: 1,310 > 1,200, 131 % → 2,400, approved at step 56.
        var result = await RunAsync(Policies.Seed);

        Assert.Equal((30.0, 1, 2, 2400.0), (result.BreachMinutes, result.BreachEvents, result.Requests, result.FinalQuota));
    }

    [Fact]
    public async Task Native_ReactsAt80Percent_ToUsageOver08()
    {
        // Step 50: 1,310 ≥ 80 % of 1,000 → max(1,200, 1,637.5) → 1,638, approved at step 56; then 1,310 ÷ 1,638 < 80 %.
        var result = await RunAsync(Policies.Native);

        Assert.Equal((30.0, 1, 1, 1638.0), (result.BreachMinutes, result.BreachEvents, result.Requests, result.FinalQuota));
    }

    [Fact]
    public async Task Custodian_ChecksOnceADay_AndMissesTheJump()
    {
        // Its only check (step 20) sees a day's peak of 600: 60 %. The 20 steps at 1,310 are all breached.
        var result = await RunAsync(Policies.Custodian);

        Assert.Equal((100.0, 1, 0, 1000.0), (result.BreachMinutes, result.BreachEvents, result.Requests, result.FinalQuota));
    }

    [Fact]
    public async Task Headroom_AsksForMoreThanDouble_AndWaitsADay()
    {
        // Step 50: 1,000 < 1.5 × 1,310 → 2 × 1,310 = 2,620, more than 2 × the quota: decided after 24 h, past the trace.
        var result = await RunAsync(Policies.Headroom);

        Assert.Equal((100.0, 1, 1, 1000.0), (result.BreachMinutes, result.BreachEvents, result.Requests, result.FinalQuota));
    }

    [Fact]
    public async Task Limit_DoublesEvery30MinutesToTheCap_AndNeverBreaches()
    {
        // 2,000 (step 26), 4,000 (32), 8,000 (38), 10,000 (44), before the jump.
        var result = await RunAsync(Policies.Limit);

        Assert.Equal((0.0, 0, 4, 10000.0), (result.BreachMinutes, result.BreachEvents, result.Requests, result.FinalQuota));
        Assert.Equal([1000.0, 2000, 4000, 8000, 10000], result.QuotaSeries!.Distinct());
    }

    /// <summary>The trend forecaster, noting the series names it is asked for.</summary>
    private sealed class SeriesNames : IForecaster
    {
        private readonly TrendForecaster _trend = new();

        public HashSet<string> Seen { get; } = [];

        public string Name => _trend.Name;

        public Forecast Predict(IReadOnlyList<UsageSample> history, DateTimeOffset now, TimeSpan horizon) => _trend.Predict(history, now, horizon);

        public Forecast Predict(string series, IReadOnlyList<UsageSample> history, DateTimeOffset now, TimeSpan horizon)
        {
            lock (Seen) Seen.Add(series);
            return _trend.Predict(history, now, horizon);
        }
    }

    [Fact]
    public async Task EachRun_NamesItsOwnSeries_SoTracesOnTheSameDatesDoNotShareAForecastersPast()
    {
        // Every trace is the same quota key; the model keeps a series' past corrections by origin time, so two traces
        // of the same weeks replayed with one forecaster must not name the same series.
        var forecaster = new SeriesNames();
        var policy = new EnginePolicy(forecaster, _scratch);

        await RunAsync(policy);
        var first = forecaster.Seen.ToList();
        forecaster.Seen.Clear();
        await RunAsync(policy);

        Assert.NotEmpty(first);
        Assert.NotEmpty(forecaster.Seen);
        Assert.Empty(forecaster.Seen.Intersect(first));
        Assert.All(first, s => Assert.EndsWith(ReplayAccount.Key.ToString(), s, StringComparison.Ordinal));
    }

    [Fact]
    public async Task QuotaAutomationV1_RaisesAtTheFirstBreachedStep_ByAnEmergencyDoubling()
    {
        // The real engine with v1's sizing (trend forecaster: under a day of history the model would fall back to it
        // anyway): 60 % is below warning, so nothing until step 50, where 131 % is an emergency: max(2 × 1,000,
        // 1,310 ÷ 0.7 = 1,872) = 2,000, approved at step 56.
        var policy = EnginePolicy.V1(new TrendForecaster(), _scratch);

        var result = await RunAsync(policy);

        Assert.Equal(Policies.QuotaAutomationV1, policy.Name);
        Assert.Equal((30.0, 1, 0, 0), (result.BreachMinutes, result.BreachEvents, result.ApprovalsAsked, result.FailedActions));
        Assert.Equal(2000.0, result.QuotaSeries![36]); // step 56
        Assert.Equal(1000.0, result.QuotaSeries![35]);
    }

    [Fact]
    public void Policies_RunV1BesideTheNewSizingByDefault_AndTheEngineIsNamedByItsOptions()
    {
        var adaptiveV1 = new EnginePolicy(new TrendForecaster(), _scratch, new Core.Engine.EngineOptions { Cadence = Core.Cadence.ReadCadence.Default, Sizing = Core.Decisions.SizingPolicy.V1 });

        Assert.Equal(["seed", "native", "custodian", "headroom", "limit", "quota-automation-v1", "quota-automation"], Policies.Default);
        Assert.Equal(("quota-automation", "quota-automation-adaptive-v1"), (new EnginePolicy(new TrendForecaster(), _scratch).Name, adaptiveV1.Name));
    }

    [Fact]
    public async Task SameSeed_SameFigures_OtherSeed_OtherDenials()
    {
        var coinFlip = new ReplayScenario { DenyProbability = 0.5, Seed = 7 };
        var policies = Policies.Formulas.Cast<IReplayPolicy>().Append(new EnginePolicy(new TrendForecaster(), _scratch)).Append(EnginePolicy.V1(new TrendForecaster(), _scratch)).ToList();

        async Task<List<PolicyResult>> All(ReplayScenario s)
        {
            var results = new List<PolicyResult>();
            foreach (var p in policies) results.Add(await RunAsync(p, s) with { QuotaSeries = null });
            return results;
        }
        var first = await All(coinFlip);
        var again = await All(coinFlip);
        var other = await All(coinFlip with { Seed = 8 });

        Assert.Equal(first, again);
        Assert.NotEqual(first.Select(r => r.Denied), other.Select(r => r.Denied));
    }

    [Fact]
    public void Account_RefusesAsServiceQuotasWould()
    {
        var scenario = NoDenials;
        var trace = ReplayTrace.From("jump", Jump(), scenario);
        var account = new ReplayAccount(trace, scenario, TimeProvider.System);

        Assert.Equal(QuotaServiceException.IllegalArgument, Assert.Throws<QuotaServiceException>(() => account.Request(1000, Start)).ErrorCode);
        Assert.Equal(QuotaServiceException.IllegalArgument, Assert.Throws<QuotaServiceException>(() => account.Request(10_001, Start)).ErrorCode);
        account.Request(1500, Start);
        Assert.Equal(QuotaServiceException.ResourceAlreadyExists, Assert.Throws<QuotaServiceException>(() => account.Request(1600, Start)).ErrorCode);
        account.Settle(Start.AddMinutes(30));
        Assert.Equal((1500.0, false), (account.Quota, account.HasOpenRequest));
    }

    [Fact]
    public void Summary_CountsAvoidableMinutesAgainstLimitOnTheSameTrace()
    {
        PolicyResult R(string policy, double minutes, string trace = "a") => new("as-is", trace, policy, 5, 10, minutes, minutes > 0 ? 1 : 0, 1, 0, 0, 0, 2, 1.5, 1500, 100);
        var results = new List<PolicyResult> { R("limit", 10), R("seed", 25), R("limit", 0, "b"), R("seed", 5, "b"), R("native", 5) };

        var totals = ReplaySummary.Totals(results).ToDictionary(t => t.Policy);

        Assert.Equal((30.0, 20.0, 0), (totals["seed"].BreachMinutes, totals["seed"].AvoidableBreachMinutes, totals["seed"].TracesWithoutBreach));
        Assert.Equal(0.0, totals["native"].AvoidableBreachMinutes);
    }
}
