using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Tests.Fleet;

/// <summary>
/// A Map batch's shards at once, proved without timing: the runner's shards wait on gates the test opens, so how many
/// run at once is what the test sees when it looks.
/// </summary>
public sealed class ShardBatchTests
{
    private static FleetShard Shard(int i, string account = "111111111111", double share = 1) =>
        new("run-1", FleetShard.IdOf(account, $"region-{i:D2}"), account, $"region-{i:D2}", ["r1"], share);

    private static List<FleetShard> Shards(int n) => [.. Enumerable.Range(0, n).Select(i => Shard(i, share: 1.0 / n))];

    private static ShardResult Ok(FleetShard shard) => new(shard.ShardId, shard.AccountId, shard.Region, ShardResult.Ok, 1, 0, 0, null);

    /// <summary>Each run waits until the test opens the gates; counts what runs at once and when <c>until</c> runs have started.</summary>
    private sealed class GatedRunner(int until) : IShardRunner
    {
        private readonly TaskCompletionSource _gates = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Lock _lock = new();
        private int _running;

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int StartedCount { get; private set; }

        public int MostAtOnce { get; private set; }

        public void Open() => _gates.SetResult();

        public async Task<ShardResult> RunAsync(FleetShard shard, CancellationToken ct)
        {
            lock (_lock)
            {
                StartedCount++;
                MostAtOnce = Math.Max(MostAtOnce, ++_running);
                if (StartedCount == until) Started.SetResult();
            }
            await _gates.Task.WaitAsync(ct);
            lock (_lock) _running--;
            return Ok(shard);
        }
    }

    [Theory]
    [InlineData(10, 25)]
    [InlineData(1, 3)]
    [InlineData(50, 50)]
    public async Task RunAsync_RunsTheSettingsShardsAtOnce_AndNoMore(int atOnce, int shards)
    {
        var runner = new GatedRunner(atOnce);
        var batch = new ShardBatch(runner, atOnce).RunAsync(Shards(shards), CancellationToken.None);

        await runner.Started.Task; // atOnce shards have started and every one of them is waiting
        var startedWhileAllWait = runner.StartedCount;
        runner.Open();
        var results = await batch;

        Assert.Equal(atOnce, startedWhileAllWait);
        Assert.Equal(atOnce, runner.MostAtOnce);
        Assert.Equal(Shards(shards).Select(s => s.ShardId), results.Select(r => r.ShardId)); // the batch's order
    }

    [Fact]
    public async Task RunAsync_AShardThatThrows_FailsAlone()
    {
        var shards = Shards(3);

        var results = await new ShardBatch(new ThrowingRunner(shards[1].ShardId), 10).RunAsync(shards, CancellationToken.None);

        Assert.Equal([ShardResult.Ok, ShardResult.Failed, ShardResult.Ok], results.Select(r => r.Status));
        Assert.Equal($"shard {shards[1].ShardId} failed: DynamoDB Query: ThrottlingException", results[1].Error);
    }

    [Fact]
    public async Task RunAsync_BudgetRunsOutWhileShardsRun_TheRunningAreNotFinished_TheRestNotReached()
    {
        using var budget = new CancellationTokenSource();
        var runner = new GatedRunner(2);
        var shards = Shards(4);
        var batch = new ShardBatch(runner, 2).RunAsync(shards, budget.Token);

        await runner.Started.Task;
        await budget.CancelAsync();
        var results = await batch;

        Assert.Equal(
            [$"shard {shards[0].ShardId} not finished: the time budget ran out", $"shard {shards[1].ShardId} not finished: the time budget ran out",
             $"shard {shards[2].ShardId} not reached: the time budget ran out", $"shard {shards[3].ShardId} not reached: the time budget ran out"],
            results.Select(r => r.Error));
        Assert.All(results, r => Assert.Equal(ShardResult.Failed, r.Status));
    }

    [Fact]
    public void WithinAccountRates_TheAccountsSharesOverOne_AreScaledToOne_OthersKept()
    {
        var batch = new[] { Shard(0, "111111111111", 1), Shard(1, "111111111111", 1), Shard(2, "222222222222", 0.5) };

        var paced = ShardBatch.WithinAccountRates(batch);

        Assert.Equal([0.5, 0.5, 0.5], paced.Select(s => s.RateShare));
    }

    [Fact]
    public void WithinAccountRates_ThePlansShares_AreKept()
    {
        var org = new Organization("o-1", "999999999999", [new OrgAccount("111111111111", "a", AccountState.Active, ["r-1"])]);
        var rule = RuleParser.Parse(new RawRule("test", new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["rule_id"] = "r1", ["service_code"] = "ec2", ["quota_code"] = "L-1216C47A", ["automation_level"] = "monitor_only", ["account_id"] = "*", ["region"] = "*",
        })).Value;
        var plan = FleetPlanner.Plan("run-1", [rule], org, new FleetSettings(["us-east-1", "eu-west-1", "ap-south-1"], "999999999999", "us-east-1"));

        var paced = ShardBatch.WithinAccountRates(plan.Shards);

        Assert.Same(plan.Shards, paced);
        Assert.Equal(3, paced.Count(s => s.AccountId == "111111111111"));
        Assert.True(paced.Where(s => s.AccountId == "111111111111").Sum(s => s.RateShare) <= 1 + 1e-9);
    }

    private sealed class ThrowingRunner(string failing) : IShardRunner
    {
        public Task<ShardResult> RunAsync(FleetShard shard, CancellationToken ct) =>
            shard.ShardId == failing ? throw new InvalidOperationException("DynamoDB Query: ThrottlingException") : Task.FromResult(Ok(shard));
    }
}
