using System.Text.Json;
using System.Text.Json.Nodes;
using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Lambda.Tests;

/// <summary>
/// Due shards through the function's fleet steps, on the embedded backend's ports with a fixed organization, an
/// in-memory bucket and a shard runner that answers at once: the plan writes only the due shards and says how many
/// waited, the summary merges the results' <c>next_due</c> into <c>fleet/schedule.json</c>.
/// </summary>
public sealed class FleetScheduleStepTests : EmbeddedFunctionTests
{
    private const string Hub = "123456789012";
    private const string Calm = "111111111111";
    private const string Busy = "222222222222";

    private readonly MemoryBucket _bucket = new();
    private readonly Dictionary<string, IReadOnlyList<string>> _wakes = new(StringComparer.Ordinal);
    private List<RawRule> _rules = [Rule(70)];

    private static RawRule Rule(double warning) => new("test", new Dictionary<string, object?>(StringComparer.Ordinal)
    {
        ["rule_id"] = "every-ec2", ["service_code"] = "ec2", ["quota_code"] = "L-1216C47A", ["automation_level"] = "monitor_only",
        ["account_id"] = "*", ["region"] = "us-east-1", ["threshold_warning"] = warning,
    });

    private LambdaApp Fleet(int newShardsPerCycle = FleetSchedule.DefaultNewShardsPerCycle)
    {
        var org = new Organization("o-test", Hub, [new OrgAccount(Hub, "hub", AccountState.Active, ["r-1"]),
            new OrgAccount(Calm, "calm", AccountState.Active, ["r-1"]), new OrgAccount(Busy, "busy", AccountState.Active, ["r-1"])]);
        var fleet = new FleetServices(new FixedOrganization(org), _bucket, (_, _) => new AnsweringRunner(Backend.Clock), _ => Task.FromResult(Hub), null, "us-east-1",
            AlertRoutes.None) { Wakes = new Wakes(_wakes), NewShardsPerCycle = newShardsPerCycle };
        var rules = new Rules(() => _rules);
        return new LambdaApp(new LambdaServices(Backend.Ports with { Rules = rules }, Backend.Events, Backend.Requests.FindApprovalAsync, Backend.Clock,
            new Core.Engine.EngineOptions { Cadence = Core.Cadence.ReadCadence.Default }, TimeSpan.FromSeconds(60), new LambdaLog(Logs, Backend.Clock, "quota-automation-test"), Fleet: fleet));
    }

    /// <summary>Plan, every written shard through the shard step, then the summary on the inline results; returns the plan's reply and the shard ids run.</summary>
    private async Task<(JsonObject Plan, List<string> Ran)> CycleAsync(LambdaApp app, string runId, bool all = false)
    {
        var plan = await app.HandleAsync(all ? $$"""{"fleet":"plan","fleet_run_id":"{{runId}}","all":true}""" : $$"""{"fleet":"plan","fleet_run_id":"{{runId}}"}""", CancellationToken.None);
        var lines = _bucket.Objects[(string)plan["key"]!].Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var replies = new JsonArray();
        if (lines.Length > 0)
            replies.Add(await app.HandleAsync($$$"""{"fleet":"shard","Items":[{{{string.Join(',', lines)}}}],"BatchInput":{"fleet_run_id":"{{{runId}}}"}}""", CancellationToken.None));
        await app.HandleAsync(new JsonObject { ["fleet"] = "summary", ["fleet_run_id"] = runId, ["map"] = replies }.ToJsonString(), CancellationToken.None);
        return (plan, lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("shard_id").GetString()!).ToList());
    }

    private static (int Planned, int Due, int NotDue, int Shards) Counts(JsonObject plan) =>
        ((int)plan["planned"]!, (int)plan["due"]!, (int)plan["not_due"]!, (int)plan["shards"]!);

    [Fact]
    public async Task TheFirstPlanRunsEveryShard_TheNextOnlyThoseDue_AndTheScheduleKeepsTheirNextDue()
    {
        var app = Fleet();

        var (first, ranFirst) = await CycleAsync(app, "run-1");
        Backend.Clock.Advance(TimeSpan.FromMinutes(5));
        var (second, ranSecond) = await CycleAsync(app, "run-2");

        Assert.Equal((3, 3, 0, 3), Counts(first));
        Assert.Equal([$"{Calm}/us-east-1", $"{Hub}/us-east-1", $"{Busy}/us-east-1"], ranFirst.Order(StringComparer.Ordinal));
        Assert.Equal((3, 2, 1, 2), Counts(second)); // the calm shard waits for its hour
        Assert.DoesNotContain($"{Calm}/us-east-1", ranSecond);
        var (schedule, problem) = FleetScheduleJson.Read(_bucket.Objects[FleetScheduleJson.Key], "schedule");
        Assert.Null(problem);
        Assert.Equal(Start.AddHours(1), schedule.Shards[$"{Calm}/us-east-1"].NextDue); // kept from run-1
        Assert.Equal(Start.AddMinutes(10), schedule.Shards[$"{Busy}/us-east-1"].NextDue); // run-2's result
    }

    [Fact]
    public async Task AnEditedRule_AWake_OrAll_RunTheShardsAtOnce()
    {
        var app = Fleet();
        await CycleAsync(app, "run-1");
        Backend.Clock.Advance(TimeSpan.FromMinutes(5));

        _wakes[$"{Calm}/us-east-1"] = ["ec2/L-1216C47A"];
        var (_, woken) = await CycleAsync(app, "run-2");
        Backend.Clock.Advance(TimeSpan.FromMinutes(5));
        var (forced, _) = await CycleAsync(app, "run-3", all: true);
        Backend.Clock.Advance(TimeSpan.FromMinutes(5));
        _rules = [Rule(60)];
        var (edited, _) = await CycleAsync(app, "run-4");

        Assert.Contains($"{Calm}/us-east-1", woken);
        Assert.Equal((3, 3, 0, 3), Counts(forced));
        Assert.Equal((3, 3, 0, 3), Counts(edited));
    }

    [Fact]
    public async Task NoShardDue_WritesAnEmptyShardList_AndTheSummaryKeepsTheSchedule()
    {
        var app = Fleet();
        _rules = [Rule(70) with { Attributes = new Dictionary<string, object?>(Rule(70).Attributes, StringComparer.Ordinal) { ["account_id"] = Calm } }];
        await CycleAsync(app, "run-1");
        Backend.Clock.Advance(TimeSpan.FromMinutes(5));

        var (plan, ran) = await CycleAsync(app, "run-2");

        Assert.Equal((1, 0, 1, 0), Counts(plan));
        Assert.Empty(ran);
        Assert.Equal("", _bucket.Objects[(string)plan["key"]!]);
        Assert.Equal(Start.AddHours(1), FleetScheduleJson.Read(_bucket.Objects[FleetScheduleJson.Key], "schedule").Schedule.Shards[$"{Calm}/us-east-1"].NextDue);
    }

    [Fact]
    public async Task ACorruptSchedule_RunsEveryShard_AndIsAuditedByName()
    {
        var app = Fleet();
        await CycleAsync(app, "run-1");
        _bucket.Objects[FleetScheduleJson.Key] = "{\"shards\":";
        Backend.Clock.Advance(TimeSpan.FromMinutes(5));

        var (plan, _) = await CycleAsync(app, "run-2");

        Assert.Equal((3, 3, 0, 3), Counts(plan));
        Assert.Contains(await Backend.Audit.QueryAsync(null, Core.Audit.AuditKind.Error, 20, CancellationToken.None),
            a => a.Action == "fleet_schedule" && a.Message.StartsWith("s3://fleet-bucket/fleet/schedule.json is not JSON", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NewShardsOverTheCap_WaitForTheNextPlan_TheReplyAndAuditSayHowMany()
    {
        var app = Fleet(newShardsPerCycle: 2);

        var (first, ranFirst) = await CycleAsync(app, "run-1");
        Backend.Clock.Advance(TimeSpan.FromMinutes(5));
        var (second, ranSecond) = await CycleAsync(app, "run-2");

        Assert.Equal((3, 2, 1, 2, 1), (Counts(first).Planned, Counts(first).Due, Counts(first).NotDue, Counts(first).Shards, (int)first["new_deferred"]!));
        Assert.Equal(0, (int)second["new_deferred"]!);
        Assert.Equal([$"{Calm}/us-east-1", $"{Hub}/us-east-1", $"{Busy}/us-east-1"], ranFirst.Concat(ranSecond).Distinct().Order(StringComparer.Ordinal));
        Assert.Contains(await Backend.Audit.QueryAsync(null, Core.Audit.AuditKind.Cycle, 20, CancellationToken.None),
            a => a.Action == "fleet_plan" && a.Message.StartsWith("fleet run run-1: 2 shard(s) due of 3 planned (1 not due; 1 new shard(s) deferred: at most 2 new a cycle) over", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_PlanWithAllNotABoolean_NamesTheField() =>
        Assert.Equal("fleet plan 'r1': all must be true or false", InvocationParser.Parse("""{"fleet":"plan","fleet_run_id":"r1","all":"yes"}""").Error);

    /// <summary>The calm account's shard next needs a cycle in an hour, every other one in 5 minutes.</summary>
    private sealed class AnsweringRunner(TimeProvider time) : IShardRunner
    {
        public Task<ShardResult> RunAsync(FleetShard shard, CancellationToken ct) => Task.FromResult(new ShardResult(shard.ShardId, shard.AccountId, shard.Region, ShardResult.Ok,
            shard.RuleIds.Count, 0, 0, null, NextDue: time.GetUtcNow() + (shard.AccountId == Calm && shard.Woken is null ? TimeSpan.FromHours(1) : TimeSpan.FromMinutes(5))));
    }

    internal sealed class FixedOrganization(Organization org) : IOrganization
    {
        public Task<Organization> ReadAsync(CancellationToken ct) => Task.FromResult(org);
    }

    private sealed class Rules(Func<List<RawRule>> rules) : IRuleStore
    {
        public Task<IReadOnlyList<RawRule>> LoadRulesAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<RawRule>>(rules());
    }

    private sealed class Wakes(Dictionary<string, IReadOnlyList<string>> pending) : IShardWakes
    {
        public Task WakeAsync(string accountId, string region, IReadOnlyList<string> quotaIds, CancellationToken ct) => Task.CompletedTask;

        public Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> TakeAsync(CancellationToken ct)
        {
            var taken = new Dictionary<string, IReadOnlyList<string>>(pending, StringComparer.Ordinal);
            pending.Clear();
            return Task.FromResult<IReadOnlyDictionary<string, IReadOnlyList<string>>>(taken);
        }
    }

    internal sealed class MemoryBucket : IShardStore
    {
        public Dictionary<string, string> Objects { get; } = new(StringComparer.Ordinal);

        public string Bucket => "fleet-bucket";

        public Task PutTextAsync(string key, string text, CancellationToken ct)
        {
            Objects[key] = text;
            return Task.CompletedTask;
        }

        public Task<string?> GetTextAsync(string bucket, string key, CancellationToken ct) => Task.FromResult(bucket == Bucket ? Objects.GetValueOrDefault(key) : null);
    }
}
