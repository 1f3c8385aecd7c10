using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Tests.Decisions;

/// <summary>
/// Risk sizing (issue 16), worked by hand. A VPC quota of 1,000 (count, $0.01 a unit-hour), thresholds 70/85/95, usage
/// 600 now; v1's forecast peak 1,300 (the higher of the model and the week's floor), quantiles p50 750 / p90 900 / p99 1,100.
/// </summary>
public class RiskSizingTests
{
    private static readonly QuotaKey Key = new("vpc", "L-F678F1CE", "us-east-1");
    private static readonly QuotaInfo Quota = new(Key, "VPCs per Region", 1000, Adjustable: true, "None");
    private static readonly DateTimeOffset TuesdayNoon = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly Forecast Forecast = new(1300, null, null, "test", "") { Quantiles = PeakQuantiles.Of(750, 900, 1100) };

    private static QuotaRule Rule(double breachRisk = QuotaRule.DefaultBreachRisk, AutomationLevel level = AutomationLevel.FullAuto) =>
        QuotaRule.WithDefaults("r", Key, level) with { BreachRisk = breachRisk };

    private static QuotaSnapshot Snapshot(SizingPolicy sizing, Forecast? forecast = null, double usage = 600, QuotaInfo? quota = null) =>
        new(quota ?? Quota, usage, forecast ?? Forecast) { Sizing = sizing };

    private static RequestIncrease Increase(QuotaRule rule, QuotaSnapshot snapshot) =>
        Assert.IsType<RequestIncrease>(DecisionTable.Decide(rule, snapshot, TuesdayNoon, CostModel.SeedDefaults));

    [Fact]
    public void Decide_Risk_BandFromP50_ValueFromP99OverWarning()
    {
        // band: max(600, p50 750) = 75 % → warning; full_auto's pre-emptive ×1.2 = 1,200; p99 1,100 ÷ 0.7 = 1,571.4 → 1,572.
        var wanted = Increase(Rule(), Snapshot(SizingPolicy.Risk));

        Assert.Equal(1572, wanted.DesiredValue);
        Assert.Equal(Severity.Warning, wanted.Severity);
        Assert.Null(wanted.Target); // within ×2: no plan
        Assert.Equal("usage 600, peak p50 750 / p99 1,100 in 168h (test) of quota 1,000 = 75% reached warning: pre-emptive increase ×1.2, 1,000 → 1,572; "
            + "sized to p99 1,100 ÷ warning 70% = 1,572; est. $4,118.4/month", wanted.Reason);
    }

    [Fact]
    public void Decide_V1_SameForecast_ActsOnThePeakAsBefore()
    {
        // v1: 1,300 of 1,000 = 130 % → emergency ×2 = 2,000 beats 1,300 ÷ 0.7 = 1,857.1 → 1,858.
        var wanted = Increase(Rule(), Snapshot(SizingPolicy.V1));

        Assert.Equal(2000, wanted.DesiredValue);
        Assert.Equal("usage 600, forecast peak 1,300 in 168h (test) of quota 1,000 = 130% reached emergency: emergency increase ×2, 1,000 → 2,000; est. $7,200/month", wanted.Reason);
    }

    [Fact]
    public void Decide_RiskWithoutQuantiles_IsV1()
    {
        var noQuantiles = Forecast with { Quantiles = null };

        Assert.Equal(Increase(Rule(), Snapshot(SizingPolicy.V1, noQuantiles)), Increase(Rule(), Snapshot(SizingPolicy.Risk, noQuantiles)));
    }

    [Theory]
    [InlineData(0.01, 1572)] // p99 1,100 ÷ 0.7
    [InlineData(0.1, 1286)]  // p90 900 ÷ 0.7 = 1,285.7
    [InlineData(0.05, 1375)] // p95: 900 + 200 × (logit .95 − logit .9) ÷ (logit .99 − logit .9) = 962.3; ÷ 0.7 = 1,374.7
    [InlineData(0.5, 1200)]  // p50 750 ÷ 0.7 = 1,071.4: the band's ×1.2 wins
    public void Decide_Risk_BreachRiskPicksTheQuantile(double breachRisk, double expected)
    {
        Assert.Equal(expected, Increase(Rule(breachRisk), Snapshot(SizingPolicy.Risk)).DesiredValue);
    }

    [Fact]
    public void Decide_Risk_BandMultipleWins_ReasonSaysSo()
    {
        // 900 of 1,000 by p50 = 90 % → critical ×1.5 = 1,500; p99 950 ÷ 0.7 = 1,357.1 → 1,358 is less.
        var forecast = new Forecast(950, null, null, "test", "") { Quantiles = PeakQuantiles.Of(900, 920, 950) };

        var wanted = Increase(Rule(), Snapshot(SizingPolicy.Risk, forecast, usage: 880));

        Assert.Equal(1500, wanted.DesiredValue);
        Assert.Contains("; sized to the band's ×1.5 = 1,500 (p99 950 ÷ warning 70% = 1,358 is less);", wanted.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_Risk_BeyondOneFastStep_AsksX2AndCarriesTheTarget()
    {
        // 95 of 100 by p50 → emergency ×2 = 200; p99 400 ÷ 0.7 = 571.4 → 572: a first step of 200, target 572.
        var quota = Quota with { Value = 100 };
        var forecast = new Forecast(400, null, null, "test", "") { Quantiles = PeakQuantiles.Of(95, 200, 400) };

        var wanted = Increase(Rule(), Snapshot(SizingPolicy.Risk, forecast, usage: 90, quota: quota));

        Assert.Equal((200.0, 572.0), (wanted.DesiredValue, wanted.Target));
        Assert.Equal(720, wanted.EstimatedMonthlyCost); // the step: 100 × $0.01 × 720
        Assert.Contains("100 → 200 (a first step of 572: AWS decides more than ×2 slowly); sized to p99 400 ÷ warning 70% = 572; est. $720/month ($3,398.4/month to 572)", wanted.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_Risk_PooledTails_AsksOneStepWithoutAPlan()
    {
        // As above, but the tails are the pooled calibration's: the first step is the same, no target is carried (no
        // step plan), and the reason says why.
        var quota = Quota with { Value = 100 };
        var forecast = new Forecast(400, null, null, "test", "") { Quantiles = PeakQuantiles.Of(95, 200, 400), TailsPooled = true };

        var wanted = Increase(Rule(), Snapshot(SizingPolicy.Risk, forecast, usage: 90, quota: quota));

        Assert.Equal(200.0, wanted.DesiredValue);
        Assert.Null(wanted.Target);
        Assert.Contains("100 → 200 (a first step of 572: AWS decides more than ×2 slowly; no step plan: the tails are the pooled calibration's, not this quota's own)", wanted.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_Risk_CostThresholdJudgedOnTheWholeTarget()
    {
        // The step costs $720 a month, under a $1,000 threshold; the whole plan ($3,398.40) is over it: a person approves.
        var quota = Quota with { Value = 100 };
        var forecast = new Forecast(400, null, null, "test", "") { Quantiles = PeakQuantiles.Of(95, 200, 400) };
        var rule = Rule() with { ApprovalRequired = true };

        var wanted = Increase(rule, Snapshot(SizingPolicy.Risk, forecast, usage: 90, quota: quota));

        Assert.Equal(IncreaseRoute.NeedsApproval, wanted.Route);
        Assert.EndsWith("est. $720/month ($3,398.4/month to 572) exceeds cost_threshold $1,000: approval required", wanted.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_Risk_CappedAtMaxAutoIncrease_ReasonSaysSo()
    {
        var wanted = Increase(Rule() with { MaxAutoIncrease = 1400 }, Snapshot(SizingPolicy.Risk));

        Assert.Equal(1400, wanted.DesiredValue);
        Assert.Contains("sized to p99 1,100 ÷ warning 70% = 1,572, capped at max_auto_increase 1,400;", wanted.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_Risk_P50BelowWarning_NoActionThoughV1WouldAct()
    {
        // p50 650 of 1,000 = 65 % < 70 %: the honest estimate needs nothing; v1's 1,300 is an emergency.
        var forecast = Forecast with { Quantiles = PeakQuantiles.Of(650, 900, 1100) };

        var risk = DecisionTable.Decide(Rule(), Snapshot(SizingPolicy.Risk, forecast), TuesdayNoon, CostModel.SeedDefaults);

        Assert.Equal("usage 600, peak p50 650 / p99 1,100 in 168h (test) of quota 1,000 = 65%, below warning 70%", risk.Reason);
        Assert.Equal("request_increase", DecisionTable.Decide(Rule(), Snapshot(SizingPolicy.V1, forecast), TuesdayNoon, CostModel.SeedDefaults).Kind);
    }

    [Fact]
    public void SizedUsage_Risk_NeverBelowCurrentUsage()
    {
        var forecast = Forecast with { Quantiles = PeakQuantiles.Of(500, 550, 580) };

        Assert.Equal(600, Sizing.SizedUsage(Rule(), Snapshot(SizingPolicy.Risk, forecast)));
    }

    [Fact]
    public void Decide_Risk_UsageAboveTheQuantile_SaysSo()
    {
        // 900 of 1,000 now (90 %: critical ×1.5 = 1,500) while the p99 is 580: sized on the usage, 900 ÷ 0.7 = 1,285.8 → 1,286, less.
        var forecast = Forecast with { Quantiles = PeakQuantiles.Of(500, 550, 580) };

        var wanted = Increase(Rule(), Snapshot(SizingPolicy.Risk, forecast, usage: 900));

        Assert.Contains("; sized to the band's ×1.5 = 1,500 (usage now 900 ÷ warning 70% = 1,286 is less);", wanted.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.01, "p99")]
    [InlineData(0.025, "p97.5")]
    [InlineData(0.5, "p50")]
    public void LevelName_NamesTheQuantile(double breachRisk, string expected)
    {
        Assert.Equal(expected, Sizing.LevelName(Rule(breachRisk)));
    }

    [Fact]
    public void ExpectedQuantiles_Raise_ShiftsThenFloors()
    {
        var raised = ExpectedQuantiles.Raise(PeakQuantiles.Of(100, 120, 150), addUnits: 30, atLeast: 140);

        Assert.Equal((140.0, 150.0, 180.0), (raised.P50, raised.P90, raised.P99));
    }
}
