using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Tests.Fleet;

public sealed class RateSharesTests
{
    private static FleetShard Shard(string account, string region, int ofAccount) =>
        new("run-1", FleetShard.IdOf(account, region), account, region, ["r1"], 1.0 / ofAccount);

    [Fact]
    public void AmongDue_SplitsEachAccountsRateAmongItsDueShardsOnly()
    {
        var due = new[] { Shard("111111111111", "us-east-1", 17), Shard("111111111111", "eu-west-1", 17), Shard("222222222222", "us-east-1", 17) };

        var shared = RateShares.AmongDue(due);

        Assert.Equal([0.5, 0.5, 1], shared.Select(s => s.RateShare));
        Assert.Equal(due.Select(s => s with { RateShare = 0 }), shared.Select(s => s with { RateShare = 0 }));
    }

    [Fact]
    public void Select_GivesADueShardTheRateOfItsAccountsShardsThatAreNotDue()
    {
        var shards = new[] { Shard("111111111111", "us-east-1", 3), Shard("111111111111", "eu-west-1", 3), Shard("111111111111", "ap-south-1", 3) };
        var rules = new Dictionary<string, RawRule>(StringComparer.Ordinal) { ["r1"] = new("test", new Dictionary<string, object?> { ["rule_id"] = "r1" }) };
        var planned = FleetSchedule.Planned(shards, rules);
        var calmUntil = DateTimeOffset.UnixEpoch.AddHours(1);
        var schedule = FleetSchedule.Empty.After(planned, shards.Select((s, i) => new ShardResult(s.ShardId, s.AccountId, s.Region, ShardResult.Ok, 1, 0, 0, null,
            NextDue: i == 0 ? null : calmUntil))); // the first is due every cycle, the others in an hour

        var selected = ScheduledPlan.Select(new FleetPlan(shards, [], []), rules, schedule, new Dictionary<string, IReadOnlyList<string>>(), DateTimeOffset.UnixEpoch,
            TimeSpan.FromMinutes(5), all: false);

        Assert.Equal([(shards[0].ShardId, 1.0)], selected.Due.Shards.Select(s => (s.ShardId, s.RateShare)));
    }
}
