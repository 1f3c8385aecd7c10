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

    private sealed record Scenario(EngineFixture Fixture, Dictionary<string, double> Caps, int ValidRules);

    private static Scenario Build(int seed)
    {
        var random = new Random(seed);
        var f = new EngineFixture();
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
        return new Scenario(f, caps, valid);
    }

    private static async Task<Scenario> RunAsync(int seed, int cycles = 24)
    {
        var scenario = Build(seed);
        var f = scenario.Fixture;
        var random = new Random(seed + 1);
        for (var i = 0; i < cycles; i++)
        {
            var report = await f.CycleAsync();
            Assert.Equal(scenario.Caps.Count, report.Rules.Count); // every rule gets a decision, whatever failed
            foreach (var open in f.Account.Requests.Where(r => r.Status.IsOpen()).ToList())
                if (random.NextDouble() < 0.3) f.Account.Decide(open.Id, approve: random.NextDouble() < 0.8);
            foreach (var waiting in f.Stores.Approvals.Where(a => a.Status == ApprovalStatus.Waiting).ToList())
                if (random.NextDouble() < 0.3) await f.Stores.UpdateAsync(waiting with { Status = random.Next(2) == 0 ? ApprovalStatus.Approved : ApprovalStatus.Denied, DecidedAt = f.Time.GetUtcNow(), DecidedBy = "p" }, CancellationToken.None);
        }
        return scenario;
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
}
