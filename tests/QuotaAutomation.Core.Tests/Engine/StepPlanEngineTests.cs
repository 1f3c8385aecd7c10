using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Tests.Fakes;
using static QuotaAutomation.Core.Tests.Fakes.TestRules;

namespace QuotaAutomation.Core.Tests.Engine;

/// <summary>
/// Step plans through whole cycles. A VPC quota of 100 (count, $0.01 a unit-hour), usage 90, rule full_auto with the
/// defaults (70/85/95, breach_risk 0.01); the forecast's quantiles p50 95 / p90 200 / p99 400: 95 % by the p50 is an
/// emergency, and the p99 needs 400 ÷ 0.7 = 571.4 → 572, more than ×2: plan 100 → 200 → 400 → 572.
/// </summary>
public class StepPlanEngineTests
{
    private const string PlanId = "plan-20261124T120000Z-n1-vpcs";
    private static readonly QuotaKey Key = new("vpc", "L-F678F1CE", "us-east-1");

    private static (EngineFixture F, InMemoryStepPlans Plans, QuantileForecaster Forecaster) Setup(string level = "full_auto", bool withStore = true, params (string, object?)[] extra)
    {
        var plans = new InMemoryStepPlans();
        var forecaster = QuantileForecaster.Fixed(95, 200, 400);
        var f = new EngineFixture(forecaster: forecaster, plans: withStore ? plans : null);
        f.Account.Add("vpc", "L-F678F1CE", 100, _ => 90);
        f.Stores.Rules.Add(Item("vpcs", "vpc", "L-F678F1CE", level, extra));
        return (f, plans, forecaster);
    }

    private static string Granted(EngineFixture f)
    {
        var open = f.Account.Requests.Single(r => r.Status.IsOpen());
        f.Account.Decide(open.Id, approve: true);
        return open.Id;
    }

    [Fact]
    public async Task Cycle_TargetBeyondX2_RecordsThePlanBeforeFilingStep1()
    {
        var (f, plans, _) = Setup();

        await f.CycleAsync();

        Assert.Equal(200, Assert.Single(f.Account.Requests).DesiredValue);
        var plan = Assert.Single(plans.Open.Values);
        Assert.Equal((PlanId, 100.0, 1), (plan.Id, plan.StartValue, plan.Next));
        Assert.Equal([200.0, 400, 572], plan.Steps);
        var recorded = f.Stores.Audit.FindIndex(a => a.Action == "plan_recorded");
        var intent = f.Stores.Audit.FindIndex(a => a is { Action: "request_increase", Kind: AuditKind.Intent });
        Assert.InRange(recorded, 0, intent - 1);
        Assert.StartsWith($"plan {PlanId} for vpc/L-F678F1CE@us-east-1 recorded: 100 → 200 → 400 → 572 (target 572), step 1 next: "
            + "usage 90, peak p50 95 / p99 400 in 168h (quantiles) of quota 100 = 95% reached emergency: emergency increase ×2, 100 → 200 "
            + "(a first step of 572: AWS decides more than ×2 slowly); sized to p99 400 ÷ warning 70% = 572; est. $720/month ($3,398.4/month to 572); ",
            f.Stores.Audit[recorded].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cycles_EachStepFiledInTheCycleAfterThePreviousIsGranted_ThenCompleted()
    {
        var (f, plans, _) = Setup();
        await f.CycleAsync();                      // step 1: 200
        var pending = await f.CycleAsync();        // still pending: held
        Granted(f);
        var second = await f.CycleAsync();         // step 2: 400
        Granted(f);
        await f.CycleAsync();                      // step 3: 572
        Granted(f);
        var done = await f.CycleAsync();

        Assert.Equal([200.0, 400, 572], f.Account.Requests.Select(r => r.DesiredValue));
        Assert.Equal("held", Assert.Single(pending.Rules).Decision.Kind);
        Assert.StartsWith($"step 2 of 3 of plan {PlanId}: step 1 (200) was granted: 200 → 400 (plan 100 → 200 → 400 → 572, made 2026-11-24 12:00 UTC); need now 572; est. $1,440/month",
            Assert.Single(second.Rules).Decision.Reason, StringComparison.Ordinal);
        Assert.Empty(plans.Open);
        var completed = Assert.Single(f.Stores.Audit, a => a.Action == "plan_completed");
        Assert.Equal($"plan {PlanId} for vpc/L-F678F1CE@us-east-1 (100 → 200 → 400 → 572) completed: vpc/L-F678F1CE@us-east-1 is 572, at or above the plan's target 572", completed.Message);
        Assert.Equal("none", Assert.Single(done.Rules).Decision.Kind); // p50 95 of 572
        Assert.Empty(f.Account.Violations);
    }

    [Fact]
    public async Task Cycles_WithoutAPlanStore_ReDecideAndStopAfterStep1()
    {
        // v1-like re-deciding: once 200 is granted, p50 95 of 200 is 47.5 %: below warning, nothing more is asked.
        var (f, _, _) = Setup(withStore: false);
        await f.CycleAsync();
        Granted(f);

        var after = await f.CycleAsync();

        Assert.Equal([200.0], f.Account.Requests.Select(r => r.DesiredValue));
        Assert.Equal("none", Assert.Single(after.Rules).Decision.Kind);
        Assert.DoesNotContain(f.Stores.Audit, a => a.Action.StartsWith("plan_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cycle_NeedFallsToTheQuotaInForce_CancelsThePlanSayingWhy()
    {
        var (f, plans, forecaster) = Setup();
        await f.CycleAsync();
        Granted(f);
        forecaster.Quantiles = _ => PeakQuantiles.Of(90, 110, 130); // 130 ÷ 0.7 = 185.8 → 186 ≤ 200

        await f.CycleAsync();

        Assert.Empty(plans.Open);
        var cancelled = Assert.Single(f.Stores.Audit, a => a.Action == "plan_cancelled");
        Assert.Equal((AuditKind.StatusChange, "vpcs"), (cancelled.Kind, cancelled.RuleId));
        Assert.EndsWith("cancelled: usage no longer needs it: the need is 186 (p99 of the peak ÷ warning 70%), at or below the quota in force 200", cancelled.Message, StringComparison.Ordinal);
        Assert.Single(f.Account.Requests);
    }

    [Fact]
    public async Task Cycle_StepDenied_CancelsThePlan_AndTheQuietPeriodHoldsTheRule()
    {
        var (f, plans, _) = Setup();
        await f.CycleAsync();
        f.Account.Decide("fake-1", approve: false);

        var report = await f.CycleAsync();

        Assert.Empty(plans.Open);
        Assert.EndsWith("cancelled: a step was denied: AWS answered DENIED to request fake-1 for 200 at 2026-11-24 12:05 UTC",
            Assert.Single(f.Stores.Audit, a => a.Action == "plan_cancelled").Message, StringComparison.Ordinal);
        Assert.Equal("held", Assert.Single(report.Rules).Decision.Kind);
        Assert.Single(f.Account.Requests);
    }

    [Fact]
    public async Task Cycle_RuleDisabled_CancelsThePlan()
    {
        var (f, plans, _) = Setup();
        await f.CycleAsync();
        Granted(f);
        f.Stores.Rules[0] = With(f.Stores.Rules[0], "enabled", false);

        await f.CycleAsync();

        Assert.Empty(plans.Open);
        Assert.EndsWith("cancelled: rule 'vpcs' is disabled", Assert.Single(f.Stores.Audit, a => a.Action == "plan_cancelled").Message, StringComparison.Ordinal);
        Assert.Single(f.Account.Requests);
    }

    [Fact]
    public async Task Cycle_RuleNowAlertOnly_CancelsThePlanAndAlerts()
    {
        var (f, plans, _) = Setup();
        await f.CycleAsync();
        Granted(f);
        f.Stores.Rules[0] = With(f.Stores.Rules[0], "automation_level", "alert_only");

        await f.CycleAsync();

        Assert.Empty(plans.Open);
        Assert.EndsWith("cancelled: rule 'vpcs' is alert_only now: it asks for no increase", Assert.Single(f.Stores.Audit, a => a.Action == "plan_cancelled").Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cycle_OutsideBusinessHours_PlanWaitsAndTheDecisionSaysWhichStep()
    {
        // p99 400 ÷ 0.7 = 572 still needed; 95 of 200 by the p50 is 47.5 %: below warning, so no emergency acts on Saturday.
        var (f, plans, _) = Setup(extra: ("business_hours_only", true));
        await f.CycleAsync();
        Granted(f);
        f.Time.Advance(TimeSpan.FromDays(4)); // Saturday

        var report = await f.CycleAsync();

        Assert.EndsWith($"; step 2 of plan {PlanId} deferred: outside business hours Mon,Tue,Wed,Thu,Fri 09:00-18:00 UTC, only emergencies act",
            Assert.Single(report.Rules).Decision.Reason, StringComparison.Ordinal);
        Assert.Equal("none", Assert.Single(report.Rules).Decision.Kind);
        Assert.Single(plans.Open);
        Assert.Single(f.Account.Requests);
    }

    [Fact]
    public async Task Cycle_ForecastWithoutQuantiles_PlanWaits()
    {
        var (f, plans, forecaster) = Setup();
        await f.CycleAsync();
        Granted(f);
        forecaster.Quantiles = _ => throw new InvalidOperationException("model missing"); // the cycle falls back to current-only: no quantiles

        await f.CycleAsync();

        Assert.Single(plans.Open);
        Assert.Single(f.Account.Requests);
        Assert.DoesNotContain(f.Stores.Audit, a => a.Action == "plan_cancelled");
    }

    [Fact]
    public async Task Cycle_PlanSaveFails_FilesNothingAndSaysWhy()
    {
        var (f, plans, _) = Setup();
        // An outage; a second plan refused (InvalidOperationException) is a race another cycle won, and is Skipped.
        plans.Fail = op => op == "save" ? new IOException("table unavailable") : null;

        var report = await f.CycleAsync();

        Assert.Empty(f.Account.Requests);
        var failed = Assert.Single(report.Actions);
        Assert.Equal((ActionOutcome.Failed, $"could not save plan {PlanId}: table unavailable; step 1 (200) not filed"), (failed.Outcome, failed.Detail));
        Assert.DoesNotContain(f.Stores.Audit, a => a.Kind == AuditKind.Intent);
    }

    [Fact]
    public async Task Cycle_PlansUnreadable_DecidesAfreshAndRecordsNoPlan()
    {
        var (f, plans, _) = Setup();
        plans.Fail = op => op == "load" ? new TimeoutException("read timed out") : null;

        await f.CycleAsync();

        Assert.Equal(200, Assert.Single(f.Account.Requests).DesiredValue); // ×2, as v1 would
        Assert.Empty(plans.Saved);
        Assert.Equal("could not read the step plans: read timed out; this cycle decides every increase afresh and records no plan",
            Assert.Single(f.Stores.Audit, a => a.Action == "plan_load").Message);
    }

    [Fact]
    public async Task Cycles_AutoRequest_EachStepIsApprovedByAPerson()
    {
        var (f, plans, _) = Setup("auto_request");
        await f.CycleAsync();                                   // plan recorded, approval asked for step 1
        var first = Assert.Single(f.Stores.Approvals);
        await f.Stores.UpdateAsync(first with { Status = ApprovalStatus.Approved, DecidedAt = f.Time.GetUtcNow(), DecidedBy = "alice" }, CancellationToken.None);
        await f.CycleAsync();                                   // the approved step 1 is filed
        Granted(f);

        await f.CycleAsync();                                   // step 2 asks again

        Assert.Equal([200.0, 400], f.Stores.Approvals.Select(a => a.DesiredValue));
        Assert.StartsWith($"step 2 of 3 of plan {PlanId}: step 1 (200) was granted: 200 → 400", f.Stores.Approvals[1].Reason, StringComparison.Ordinal);
        Assert.EndsWith("auto_request: a person approves each step", f.Stores.Approvals[1].Reason, StringComparison.Ordinal);
        Assert.Equal([200.0], f.Account.Requests.Select(r => r.DesiredValue));
        Assert.Equal(2, Assert.Single(plans.Open.Values).Next); // saved when step 2's approval was asked: step 3 (index 2) next
    }

    [Fact]
    public async Task Cycle_SecondRuleOnAPlannedQuota_IsHeld()
    {
        var (f, _, _) = Setup();
        await f.CycleAsync();
        Granted(f);
        f.Stores.Rules.Add(Item("vpcs-2", "vpc", "L-F678F1CE", "full_auto", ("threshold_warning", 40))); // 47.5 % by the p50: it wants an increase

        var report = await f.CycleAsync();

        Assert.Equal(["request_increase", "held"], report.Rules.Select(r => r.Decision.Kind));
        Assert.StartsWith($"vpc/L-F678F1CE@us-east-1 follows plan {PlanId} of rule 'vpcs'", report.Rules[1].Decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cycles_V1Policy_SameDecisionsWithOrWithoutQuantiles()
    {
        // v1 acts on the forecast's peak; quantiles beside it change nothing, and v1 makes no plan.
        static async Task<string> Trail(IForecaster forecaster)
        {
            var plans = new InMemoryStepPlans();
            var f = new EngineFixture(new EngineOptions { Sizing = SizingPolicy.V1 }, forecaster: forecaster, plans: plans);
            f.Account.Add("vpc", "L-F678F1CE", 100, t => 60 + (t - EngineFixture.Start).TotalMinutes);
            f.Stores.Rules.Add(Item("vpcs", "vpc", "L-F678F1CE", "full_auto"));
            var decisions = new List<string>();
            for (var i = 0; i < 12; i++)
            {
                var report = await f.CycleAsync();
                decisions.Add(string.Join("|", report.Rules.Select(r => $"{r.Decision.Kind} {r.Decision.Reason}")));
                if (f.Account.Requests.FirstOrDefault(r => r.Status.IsOpen()) is { } open) f.Account.Decide(open.Id, approve: true);
            }
            Assert.Empty(plans.Saved);
            return string.Join("\n", decisions) + "\n" + string.Join(",", f.Account.Requests.Select(r => r.DesiredValue));
        }

        var withQuantiles = await Trail(new QuantileForecaster(u => PeakQuantiles.Of(u, u * 2, u * 4), v1Peak: u => u * 1.3));
        var without = await Trail(new PeakOnlyForecaster(u => u * 1.3));

        Assert.Equal(without.Replace("(peak-only)", "(quantiles)", StringComparison.Ordinal), withQuantiles);
        // v1 at warning each time: 60 × 1.3 = 78 of 100 → ×1.2 = 120 (78 ÷ 0.7 = 111.5 is less), then 65 × 1.3 = 84.5 of 120
        // → 144, then 173, 208, 250 (each ⌈×1.2⌉) as usage grows a unit a minute.
        Assert.EndsWith("\n120,144,173,208,250", withQuantiles, StringComparison.Ordinal);
    }

    private sealed class PeakOnlyForecaster(Func<double, double> peak) : IForecaster
    {
        public string Name => "peak-only";

        public Forecast Predict(IReadOnlyList<UsageSample> history, DateTimeOffset now, TimeSpan horizon) =>
            new(peak(history[^1].Value), null, null, Name, "test quantiles");
    }
}
