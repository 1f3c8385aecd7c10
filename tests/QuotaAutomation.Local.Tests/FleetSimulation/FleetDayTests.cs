using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Local.FleetSimulation;

namespace QuotaAutomation.Local.Tests.FleetSimulation;

/// <summary>Every shard replays a sample's day at its own phase in the hour: the same runs, shifted, none lost.</summary>
public sealed class FleetDayTests
{
    private static readonly TimeSpan Every = TimeSpan.FromMinutes(5);

    private static FleetShard Shard(string account, string region) => new("run", FleetShard.IdOf(account, region), account, region, ["r1"], 1.0);

    private static ShardDay Day(FleetShard shard, params int[] cycles) => new(shard, 24,
        [.. cycles.Select(c => new ShardProfile(c, new ShardResult(shard.ShardId, shard.AccountId, shard.Region, ShardResult.Ok, 1, 0, 0, null), [], TimeSpan.Zero))]);

    [Fact]
    public void DueIn_ShiftsEachShardBy_ItsPhaseLessTheSamples_AroundTheDay()
    {
        var sample = Shard("100000000000", "us-east-1");
        var shards = Enumerable.Range(0, 40).Select(i => Shard($"1000000000{i:D2}", i % 2 == 0 ? "us-east-1" : "eu-west-1")).ToList();
        var day = new FleetDay(shards, [Day(sample, 0, 3, 15, 24)], [.. shards.Select(_ => 0)], VirtualFleet.Start, Every);

        var samplePhase = FleetDay.PhaseOf(null, "us-east-1", VirtualFleet.Start, Every);
        for (var i = 0; i < shards.Count; i++)
        {
            var shift = i == 0 ? 0 : ((FleetDay.PhaseOf(shards[i].AccountId, shards[i].Region, VirtualFleet.Start, Every) - samplePhase) % 12 + 12) % 12;
            var expected = new[] { 0 }.Concat(new[] { 3, 15, 24 }.Select(c => 1 + (c - 1 + shift) % 24)).Order();
            Assert.Equal(expected, Enumerable.Range(0, 25).Where(c => day.DueIn(c).Any(d => d.Shard == i)));
        }
        Assert.Equal(40 * 4, Enumerable.Range(0, 25).Sum(c => day.DueIn(c).Count));
        Assert.All(day.DueIn(0), d => Assert.Equal(0, day.Work[d.Work].Run.Cycle)); // the first cycle is every shard's first run
    }

    [Fact]
    public void Onboarding_EachShardsFirstRun_IsInTheCycleThatAdmitsIt_AtMostTheCapACycle_AndCycleZeroIsTheBusiest()
    {
        var sample = Shard("100000000000", "us-east-1");
        var shards = Enumerable.Range(0, 40).Select(i => Shard($"1000000000{i:D2}", i % 2 == 0 ? "us-east-1" : "eu-west-1")).ToList();
        var day = new FleetDay(shards, [Day(sample, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24)], [.. shards.Select(_ => 0)],
            VirtualFleet.Start, Every, newShardsPerCycle: 15);

        var firstRuns = Enumerable.Range(0, day.OnboardingCycles).Select(j => day.Onboarding(j).Where(d => day.Work[d.Work].Run.Cycle == 0).Select(d => d.Shard).ToList()).ToList();
        var admittedFirst = shards.Select((s, i) => (s, i)).OrderBy(x => FleetSchedule.AdmissionRank(x.s.ShardId)).Take(15).Select(x => x.i).Order();

        Assert.Equal(3, day.OnboardingCycles); // ⌈40 ÷ 15⌉
        Assert.Equal([15, 15, 10], firstRuns.Select(f => f.Count));
        Assert.Equal(40, firstRuns.SelectMany(f => f).Distinct().Count());
        Assert.Equal(admittedFirst, firstRuns[0]);
        Assert.Equal([15, 30, 40], Enumerable.Range(0, 3).Select(j => day.Onboarding(j).Count)); // the sample runs every cycle: the admitted run on
        Assert.Equal(2, day.BusiestOnboarding);
        Assert.Equal(day.Onboarding(2), day.DueIn(0));
    }

    [Fact]
    public void PhaseOf_IsTheCycleInTheHourThatAnHourlyReadIsDueIn()
    {
        var phase = FleetDay.PhaseOf("100000000001", "eu-west-1", VirtualFleet.Start, Every);

        Assert.InRange(phase, 0, 11);
        Assert.True(Local.FleetSimulation.ShardExecution.Cadence.IsDue(new Core.Quotas.QuotaKey("fleet", "phase", "eu-west-1", "100000000001"), TimeSpan.FromHours(1),
            VirtualFleet.Start + TimeSpan.FromHours(5) + phase * Every));
    }
}
