using System.Globalization;
using FsCheck;
using FsCheck.Xunit;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Tests.Fakes;

namespace QuotaAutomation.Core.Tests.Engine;

/// <summary>
/// Whole cycles under random rules, usage, AWS verdicts and faults (throttling, timeouts, 5xx, audit outages).
/// FsCheck draws the scenario seed; everything inside is a seeded <see cref="Random"/>, so a failure replays exactly.
/// </summary>
[Properties(Replay = Generators.Replay, MaxTest = 60)]
public class EngineProperties
{
    private static readonly string[] Levels = ["monitor_only", "alert_only", "auto_request", "auto_approve", "full_auto", "Full-Auto", "bogus"];
    private static readonly string[] Regions = ["us-east-1", "eu-west-1"];

    private sealed record Scenario(EngineFixture Fixture, Dictionary<string, double> Caps, int ValidRules, InMemoryStepPlans? Plans = null);

    /// <param name="withPlans">Risk sizing on a quantile forecaster with a plan store that fails 5 % of its calls, and rules edited between cycles (disabled, enabled, level changed).</param>
    private static Scenario Build(int seed, bool withPlans = false)
    {
        var random = new Random(seed);
        var plans = withPlans ? new InMemoryStepPlans() : null;
        // Spreads drawn per scenario: p50 from 0.8× to 1.2× the newest sample, p90 up to 3× it, p99 up to 6× (plans of several steps).
        var (p50, p90, p99) = (0.8 + 0.4 * random.NextDouble(), 1 + 2 * random.NextDouble(), 1 + 5 * random.NextDouble());
        var f = withPlans
            ? new EngineFixture(forecaster: new QuantileForecaster(u => QuotaAutomation.Core.Forecasting.PeakQuantiles.Of(u * p50, u * p90, u * p99)), plans: plans)
            : new EngineFixture();
        var caps = new Dictionary<string, double>();
        var valid = 0;
        var quotas = random.Next(1, 9);
        for (var q = 0; q < quotas; q++)
        {
            var code = string.Create(CultureInfo.InvariantCulture, $"L-{q:D8}");
            var region = Regions[random.Next(Regions.Length)];
            var value = random.Next(1, 400);
            var level = random.NextDouble() * 1.5;
            var growth = random.NextDouble() * 0.02;
            f.Account.Add("svc", code, value, t => Math.Round(value * level * (1 + growth * (t - EngineFixture.Start).TotalHours)), region);
            // Up to two rules per quota, so two rules can want the same quota in one cycle.
            for (var r = 0; r < random.Next(1, 3); r++)
            {
                var ruleId = $"{code}-{region}-{r}";
                var cap = random.Next(1, 1200);
                var levelName = Levels[random.Next(Levels.Length)];
                caps[ruleId] = cap;
                f.Stores.Rules.Add(TestRules.Item(ruleId, "svc", code, levelName,
                    ("region", region), ("max_auto_increase", cap), ("approval_required", random.Next(2) == 0), ("cost_threshold", random.Next(0, 50))));
                if (levelName != "bogus") valid++;
            }
        }
        f.Account.Fail = (op, _) => random.NextDouble() switch
        {
            < 0.05 => new QuotaServiceException(QuotaServiceException.TooManyRequests, $"{op} throttled"),
            < 0.08 => new TimeoutException($"{op} timed out"),
            < 0.10 => new HttpRequestException($"{op}: 503"),
            _ => null,
        };
        f.Stores.FailAuditWhen = record => record.Kind == AuditKind.Intent && random.NextDouble() < 0.05;
        if (plans is not null) plans.Fail = op => random.NextDouble() < 0.05 ? new TimeoutException($"plan {op} timed out") : null;
        return new Scenario(f, caps, valid, plans);
    }

    private static async Task<Scenario> RunAsync(int seed, int cycles = 24, bool withPlans = false)
    {
        var scenario = Build(seed, withPlans);
        var f = scenario.Fixture;
        var random = new Random(seed + 1);
        for (var i = 0; i < cycles; i++)
        {
            var report = await f.CycleAsync();
            // Every rule gets a decision, whatever failed; a disabled one none (unless it is rejected, which disabling does not mend).
            Assert.Equal(scenario.Caps.Count - f.Stores.Rules.Count(r => Equals(r.Attributes.GetValueOrDefault("enabled"), false) && !Equals(r.Attributes["automation_level"], "bogus")), report.Rules.Count);
            if (withPlans && random.NextDouble() < 0.2) EditARule(f, random);
            foreach (var open in f.Account.Requests.Where(r => r.Status.IsOpen()).ToList())
                if (random.NextDouble() < 0.3) f.Account.Decide(open.Id, approve: random.NextDouble() < 0.8);
            foreach (var waiting in f.Stores.Approvals.Where(a => a.Status == ApprovalStatus.Waiting).ToList())
                if (random.NextDouble() < 0.3) await f.Stores.UpdateAsync(waiting with { Status = random.Next(2) == 0 ? ApprovalStatus.Approved : ApprovalStatus.Denied, DecidedAt = f.Time.GetUtcNow(), DecidedBy = "p" }, CancellationToken.None);
        }
        return scenario;
    }

    /// <summary>A person edits a rule between cycles: disables or enables it, or changes its level (a plan's cancellations).</summary>
    private static void EditARule(EngineFixture f, Random random)
    {
        var i = random.Next(f.Stores.Rules.Count);
        var rule = f.Stores.Rules[i];
        f.Stores.Rules[i] = random.Next(3) switch
        {
            0 => TestRules.With(rule, "enabled", !Equals(rule.Attributes.GetValueOrDefault("enabled"), false) ? false : true),
            _ => TestRules.With(rule, "automation_level", Levels[random.Next(Levels.Length - 1)]), // never "bogus": the rule count stays
        };
    }

    [Property]
    public bool Cycles_NeverBreakAwsRulesOrAskForLessThanTheQuota(PositiveInt seed) =>
        RunAsync(seed.Get).GetAwaiter().GetResult().Fixture.Account.Violations.Count == 0;

    [Property]
    public bool Cycles_NeverRequestAboveTheRuleCap(PositiveInt seed)
    {
        var scenario = RunAsync(seed.Get).GetAwaiter().GetResult();
        return scenario.Fixture.Stores.Requests.All(r => r.DesiredValue <= scenario.Caps[r.RuleId]);
    }

    [Property]
    public bool Cycles_EveryIntentHasOneLaterOutcome_AndNoOutcomeWithoutIntent(PositiveInt seed)
    {
        var audit = RunAsync(seed.Get).GetAwaiter().GetResult().Fixture.Stores.Audit;
        var intents = audit.Select((record, index) => (record, index)).Where(x => x.record.Kind == AuditKind.Intent).ToList();
        var outcomes = audit.Select((record, index) => (record, index)).Where(x => x.record.Kind == AuditKind.Outcome).ToList();
        return intents.All(i => outcomes.Count(o => o.record.ActionId == i.record.Id && o.index > i.index) == 1)
            && outcomes.All(o => intents.Any(i => i.record.Id == o.record.ActionId));
    }

    [Property]
    public bool Cycles_AreDeterministicForOneSeed(PositiveInt seed)
    {
        static string Trail(Scenario s) => string.Join("\n", s.Fixture.Stores.Audit.Select(a => $"{a.Id} {a.Kind} {a.RuleId} {a.Message}"));
        return Trail(RunAsync(seed.Get, 8).GetAwaiter().GetResult()) == Trail(RunAsync(seed.Get, 8).GetAwaiter().GetResult());
    }

    [Property]
    public bool CyclesWithPlans_NeverBreakAwsRulesOrAskForLessThanTheQuota(PositiveInt seed) =>
        RunAsync(seed.Get, withPlans: true).GetAwaiter().GetResult().Fixture.Account.Violations.Count == 0;

    [Property]
    public bool CyclesWithPlans_NeverRequestAboveTheRuleCapNorMoreThanX2(PositiveInt seed)
    {
        var scenario = RunAsync(seed.Get, withPlans: true).GetAwaiter().GetResult();
        return scenario.Fixture.Stores.Requests.All(r => r.DesiredValue <= scenario.Caps[r.RuleId] && r.DesiredValue <= 2 * r.FromValue)
            && scenario.Fixture.Stores.Approvals.All(a => a.DesiredValue <= scenario.Caps[a.RuleId] && a.DesiredValue <= 2 * a.CurrentValue);
    }

    [Property]
    public bool CyclesWithPlans_EveryIntentHasOneLaterOutcome(PositiveInt seed)
    {
        var audit = RunAsync(seed.Get, withPlans: true).GetAwaiter().GetResult().Fixture.Stores.Audit;
        var intents = audit.Select((record, index) => (record, index)).Where(x => x.record.Kind == AuditKind.Intent).ToList();
        var outcomes = audit.Select((record, index) => (record, index)).Where(x => x.record.Kind == AuditKind.Outcome).ToList();
        return intents.All(i => outcomes.Count(o => o.record.ActionId == i.record.Id && o.index > i.index) == 1)
            && outcomes.All(o => intents.Any(i => i.record.Id == o.record.ActionId));
    }

    /// <summary>Every intent of a plan's step comes after that plan was saved and audited (plan_recorded or plan_step for its plan id).</summary>
    [Property]
    public bool CyclesWithPlans_EveryStepIntentFollowsItsPlanRecord(PositiveInt seed)
    {
        var scenario = RunAsync(seed.Get, withPlans: true).GetAwaiter().GetResult();
        var audit = scenario.Fixture.Stores.Audit;
        var saved = scenario.Plans!.Saved.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        return audit.Select((record, index) => (record, index))
            .Where(x => x.record.Kind == AuditKind.Intent && x.record.Action is "request_increase" or "start_approval" && PlanIdIn(x.record.Message) is not null)
            .All(x => saved.Contains(PlanIdIn(x.record.Message)!) && audit.Take(x.index).Any(a =>
                a.Action is "plan_recorded" or "plan_step" && a.Details?.GetValueOrDefault("plan_id") == PlanIdIn(x.record.Message)));
    }

    /// <summary>Every plan that ended is audited once, on its rule and quota, saying completed or cancelled and why.</summary>
    [Property]
    public bool CyclesWithPlans_EveryEndIsAuditedWithWhy(PositiveInt seed)
    {
        var scenario = RunAsync(seed.Get, withPlans: true).GetAwaiter().GetResult();
        var ends = scenario.Fixture.Stores.Audit.Where(a => a.Action is "plan_completed" or "plan_cancelled" && a.Kind == AuditKind.StatusChange).ToList();
        return ends.All(e => e.Message.Contains(e.Action == "plan_completed" ? ") completed: " : ") cancelled: ", StringComparison.Ordinal))
            && scenario.Plans!.Ended.All(p => ends.Count(e => e.Details?.GetValueOrDefault("plan_id") == p.Id && e.RuleId == p.RuleId && e.Quota == p.Quota) == 1);
    }

    [Property]
    public bool CyclesWithPlans_AreDeterministicForOneSeed(PositiveInt seed)
    {
        static string Trail(Scenario s) => string.Join("\n", s.Fixture.Stores.Audit.Select(a => $"{a.Id} {a.Kind} {a.RuleId} {a.Message}"));
        return Trail(RunAsync(seed.Get, 8, withPlans: true).GetAwaiter().GetResult()) == Trail(RunAsync(seed.Get, 8, withPlans: true).GetAwaiter().GetResult());
    }

    /// <summary>The plan properties are not vacuous: over a few seeds the scenarios record, follow, complete and cancel plans.</summary>
    [Fact]
    public async Task CyclesWithPlans_ExerciseEveryPartOfAPlansLife()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var seed = 1; seed <= 12; seed++)
            foreach (var a in (await RunAsync(seed, withPlans: true)).Fixture.Stores.Audit.Where(a => a.Action.StartsWith("plan_", StringComparison.Ordinal)))
                seen.Add(a.Action);

        Assert.Superset(new HashSet<string>(["plan_recorded", "plan_step", "plan_completed", "plan_cancelled"], StringComparer.Ordinal), seen);
    }

    private static string? PlanIdIn(string message)
    {
        var at = message.IndexOf(" of plan ", StringComparison.Ordinal);
        if (at < 0) return null;
        var rest = message[(at + " of plan ".Length)..];
        var end = rest.IndexOfAny([' ', ':', ';']);
        return end < 0 ? rest : rest[..end];
    }
}
