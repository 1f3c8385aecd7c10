using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Tests.Decisions;

public class StepPlannerTests
{
    private static readonly QuotaKey Key = new("vpc", "L-F678F1CE", "us-east-1");
    private static readonly QuotaInfo Count100 = new(Key, "VPCs per Region", 100, Adjustable: true, "None");
    private static readonly DateTimeOffset Made = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly QuotaRule Rule = QuotaRule.WithDefaults("r", Key, AutomationLevel.FullAuto);
    private static readonly StepPlan Plan = new("plan-1", "r", Key, 100, [200, 400, 572], 1, Made, Made, "why");

    private static PlanVerdict Judge(double quota, double need = 572, string? denied = null, string? deferred = null, QuotaRule? rule = null, StepPlan? plan = null) =>
        StepPlanner.Judge(plan ?? Plan, rule ?? Rule, "was removed", Count100 with { Value = quota }, need, denied, deferred, 2);

    [Theory]
    [InlineData(100, 572, new[] { 200.0, 400, 572 })]
    [InlineData(100, 1000, new[] { 200.0, 400, 800, 1000 })]
    [InlineData(100, 800, new[] { 200.0, 400, 800 })]   // exactly ×2 each: no extra step
    [InlineData(100, 150, new[] { 150.0 })]             // within one step: one value
    [InlineData(7, 40, new[] { 14.0, 28, 40 })]
    public void Steps_CountQuota_DoublesThenEndsOnTheTarget(double value, double target, double[] expected)
    {
        Assert.Equal(expected, StepPlanner.Steps(Count100 with { Value = value }, target, 2));
    }

    [Fact]
    public void Steps_NonCountQuota_RoundsDownToCents()
    {
        var gigabytes = new QuotaInfo(Key, "storage", 1.255, true, "Gigabytes");

        Assert.Equal([2.51, 5.02, 6], StepPlanner.Steps(gigabytes, 6, 2));
    }

    [Fact]
    public void Judge_PreviousStepGranted_FollowsTheNextStep()
    {
        var verdict = Assert.IsType<FollowStep>(Judge(quota: 200));

        Assert.Equal(1, verdict.Index);
        Assert.Equal("step 2 of 3 of plan plan-1: step 1 (200) was granted", verdict.Why);
    }

    [Fact]
    public void Judge_StepStillPending_DueStepIsTheSameOne()
    {
        // While step 2 (400) is open the quota is still 200: the due step is 400 again, and admission holds it.
        Assert.Equal(1, Assert.IsType<FollowStep>(Judge(quota: 200, plan: Plan with { Next = 2 })).Index);
    }

    [Fact]
    public void Judge_TargetReached_Completes()
    {
        Assert.Equal("vpc/L-F678F1CE@us-east-1 is 572, at or above the plan's target 572", Assert.IsType<PlanCompleted>(Judge(quota: 572)).Why);
    }

    [Fact]
    public void Judge_NeedAtOrBelowTheQuota_Cancels()
    {
        Assert.Equal("usage no longer needs it: the need is 200 (p99 of the peak ÷ warning 70%), at or below the quota in force 200",
            Assert.IsType<PlanCancelled>(Judge(quota: 200, need: 200)).Why);
    }

    [Fact]
    public void Judge_StepDenied_Cancels()
    {
        Assert.Equal("a step was denied: AWS answered DENIED", Assert.IsType<PlanCancelled>(Judge(quota: 200, denied: "AWS answered DENIED")).Why);
    }

    [Fact]
    public void Judge_RuleGone_Cancels()
    {
        var verdict = StepPlanner.Judge(Plan, null, "is disabled", null, null, null, null, 2);

        Assert.Equal("rule 'r' is disabled", Assert.IsType<PlanCancelled>(verdict).Why);
    }

    [Fact]
    public void Judge_RuleNowAlertOnly_Cancels()
    {
        Assert.Equal("rule 'r' is alert_only now: it asks for no increase",
            Assert.IsType<PlanCancelled>(Judge(quota: 200, rule: Rule with { Level = AutomationLevel.AlertOnly })).Why);
    }

    [Fact]
    public void Judge_CapLoweredBelowTheDueStep_Cancels()
    {
        Assert.Equal("step 2 (400) is above the rule's cap: max_auto_increase 300",
            Assert.IsType<PlanCancelled>(Judge(quota: 200, rule: Rule with { MaxAutoIncrease = 300 })).Why);
    }

    [Fact]
    public void Judge_RuleFailedThisCycle_Pauses()
    {
        Assert.IsType<PlanPaused>(StepPlanner.Judge(Plan, Rule, "", null, null, null, null, 2));
    }

    [Fact]
    public void Judge_NeedUnknown_Pauses()
    {
        var verdict = StepPlanner.Judge(Plan, Rule, "", Count100 with { Value = 200 }, null, null, null, 2);

        Assert.Equal("the forecast of vpc/L-F678F1CE@us-east-1 has no quantiles this cycle, so the need cannot be judged: the plan waits", Assert.IsType<PlanPaused>(verdict).Why);
    }

    [Fact]
    public void Judge_OutsideBusinessHours_Pauses()
    {
        Assert.Equal("step 2 of plan plan-1 deferred: outside business hours", Assert.IsType<PlanPaused>(Judge(quota: 200, deferred: "outside business hours")).Why);
    }

    [Fact]
    public void Judge_QuotaFellBelowThePlan_CancelsRatherThanAskMoreThanX2()
    {
        // 100 → 400 would be ×4: re-decide instead.
        Assert.IsType<PlanCancelled>(Judge(quota: 100, plan: Plan with { Steps = [400, 572] }));
    }

    [Fact]
    public void Describe_ListsStartAndSteps()
    {
        Assert.Equal("100 → 200 → 400 → 572", StepPlanner.Describe(Plan));
    }
}
