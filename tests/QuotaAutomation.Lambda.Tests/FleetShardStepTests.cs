using System.Globalization;
using System.Text.Json.Nodes;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Fleet;

namespace QuotaAutomation.Lambda.Tests;

/// <summary>
/// The shard step runs a Map batch's shards at once (<c>QA_FLEET_SHARDS_AT_ONCE</c>), as <c>simulate fleet</c> models
/// it, with each shard's result and audit record as before. The runner's shards wait on a gate the test opens, so how
/// many run at once is what the test sees when it looks, not a timing.
/// </summary>
public sealed class FleetShardStepTests : EmbeddedFunctionTests
{
    private const string Hub = "123456789012";
    private const string Account = "111111111111";
    private const string RunId = "fleet-20261130T120000Z";

    private static readonly string[] Regions = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1",
        "eu-north-1", "ap-south-1", "ap-northeast-1", "ap-southeast-2"];

    private LambdaApp Fleet(IShardRunner runner, int shardsAtOnce)
    {
        var org = new Organization("o-test", Hub, [new OrgAccount(Account, "a", AccountState.Active, ["r-1"])]);
        var fleet = new FleetServices(new FleetScheduleStepTests.FixedOrganization(org), new FleetScheduleStepTests.MemoryBucket(), (_, _) => runner,
            _ => Task.FromResult(Hub), null, "us-east-1", AlertRoutes.None) { ShardsAtOnce = shardsAtOnce };
        return new LambdaApp(new LambdaServices(Backend.Ports, Backend.Events, Backend.Requests.FindApprovalAsync, Backend.Clock,
            new Core.Engine.EngineOptions(), TimeSpan.FromMinutes(10), new LambdaLog(Logs, Backend.Clock, "quota-automation-test"), Fleet: fleet));
    }

    /// <summary>One batch of the account's shards in every Region listed, each with its plan share (1/12).</summary>
    private static string Batch() => new JsonObject
    {
        ["fleet"] = "shard",
        ["Items"] = new JsonArray([.. Regions.Select(r => (JsonNode)new JsonObject
        {
            ["fleet_run_id"] = RunId, ["shard_id"] = FleetShard.IdOf(Account, r), ["account_id"] = Account, ["region"] = r,
            ["rule_ids"] = new JsonArray("ec2-vcpu"), ["rate_share"] = Math.Round(1.0 / Regions.Length, 6),
        })]),
        ["BatchInput"] = new JsonObject { ["fleet_run_id"] = RunId },
    }.ToJsonString();

    [Fact]
    public async Task ShardStep_RunsTenOfTheBatchAtOnce_ThenTheRest_EachResultInOrderAndAudited()
    {
        var runner = new GatedRunner(10);
        var reply = Fleet(runner, 10).HandleAsync(Batch(), CancellationToken.None);

        // A guard against a hang only (one after another never starts a second shard): the assertion is on the count.
        await runner.Started.Task.WaitAsync(TimeSpan.FromMinutes(2));
        var startedWhileAllWait = runner.StartedCount;
        runner.Open();
        var results = (await reply)["results"]!.AsArray();

        Assert.Equal(10, startedWhileAllWait);
        Assert.Equal(10, runner.MostAtOnce);
        Assert.Equal(Regions.Select(r => FleetShard.IdOf(Account, r)), results.Select(r => (string?)r!["shard_id"]));
        Assert.All(results, r => Assert.Equal("ok", (string?)r!["status"]));
        var audited = await Backend.Audit.QueryAsync(null, AuditKind.Cycle, 50, CancellationToken.None);
        Assert.Equal(Regions.Length, audited.Count(a => a.Action == "fleet_shard"));
    }

    [Fact]
    public async Task ShardStep_AShardThatThrows_FailsAlone_AndIsAuditedAsAnError()
    {
        var failing = FleetShard.IdOf(Account, "eu-west-1");

        var results = (await Fleet(new ThrowingRunner(failing), 10).HandleAsync(Batch(), CancellationToken.None))["results"]!.AsArray();

        Assert.Equal(Regions.Length - 1, results.Count(r => (string?)r!["status"] == "ok"));
        Assert.Equal($"shard {failing} failed: GetMetricData: ThrottlingException: Rate exceeded",
            (string?)results.Single(r => (string?)r!["shard_id"] == failing)!["error"]);
        var errors = await Backend.Audit.QueryAsync(null, AuditKind.Error, 50, CancellationToken.None);
        Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"shard {failing} (account {Account}, eu-west-1): failed, 1 rule(s), 0 action(s), 1 error(s): shard {failing} failed: GetMetricData: ThrottlingException: Rate exceeded"),
            Assert.Single(errors, a => a.Action == "fleet_shard").Message);
    }

    [Fact]
    public async Task ShardStep_EachShardIsPacedAtItsPlanShare_SoTheAccountsShardsTogetherKeepToItsRate()
    {
        var runner = new GatedRunner(Regions.Length);
        var reply = Fleet(runner, ShardBatch.MaxShardsAtOnce).HandleAsync(Batch(), CancellationToken.None);

        await runner.Started.Task.WaitAsync(TimeSpan.FromMinutes(2)); // a guard against a hang only
        var sharesRunningTogether = runner.Shares.Sum();
        runner.Open();
        await reply;

        Assert.Equal(Regions.Length, runner.Shares.Count);
        Assert.InRange(sharesRunningTogether, 0.99, 1.0);
    }

    /// <summary>Each run waits until the test opens the gate; counts what runs at once and signals when <c>until</c> runs have started.</summary>
    private sealed class GatedRunner(int until) : IShardRunner
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Lock _lock = new();
        private int _running;

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int StartedCount { get; private set; }

        public int MostAtOnce { get; private set; }

        /// <summary>The rate share of each shard started (what its clients are paced at: the account's rate × share).</summary>
        public List<double> Shares { get; } = [];

        public void Open() => _gate.SetResult();

        public async Task<ShardResult> RunAsync(FleetShard shard, CancellationToken ct)
        {
            lock (_lock)
            {
                StartedCount++;
                Shares.Add(shard.RateShare);
                MostAtOnce = Math.Max(MostAtOnce, ++_running);
                if (StartedCount == until) Started.SetResult();
            }
            await _gate.Task.WaitAsync(ct);
            lock (_lock) _running--;
            return new ShardResult(shard.ShardId, shard.AccountId, shard.Region, ShardResult.Ok, 1, 0, 0, null);
        }
    }

    private sealed class ThrowingRunner(string failing) : IShardRunner
    {
        public async Task<ShardResult> RunAsync(FleetShard shard, CancellationToken ct)
        {
            await Task.Yield();
            return shard.ShardId == failing ? throw new InvalidOperationException("GetMetricData: ThrottlingException: Rate exceeded")
                : new ShardResult(shard.ShardId, shard.AccountId, shard.Region, ShardResult.Ok, 1, 0, 0, null);
        }
    }
}
