using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Tests.Decisions;

public class DecisionTableTests
{
    private static readonly QuotaKey Key = new("vpc", "L-F678F1CE", "us-east-1");
    private static readonly QuotaInfo Quota = new(Key, "VPCs per Region", 100, Adjustable: true, "None");
    private static readonly DateTimeOffset TuesdayNoon = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset SaturdayNoon = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private static QuotaRule Rule(AutomationLevel level) => QuotaRule.WithDefaults("r", Key, level);

    private static QuotaSnapshot Snapshot(double usage, double? forecastPeak = null, QuotaInfo? quota = null) =>
        new(quota ?? Quota, usage, forecastPeak is { } p ? new Forecast(p, null, null, "test", "") : Forecast.CurrentOnly(usage, ""));

    private static QuotaDecision Decide(QuotaRule rule, double usage, DateTimeOffset? now = null) =>
        DecisionTable.Decide(rule, Snapshot(usage), now ?? TuesdayNoon, CostModel.SeedDefaults);

    /// <summary>The README's decision table, cell by cell: usage 50/75/90/97 of 100 with thresholds 70/85/95.</summary>
    [Theory]
    [InlineData(AutomationLevel.MonitorOnly, 50, "none", null)]
    [InlineData(AutomationLevel.MonitorOnly, 75, "none", null)]
    [InlineData(AutomationLevel.MonitorOnly, 90, "none", null)]
    [InlineData(AutomationLevel.MonitorOnly, 97, "none", null)]
    [InlineData(AutomationLevel.AlertOnly, 50, "none", null)]
    [InlineData(AutomationLevel.AlertOnly, 75, "alert_warning", null)]
    [InlineData(AutomationLevel.AlertOnly, 90, "alert_critical", null)]
    [InlineData(AutomationLevel.AlertOnly, 97, "alert_emergency", null)]
    [InlineData(AutomationLevel.AutoRequest, 50, "none", null)]
    [InlineData(AutomationLevel.AutoRequest, 75, "alert_warning", null)]
    [InlineData(AutomationLevel.AutoRequest, 90, "request_approval", 150.0)]
    [InlineData(AutomationLevel.AutoRequest, 97, "request_approval", 200.0)]
    [InlineData(AutomationLevel.AutoApprove, 50, "none", null)]
    [InlineData(AutomationLevel.AutoApprove, 75, "alert_warning", null)]
    [InlineData(AutomationLevel.AutoApprove, 90, "request_increase", 150.0)]
    [InlineData(AutomationLevel.AutoApprove, 97, "request_increase", 200.0)]
    [InlineData(AutomationLevel.FullAuto, 50, "none", null)]
    [InlineData(AutomationLevel.FullAuto, 75, "request_increase", 120.0)]
    [InlineData(AutomationLevel.FullAuto, 90, "request_increase", 150.0)]
    [InlineData(AutomationLevel.FullAuto, 97, "request_increase", 200.0)]
    public void Decide_LevelAndBand_GivesTheTableCell(AutomationLevel level, double usage, string kind, double? desired)
    {
        var decision = Decide(Rule(level), usage);

        Assert.Equal(kind, decision.Kind);
        Assert.Equal(desired, (decision as RequestIncrease)?.DesiredValue);
    }

    [Fact]
    public void Decide_CriticalOnFullAuto_ExplainsItselfInOneSentence()
    {
        var decision = Decide(Rule(AutomationLevel.FullAuto), 90);

        Assert.Equal("usage 90 of quota 100 = 90% reached critical: increase ×1.5, 100 → 150; est. $360/month", decision.Reason);
    }

    [Fact]
    public void Decide_ForecastAboveCurrent_DecidesOnTheForecast()
    {
        var decision = DecisionTable.Decide(Rule(AutomationLevel.AlertOnly), Snapshot(60, forecastPeak: 88), TuesdayNoon, CostModel.SeedDefaults);

        Assert.Equal("usage 60, forecast peak 88 in 168h (test) of quota 100 = 88% reached critical 85%", decision.Reason);
    }

    [Theory]
    [InlineData(AutomationLevel.AlertOnly, 75, "none")]
    [InlineData(AutomationLevel.AlertOnly, 97, "alert_emergency")]
    [InlineData(AutomationLevel.FullAuto, 75, "none")]
    [InlineData(AutomationLevel.FullAuto, 90, "none")]
    [InlineData(AutomationLevel.FullAuto, 97, "request_increase")]
    [InlineData(AutomationLevel.MonitorOnly, 97, "none")]
    public void Decide_OutsideBusinessHours_ActsOnlyOnEmergencies(AutomationLevel level, double usage, string kind)
    {
        var rule = Rule(level) with { BusinessHoursOnly = BusinessHours.Default };

        Assert.Equal(kind, Decide(rule, usage, SaturdayNoon).Kind);
    }

    [Fact]
    public void Decide_InsideBusinessHours_ActsAsUsual()
    {
        var rule = Rule(AutomationLevel.FullAuto) with { BusinessHoursOnly = BusinessHours.Default };

        Assert.Equal("request_increase", Decide(rule, 75, TuesdayNoon).Kind);
    }

    [Fact]
    public void Decide_DeferredOutsideHours_SaysWhy()
    {
        var rule = Rule(AutomationLevel.FullAuto) with { BusinessHoursOnly = BusinessHours.Default };

        Assert.Equal("usage 90 of quota 100 = 90% (critical) deferred: outside business hours Mon,Tue,Wed,Thu,Fri 09:00-18:00 UTC, only emergencies act",
            Decide(rule, 90, SaturdayNoon).Reason);
    }

    [Theory]
    [InlineData(AutomationLevel.AutoApprove, true, 10.0, "request_approval")]
    [InlineData(AutomationLevel.AutoApprove, false, 10.0, "request_increase")]
    [InlineData(AutomationLevel.AutoApprove, true, 1000.0, "request_increase")]
    [InlineData(AutomationLevel.FullAuto, true, 10.0, "request_approval")]
    public void Decide_Cost_NeedsApprovalOnlyWhenCostlyAndApprovalRequired(AutomationLevel level, bool approvalRequired, double costThreshold, string kind)
    {
        // 100 → 150 VPCs at the default $0.01 per unit-hour is $360 a month.
        var rule = Rule(level) with { ApprovalRequired = approvalRequired, CostThreshold = costThreshold };

        Assert.Equal(kind, Decide(rule, 90).Kind);
    }

    [Fact]
    public void Decide_Plus1000LambdaConcurrency_CostsHeldExecutions_AndCrossesTheDefaultCostThreshold()
    {
        // docs/rules.md's row: 9,000 → 10,000 (cap). Priced per request ($0.0000002) it was $0.14 a month and
        // cost_threshold could never fire; a concurrent execution held an hour is $0.001875 (provisioned concurrency, 128 MB).
        var lambda = new QuotaKey("lambda", "L-B99A9384", "us-east-1");
        var rule = QuotaRule.WithDefaults("lambda", lambda, AutomationLevel.AutoApprove) with { ApprovalRequired = true, MaxAutoIncrease = 10_000 };
        var snapshot = new QuotaSnapshot(new QuotaInfo(lambda, "Concurrent executions", 9_000, Adjustable: true, "None"), 8_700, Forecast.CurrentOnly(8_700, ""));

        var decision = (RequestIncrease)DecisionTable.Decide(rule, snapshot, TuesdayNoon, CostModel.SeedDefaults);

        Assert.Equal(1_350, CostModel.SeedDefaults.MonthlyCost(lambda, 9_000, 10_000), 6); // 1,000 × $0.001875 × 720 h
        Assert.Equal((10_000, 1_350.0, "request_approval"), (decision.DesiredValue, Math.Round(decision.EstimatedMonthlyCost, 6), decision.Kind));
        Assert.EndsWith("est. $1,350/month exceeds cost_threshold $1,000: approval required", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_CapAtCurrentValue_AlertsInsteadOfRequesting()
    {
        var decision = Decide(Rule(AutomationLevel.FullAuto) with { MaxAutoIncrease = 100 }, 97);

        Assert.Equal(new Alert("r", Key, "usage 97 of quota 100 = 97% reached emergency; cap reached: max_auto_increase 100 is not above the quota 100", Severity.Emergency), decision);
    }

    [Fact]
    public void Decide_CapBelowTheMultiple_RequestsTheCap()
    {
        Assert.Equal(130, ((RequestIncrease)Decide(Rule(AutomationLevel.FullAuto) with { MaxAutoIncrease = 130 }, 97)).DesiredValue);
    }

    [Fact]
    public void Decide_NotAdjustable_AlertsInsteadOfRequesting()
    {
        var decision = DecisionTable.Decide(Rule(AutomationLevel.FullAuto), Snapshot(90, quota: Quota with { Adjustable = false }), TuesdayNoon, CostModel.SeedDefaults);

        Assert.Equal("alert_critical", decision.Kind);
    }

    [Fact]
    public void Decide_DisabledRule_DoesNothing()
    {
        Assert.Equal("none", Decide(Rule(AutomationLevel.FullAuto) with { Enabled = false }, 97).Kind);
    }

    [Fact]
    public void Decide_ZeroQuotaWithUsage_IsAnEmergency()
    {
        var decision = DecisionTable.Decide(Rule(AutomationLevel.FullAuto), Snapshot(3, quota: Quota with { Value = 0 }), TuesdayNoon, CostModel.SeedDefaults);

        Assert.Equal(5, ((RequestIncrease)decision).DesiredValue); // 3 / 0.7 rounded up
    }

    [Fact]
    public void Decide_AJumpBeyondTwice_AsksForTwiceFirst_AndSaysWhy()
    {
        // 262 of 100: an emergency wanting 262 / 0.7 = 375; AWS decides more than ×2 slowly, so 200 now, the rest next.
        var decision = (RequestIncrease)DecisionTable.Decide(Rule(AutomationLevel.FullAuto), Snapshot(262), TuesdayNoon, CostModel.SeedDefaults);

        Assert.Equal(200, decision.DesiredValue);
        Assert.Contains("100 → 200 (a first step of 375: AWS decides more than ×2 slowly)", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_WithoutAFastStep_AsksForAllOfIt()
    {
        var decision = (RequestIncrease)DecisionTable.Decide(Rule(AutomationLevel.FullAuto), Snapshot(262), TuesdayNoon, CostModel.SeedDefaults, fastStep: null);

        Assert.Equal(375, decision.DesiredValue);
    }
}
