using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using QuotaAutomation.Core.Cadence;
using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Tests.Fleet;

public sealed class FleetScheduleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Cycle = TimeSpan.FromMinutes(5);
    private static readonly Dictionary<string, IReadOnlyList<string>> NoWakes = new(StringComparer.Ordinal);

    private static FleetShard Shard(string account, string region = "us-east-1", params string[] rules) =>
        new("run-1", FleetShard.IdOf(account, region), account, region, rules.Length == 0 ? ["r1"] : rules, 1);

    private static RawRule Rule(string id, params (string Key, object? Value)[] changes)
    {
        var item = new Dictionary<string, object?>(StringComparer.Ordinal) { ["rule_id"] = id, ["service_code"] = "ec2", ["quota_code"] = "L-1216C47A", ["threshold_warning"] = 70.0 };
        foreach (var (key, value) in changes) item[key] = value;
        return new RawRule("test", item);
    }

    private static readonly Dictionary<string, RawRule> Rules = new(StringComparer.Ordinal) { ["r1"] = Rule("r1"), ["r2"] = Rule("r2") };

    private static List<string> DueIds(FleetSchedule schedule, IReadOnlyList<FleetShard> shards, IReadOnlyDictionary<string, RawRule>? rules = null,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? wakes = null, bool all = false) =>
        schedule.Due(shards, FleetSchedule.Planned(shards, rules ?? Rules), wakes ?? NoWakes, Now, Cycle, all).Select(s => s.ShardId).ToList();

    private static FleetSchedule Ran(IReadOnlyList<FleetShard> shards, Func<FleetShard, DateTimeOffset?> nextDue, IReadOnlyDictionary<string, RawRule>? rules = null) =>
        FleetSchedule.Empty.After(FleetSchedule.Planned(shards, rules ?? Rules),
            shards.Select(s => new ShardResult(s.ShardId, s.AccountId, s.Region, ShardResult.Ok, 1, 0, 0, null, NextDue: nextDue(s))));

    [Fact]
    public void WithNoSchedule_EveryShardIsDue()
    {
        var shards = new[] { Shard("111111111111"), Shard("222222222222") };

        Assert.Equal(["111111111111/us-east-1", "222222222222/us-east-1"], DueIds(FleetSchedule.Empty, shards));
    }

    [Fact]
    public void AShardDueLaterThanHalfACycle_Waits_OneDueWithinHalfACycle_OrUnknown_Runs()
    {
        var shards = new[] { Shard("111111111111"), Shard("222222222222"), Shard("333333333333"), Shard("444444444444") };
        var schedule = Ran(shards, s => s.AccountId switch
        {
            "111111111111" => Now.AddMinutes(3), // later than now + 2.5 minutes: next cycle
            "222222222222" => Now.AddMinutes(2.5),
            "333333333333" => null, // partial or failed last time
            _ => Now.AddMinutes(-10), // overdue
        });

        Assert.Equal(["222222222222/us-east-1", "333333333333/us-east-1", "444444444444/us-east-1"], DueIds(schedule, shards));
    }

    [Fact]
    public void AShardNotInTheSchedule_OrWhoseRulesChanged_IsDue_EvenWithANextDueAnHourAway()
    {
        var shards = new[] { Shard("111111111111"), Shard("222222222222"), Shard("333333333333", rules: ["r1"]) };
        var schedule = Ran(shards.Take(2).Append(Shard("333333333333", rules: ["r1"])).ToList(), _ => Now.AddHours(1));
        var edited = new Dictionary<string, RawRule>(Rules, StringComparer.Ordinal) { ["r1"] = Rule("r1", ("threshold_warning", 60.0)) };
        var added = shards.Append(Shard("444444444444")).ToList();

        Assert.Empty(DueIds(schedule, shards));
        Assert.Equal(["444444444444/us-east-1"], DueIds(schedule, added));
        Assert.Equal(["111111111111/us-east-1", "222222222222/us-east-1", "333333333333/us-east-1"], DueIds(schedule, shards, edited));
        Assert.Equal(["333333333333/us-east-1"], DueIds(schedule, [.. shards.Take(2), Shard("333333333333", rules: ["r1", "r2"])]));
    }

    [Fact]
    public void AWokenShard_IsDue_WithTheQuotasItsWakeNamed()
    {
        var shards = new[] { Shard("111111111111"), Shard("222222222222") };
        var schedule = Ran(shards, _ => Now.AddHours(1));
        var wakes = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            ["222222222222/us-east-1"] = ["lambda/L-B99A9384", "ec2/L-1216C47A"],
            ["999999999999/us-east-1"] = ["ec2/L-1216C47A"], // not planned: nothing to run
        };

        var due = schedule.Due(shards, FleetSchedule.Planned(shards, Rules), wakes, Now, Cycle);

        var woken = Assert.Single(due);
        Assert.Equal(shards[1].ShardId, woken.ShardId);
        Assert.Equal(["ec2/L-1216C47A", "lambda/L-B99A9384"], woken.Woken!); // set: the shard was woken
    }

    [Fact]
    public void All_RunsEveryPlannedShard()
    {
        var shards = new[] { Shard("111111111111"), Shard("222222222222") };

        Assert.Equal(2, DueIds(Ran(shards, _ => Now.AddHours(1)), shards, all: true).Count);
    }

    [Fact]
    public void After_KeepsShardsThatDidNotRun_ReplacesThoseThatRan_DropsThoseNoLongerPlanned()
    {
        var shards = new[] { Shard("111111111111"), Shard("222222222222"), Shard("333333333333") };
        var before = Ran(shards, _ => Now.AddMinutes(30));
        var planned = FleetSchedule.Planned([shards[0], shards[1], Shard("444444444444")], Rules);
        ShardResult[] results =
        [
            new(shards[1].ShardId, shards[1].AccountId, "us-east-1", ShardResult.Ok, 1, 0, 0, null, NextDue: Now.AddHours(1)),
            new("444444444444/us-east-1", "444444444444", "us-east-1", ShardResult.Partial, 1, 0, 1, "x"),
        ];

        var after = before.After(planned, results);

        Assert.Equal(
        [
            new ScheduledShard("111111111111/us-east-1", Now.AddMinutes(30), planned[0].Fingerprint),
            new ScheduledShard("222222222222/us-east-1", Now.AddHours(1), planned[1].Fingerprint),
            new ScheduledShard("444444444444/us-east-1", null, planned[2].Fingerprint),
        ], after.Shards.Values.OrderBy(s => s.ShardId, StringComparer.Ordinal));
    }

    [Fact]
    public void Fingerprint_IsStable_AndSeesEveryPartOfTheShard()
    {
        var shard = Shard("111111111111", rules: ["r1", "r2"]);
        var print = FleetSchedule.Fingerprint(shard, Rules);

        Assert.Equal(Pinned, print); // the same in every process: SHA-256, not string.GetHashCode
        Assert.Equal(print, FleetSchedule.Fingerprint(shard with { RuleIds = ["r2", "r1"], FleetRunId = "run-2" }, Rules));
        Assert.NotEqual(print, FleetSchedule.Fingerprint(shard with { RuleIds = ["r1"] }, Rules));
        Assert.NotEqual(print, FleetSchedule.Fingerprint(shard with { Parity = [new ParityLink("r1", "ec2", "L-1216C47A", "222222222222", "us-east-1", 1.2, 14)] }, Rules));
        Assert.NotEqual(print, FleetSchedule.Fingerprint(shard, new Dictionary<string, RawRule>(Rules, StringComparer.Ordinal) { ["r2"] = Rule("r2", ("threshold_warning", "70")) }));
        Assert.NotEqual(print, FleetSchedule.Fingerprint(shard, new Dictionary<string, RawRule>(Rules, StringComparer.Ordinal) { ["r2"] = Rule("r2", ("description", "raised")) }));
    }

    private const string Pinned = "ca42a6c4491b2c3572d5636d7410e9d7";

    /// <summary>
    /// Shards whose quotas' cadence changes at random each run (5, 15, 30 or 60 minutes, as <see cref="ReadCadence.Interval"/>
    /// gives), fleet cycles every 5 minutes with up to 20 s of start jitter: no shard waits longer than
    /// <see cref="ReadCadence.Calm"/> + one cycle between runs.
    /// </summary>
    [Property(MaxTest = 100, Replay = "(20261130,15)")]
    public bool NoShardIsLeftUnrun_LongerThanCalmPlusOneCycle(PositiveInt seed)
    {
        var random = new Random(seed.Get);
        var cadence = ReadCadence.Default;
        var intervals = new[] { 5, 15, 30, 60 }.Select(m => TimeSpan.FromMinutes(m)).ToArray();
        var shards = Enumerable.Range(0, 20).Select(i => Shard($"{100000000000 + random.Next(0, 1_000_000)}", i % 2 == 0 ? "us-east-1" : "eu-west-1"))
            .DistinctBy(s => s.ShardId).ToList();
        var planned = FleetSchedule.Planned(shards, Rules);
        var schedule = FleetSchedule.Empty;
        var lastRun = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var longest = TimeSpan.Zero;
        for (var i = 0; i < 24 * 12; i++)
        {
            var now = Now.AddMinutes(5 * i).AddSeconds(random.Next(0, 21));
            var due = schedule.Due(shards, planned, NoWakes, now, Cycle);
            var results = due.Select(s =>
            {
                if (lastRun.TryGetValue(s.ShardId, out var last) && now - last > longest) longest = now - last;
                lastRun[s.ShardId] = now;
                var key = new QuotaKey("ec2", "L-1216C47A", s.Region, s.AccountId);
                return new ShardResult(s.ShardId, s.AccountId, s.Region, ShardResult.Ok, 1, 0, 0, null,
                    NextDue: cadence.NextDue(key, intervals[random.Next(intervals.Length)], now));
            }).ToList();
            schedule = schedule.After(planned, results);
        }
        return longest <= cadence.Calm + cadence.Cycle && lastRun.Count == shards.Count;
    }

    [Fact]
    public void Due_NewShardsOverTheCap_WaitInAdmissionOrder_KnownShardsAsBefore_EvenWokenOrAll()
    {
        var known = new[] { Shard("900000000001"), Shard("900000000002") };
        var schedule = Ran(known, s => s.AccountId == "900000000001" ? Now.AddHours(1) : Now);
        var fresh = Enumerable.Range(0, 5).Select(i => Shard($"10000000000{i}")).ToList();
        var shards = known.Concat(fresh).ToList();
        var firstTwo = fresh.OrderBy(s => FleetSchedule.AdmissionRank(s.ShardId)).Take(2).Select(s => s.ShardId).ToHashSet(StringComparer.Ordinal);
        var wokenLate = fresh.First(s => !firstTwo.Contains(s.ShardId)).ShardId;
        var wakes = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal) { [wokenLate] = ["ec2/L-1216C47A"] };

        var due = schedule.Due(shards, FleetSchedule.Planned(shards, Rules), wakes, Now, Cycle, all: false, newShardsPerCycle: 2).Select(s => s.ShardId).ToList();
        var forced = schedule.Due(shards, FleetSchedule.Planned(shards, Rules), NoWakes, Now, Cycle, all: true, newShardsPerCycle: 2).Select(s => s.ShardId).ToList();

        Assert.Equal(["900000000002/us-east-1", .. fresh.Select(s => s.ShardId).Where(firstTwo.Contains)], due); // plan order
        Assert.Equal(["900000000001/us-east-1", .. due], forced);
        Assert.Equal(3, schedule.NewDeferred(shards, 2));
    }

    [Fact]
    public void AdmissionRank_IsFnv1aOfTheShardId_TheSameInEveryProcess() =>
        Assert.Equal((0xcbf29ce484222325UL, 0xaf63dc4c8601ec8cUL), (FleetSchedule.AdmissionRank(""), FleetSchedule.AdmissionRank("a")));

    /// <summary>
    /// An organization onboarding: new shards (some woken), known shards with their own next due, plans every cycle
    /// with the summary's merge between them. Every new shard is admitted within ⌈new ÷ cap⌉ plans, no plan admits more
    /// than the cap, and the known shards run exactly when they would with no cap.
    /// </summary>
    [Property(MaxTest = 100, Replay = "(20261130,17)")]
    public bool NewShards_AreAdmittedWithinCeilNewOverCapPlans_NeverMoreThanTheCap_KnownShardsUnaffected(PositiveInt seed)
    {
        var random = new Random(seed.Get);
        var cap = random.Next(1, 40);
        var known = Enumerable.Range(0, random.Next(0, 15)).Select(i => Shard($"{900000000000 + i}", i % 2 == 0 ? "us-east-1" : "eu-west-1")).ToList();
        var fresh = Enumerable.Range(0, random.Next(1, 200)).Select(i => Shard($"{100000000000 + random.Next(0, 1_000_000)}", i % 3 == 0 ? "us-east-1" : "eu-west-2"))
            .DistinctBy(s => s.ShardId).ToList();
        var shards = known.Concat(fresh).OrderBy(_ => random.Next()).ToList();
        var planned = FleetSchedule.Planned(shards, Rules);
        var schedule = Ran(known, _ => Now.AddMinutes(5 * random.Next(0, 4)));
        var admittedIn = new Dictionary<string, int>(StringComparer.Ordinal);
        var (atMostCap, knownAsUncapped) = (true, true);
        for (var plan = 0; plan < 60; plan++)
        {
            var now = Now.AddMinutes(5 * plan);
            var wakes = fresh.Where(_ => random.Next(10) == 0).ToDictionary(s => s.ShardId, _ => (IReadOnlyList<string>)["ec2/L-1216C47A"], StringComparer.Ordinal);
            var due = schedule.Due(shards, planned, wakes, now, Cycle, newShardsPerCycle: cap);
            var uncapped = schedule.Due(shards, planned, wakes, now, Cycle);
            var newlyAdmitted = due.Where(s => !schedule.Shards.ContainsKey(s.ShardId)).ToList();
            atMostCap &= newlyAdmitted.Count <= cap;
            knownAsUncapped &= due.Where(s => schedule.Shards.ContainsKey(s.ShardId)).Select(s => s.ShardId)
                .SequenceEqual(uncapped.Where(s => schedule.Shards.ContainsKey(s.ShardId)).Select(s => s.ShardId));
            foreach (var s in newlyAdmitted) admittedIn.TryAdd(s.ShardId, plan);
            schedule = schedule.After(planned, due.Select(s => new ShardResult(s.ShardId, s.AccountId, s.Region, ShardResult.Ok, 1, 0, 0, null,
                NextDue: now.AddMinutes(5 * random.Next(1, 13)))));
        }
        var plansNeeded = (fresh.Count + cap - 1) / cap;
        return atMostCap && knownAsUncapped && admittedIn.Count == fresh.Count && admittedIn.Values.All(p => p < plansNeeded);
    }
}
