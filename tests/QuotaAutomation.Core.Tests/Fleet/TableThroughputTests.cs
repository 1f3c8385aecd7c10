using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Tests.Fleet;

public sealed class TableThroughputTests
{
    private static TimeSpan At(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void Take_AFullBucket_SendsAtOnce_ThenAnOwingOne_WaitsForItsDebtToRefill()
    {
        var bucket = new TableThroughputBucket(10); // 10 units a second, one second's worth to start

        var first = bucket.Take(At(0), 50); // a BatchWriteItem larger than the bucket still goes: the bucket owes 40
        var second = bucket.Take(At(0), 50); // waits 4 s for the debt, then owes 90
        var third = bucket.Take(At(4), 50); // 4 s later the bucket owes 50: 5 s more

        Assert.Equal(TimeSpan.Zero, first);
        Assert.Equal(At(4), second);
        Assert.Equal(At(5), third);
    }

    [Fact]
    public void Take_AnIdleBucket_RefillsToOneSecondsWorth_NotMore()
    {
        var bucket = new TableThroughputBucket(10);
        bucket.Take(At(0), 10);

        var afterAnHour = bucket.Take(At(3600), 20); // refilled to 10, not 36,000: it owes 10 now
        var next = bucket.Take(At(3600), 1);

        Assert.Equal(TimeSpan.Zero, afterAnHour);
        Assert.Equal(At(1), next);
    }

    [Fact]
    public void Debit_AReadsUnitsKnownAfterIt_MakeTheNextCallWait()
    {
        var bucket = new TableThroughputBucket(4);
        Assert.Equal(TimeSpan.Zero, bucket.Take(At(10), 0)); // a Query page waits only for debt
        bucket.Debit(At(10.01), 24); // its reply: 24 units, of a full bucket of 4: it owes 20

        Assert.Equal(At(5), bucket.Take(At(10.01), 0));
    }

    [Fact]
    public void TheBucket_RefusesANonPositiveRate()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new TableThroughputBucket(0));

        Assert.Equal("request units per second must be a number above 0 (Parameter 'unitsPerSecond')\nActual value was 0.", e.Message.Replace("\r", ""));
    }

    /// <summary>Over any run of calls, the units sent by time t never exceed one second's worth plus the rate × t, plus the last call.</summary>
    [Property(Arbitrary = [typeof(Calls)], MaxTest = 200)]
    public void Take_NeverSendsMoreThanTheRateAllows(double[] units)
    {
        var bucket = new TableThroughputBucket(5);
        var (now, sent, ok) = (0.0, 0.0, true);
        foreach (var u in units)
        {
            now += bucket.Take(At(now), u).TotalSeconds; // the caller waits, then sends
            ok &= sent <= 5 + 5 * now + 1e-6; // what was sent before this call fits the rate by the time this one goes
            sent += u;
        }
        Assert.True(ok);
    }

    [Fact]
    public void Assign_SplitsTheTableAmongTheCyclesShards_ANewShardWeighingTenKnownOnes()
    {
        var shards = new[] { Shard("111111111111"), Shard("222222222222"), Shard("333333333333") };

        var shared = TableShares.Assign(shards, s => s.AccountId == "333333333333");

        Assert.Equal([1 / 12.0, 1 / 12.0, 10 / 12.0], shared.Select(s => s.TableShare));
        Assert.Equal(shards.Select(s => s with { TableShare = 0 }), shared.Select(s => s with { TableShare = 0 }));
    }

    [Fact]
    public void Select_GivesTheDueShardsTheirTableShares_NewOnesWeighingMore()
    {
        var shards = new[] { Shard("111111111111"), Shard("222222222222"), Shard("333333333333") };
        var rules = new Dictionary<string, RawRule>(StringComparer.Ordinal) { ["r1"] = new("test", new Dictionary<string, object?> { ["rule_id"] = "r1" }) };
        var planned = FleetSchedule.Planned(shards, rules);
        var schedule = FleetSchedule.Empty.After(planned, shards.Take(2).Select(s => new ShardResult(s.ShardId, s.AccountId, s.Region, ShardResult.Ok, 1, 0, 0, null)));

        var selected = ScheduledPlan.Select(new FleetPlan(shards, [], []), rules, schedule, new Dictionary<string, IReadOnlyList<string>>(), DateTimeOffset.UnixEpoch,
            TimeSpan.FromMinutes(5), all: false);

        Assert.Equal([1 / 12.0, 1 / 12.0, 10 / 12.0], selected.Due.Shards.Select(s => s.TableShare));
    }

    [Fact]
    public void DynamoRetries_WaitAsTheSdksStandardPolicy_FullJitterFromOneSecondDoubling_AtMostTwentySeconds()
    {
        Assert.Equal([0.5, 1, 2, 4, 8, 10, 10, 10], Enumerable.Range(1, 8).Select(r => DynamoRetries.Backoff(r, 0.5).TotalSeconds));
        Assert.Equal(TimeSpan.Zero, DynamoRetries.Backoff(40, 0));
        Assert.Equal(TimeSpan.FromSeconds(91), DynamoRetries.MostWaited(DynamoRetries.DefaultMaxRetries)); // inside a shard's 240 s budget
    }

    private static FleetShard Shard(string account) => new("run-1", FleetShard.IdOf(account, "us-east-1"), account, "us-east-1", ["r1"], 1);

    public static class Calls
    {
        public static Arbitrary<double[]> Units() =>
            Gen.Choose(0, 200).Select(u => u / 2.0).ArrayOf().ToArbitrary();
    }
}
