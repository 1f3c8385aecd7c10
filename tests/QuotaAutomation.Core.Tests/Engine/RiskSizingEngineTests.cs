using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Events;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Tests.Fakes;
using static QuotaAutomation.Core.Tests.Fakes.TestRules;

namespace QuotaAutomation.Core.Tests.Engine;

/// <summary>Risk sizing through the engine where something announced raises a forecast: an event's expectation, a dependency's growth.</summary>
public class RiskSizingEngineTests
{
    private static QuotaDecision DecisionOf(CycleReport report, string ruleId) => report.Rules.Single(r => r.Decision.RuleId == ruleId).Decision;

    /// <summary>A full_auto rule on a VPC quota of 100 with usage at 50, forecast by <paramref name="forecaster"/>.</summary>
    private static EngineFixture HalfFullVpcs(IForecaster forecaster)
    {
        var f = new EngineFixture(forecaster: forecaster);
        f.Account.Add("vpc", "L-F678F1CE", 100, _ => 50);
        f.Stores.Rules.Add(Item("vpcs", "vpc", "L-F678F1CE", "full_auto"));
        return f;
    }

    [Fact]
    public async Task Expectation_ShiftsTheQuantilesByWhatADeploymentAdds()
    {
        // Organic p50 100 / p90 150 / p99 200 (v1's peak: the p90). A deployment adds 80: p50 180 / p99 280.
        // 180 of 200 = 90 %: critical ×1.5 = 300; p99 280 ÷ 0.7 = 400 is more (and ×2 exactly: no plan).
        var f = new EngineFixture(forecaster: new QuantileForecaster(u => PeakQuantiles.Of(u, 1.5 * u, 2 * u)));
        f.Account.Add("vpc", "L-F678F1CE", 200, _ => 100);
        f.Stores.Rules.Add(Item("vpcs", "vpc", "L-F678F1CE", "full_auto"));
        var expectations = new Dictionary<QuotaKey, Expectation> { [new("vpc", "L-F678F1CE", "us-east-1")] = new(1, 0, null, "deploy web-7", AddUnits: 80) };

        var report = await f.Engine.RunCycleAsync(expectations, CancellationToken.None);

        var wanted = Assert.IsType<RequestIncrease>(DecisionOf(report, "vpcs"));
        Assert.Equal(400, wanted.DesiredValue);
        Assert.StartsWith("usage 100, expected p50 180 / p99 280 (deploy web-7: expect 180) of quota 200 = 90% reached critical: increase ×1.5, 200 → 400; sized to p99 280 ÷ warning 70% = 400;",
            wanted.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expectation_ScalingFloorsEveryQuantile()
    {
        // ×2 expected of usage 40: every quantile at least 80 (organic 40 / 44 / 48): 80 % → warning ×1.2 = 120 beats 80 ÷ 0.7 = 114.3 → 115.
        var f = new EngineFixture(forecaster: new QuantileForecaster(u => PeakQuantiles.Of(u, 1.1 * u, 1.2 * u)));
        f.Account.Add("vpc", "L-F678F1CE", 100, _ => 40);
        f.Stores.Rules.Add(Item("vpcs", "vpc", "L-F678F1CE", "full_auto"));
        var expectations = new Dictionary<QuotaKey, Expectation> { [new("vpc", "L-F678F1CE", "us-east-1")] = new(2, 0, null, "vpc scaling up ×2") };

        var report = await f.Engine.RunCycleAsync(expectations, CancellationToken.None);

        var wanted = Assert.IsType<RequestIncrease>(DecisionOf(report, "vpcs"));
        Assert.Equal(120, wanted.DesiredValue);
        Assert.StartsWith("usage 40, expected p50 80 / p99 80 (vpc scaling up ×2: expect 80) of quota 100 = 80% reached warning", wanted.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dependency_FloorsTheDependentsQuantilesAtWhatTheRaiseConsumes()
    {
        // vCPUs 120 of 128 (p50 120: critical ×1.5 = 192; p99 144 ÷ 0.7 = 205.7 → 206): +78 vCPUs; a quarter of them are
        // network interfaces (30 per 120 in use): 19.5 → 20 more, 50 expected of 40: emergency ×2 = 80 beats 50 ÷ 0.7 = 72.
        var f = new EngineFixture(forecaster: new QuantileForecaster(u => PeakQuantiles.Of(u, 1.1 * u, 1.2 * u)));
        f.Account.Add("ec2", "L-1216C47A", 128, _ => 120);
        f.Account.Add("vpc", "L-DF5E4CA3", 40, _ => 30);
        f.Stores.Rules.Add(Item("vcpus", "ec2", "L-1216C47A", "full_auto"));
        f.Stores.Rules.Add(Item("enis", "vpc", "L-DF5E4CA3", "full_auto"));

        var report = await f.CycleAsync();

        var vcpus = Assert.IsType<RequestIncrease>(DecisionOf(report, "vcpus"));
        var enis = Assert.IsType<RequestIncrease>(DecisionOf(report, "enis"));
        Assert.Equal((206.0, 80.0), (vcpus.DesiredValue, enis.DesiredValue));
        Assert.StartsWith("usage 30, expected p50 50 / p99 50 (ec2/L-1216C47A +78 vCPUs → vpc/L-DF5E4CA3 needs 20 more network interfaces) of quota 40 = 125% reached emergency: emergency increase ×2, 40 → 80; "
            + "sized to the band's ×2 = 80 (p99 50 ÷ warning 70% = 72 is less);", enis.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NearTermRisk_ActsWhenTheNextHoursP99ReachesTheBandThoughTheHorizonsP50DoesNot()
    {
        // Usage 50 of 100, horizon p50 60 (60 %, below warning 70 %). The next hour's p99 is 90: a 1 % chance of 90 within
        // the hour an increase takes to land is a risk the rule (breach_risk 0.01) does not accept: 90 % is critical,
        // ×1.5 = 150; the horizon's p99 120 ÷ 0.7 = 171.5 → 172 is more.
        var forecaster = new QuantileForecaster(u => PeakQuantiles.Of(1.2 * u, 1.8 * u, 2.4 * u)) { NextHour = u => PeakQuantiles.Of(u, 1.4 * u, 1.8 * u) };
        var f = HalfFullVpcs(forecaster);

        var wanted = Assert.IsType<RequestIncrease>(DecisionOf(await f.Engine.RunCycleAsync(CancellationToken.None), "vpcs"));

        Assert.Equal(172, wanted.DesiredValue);
        Assert.Contains("= 90% reached critical", wanted.Reason, StringComparison.Ordinal);

        // The same forecasts with a next hour at its level: 60 % by the p50, nothing to do.
        forecaster.NextHour = null;
        var calm = HalfFullVpcs(forecaster);
        Assert.IsType<NoAction>(DecisionOf(await calm.Engine.RunCycleAsync(CancellationToken.None), "vpcs"));
    }

    [Fact]
    public async Task NearTermRisk_OnPooledTails_IsTheNextHoursP50()
    {
        // The same quota and forecasts as above, but the tails are the pooled calibration's (a new quota): the next hour
        // is judged on its p50 (50), not on other series' errors, and the horizon's p50 (60 %) asks nothing.
        var forecaster = new QuantileForecaster(u => PeakQuantiles.Of(1.2 * u, 1.8 * u, 2.4 * u)) { NextHour = u => PeakQuantiles.Of(u, 1.4 * u, 1.8 * u), TailsPooled = true };
        var f = HalfFullVpcs(forecaster);

        Assert.IsType<NoAction>(DecisionOf(await f.Engine.RunCycleAsync(CancellationToken.None), "vpcs"));
    }

    [Fact]
    public async Task NearTermRisk_IsAtMostTheHorizonsRiskQuantile()
    {
        // Usage 50 of 100; the horizon (a week, which holds the next hour) puts its p99 at 65 (65 %, below warning 70 %).
        // The next hour's p99 of 90 is incoherent with it (the hour's peak is part of the week's): it is read as 65, and
        // nothing is asked. Without the horizon's bound 90 % would be critical, as in the first test above.
        var forecaster = new QuantileForecaster(u => PeakQuantiles.Of(1.1 * u, 1.2 * u, 1.3 * u)) { NextHour = u => PeakQuantiles.Of(u, 1.4 * u, 1.8 * u) };
        var f = HalfFullVpcs(forecaster);

        Assert.IsType<NoAction>(DecisionOf(await f.Engine.RunCycleAsync(CancellationToken.None), "vpcs"));

        // A horizon whose p99 is itself at 90: the next hour's risk stands, and 90 % is critical.
        var risky = HalfFullVpcs(new QuantileForecaster(u => PeakQuantiles.Of(1.1 * u, 1.5 * u, 1.8 * u)) { NextHour = u => PeakQuantiles.Of(u, 1.4 * u, 1.8 * u) });
        Assert.IsType<RequestIncrease>(DecisionOf(await risky.Engine.RunCycleAsync(CancellationToken.None), "vpcs"));
    }
}
