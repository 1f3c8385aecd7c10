using Amazon.DynamoDBv2.Model;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Local.FleetSimulation;

namespace QuotaAutomation.Aws.Tests.Fleet;

/// <summary>
/// What one fleet shard run calls and writes on DynamoDB (docs/fleet-run-cost.md): a calm shard's run through
/// <see cref="ShardCycle"/> on moto, as the Lambda composes it (shard usage rows behind a warm cache, the audit
/// <c>ForShard</c>), its DynamoDB calls counted at the transport and compared with the call map's, operation by
/// operation; and the adapters' cuts one by one. Quotas and usage come from stand-ins (40 %: every rule quiet).
/// </summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class ShardRunCostOnMotoTests(MotoServer moto)
{
    private const string Account = "123456789012";

    [Fact]
    public async Task AuditAppendMany_OneRecord_IsOneConditionalPutItemNotATransaction()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        var digest = new AuditRecord("run-1/00002", "run-1", AwsWorld.Now, AuditKind.Decision, "-", null, QuietDecisions.Action, "50 rules: no action");
        world.Quotas.Forwarded.Clear();

        await backend.Audit.AppendManyAsync([digest], CancellationToken.None);

        Assert.Equal("PutItem=1", ShardUsage.DynamoCalls(world)); // one write unit a copy, where a transaction bills the item twice
        await Assert.ThrowsAsync<ConditionalCheckFailedException>(() =>
            backend.Audit.AppendManyAsync([digest with { Message = "overwrite?" }], CancellationToken.None)); // still append-only
        var stored = await backend.Audit.ForRuleAsync("-", CancellationToken.None);
        Assert.Equal(["run-1/00002 50 rules: no action"], stored.Select(r => $"{r.Id} {r.Message}"));
    }

    [Fact]
    public async Task CalmShardRun_DynamoDbCalls_AreTheMapsOperationByOperation()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        var keys = await FullAutoRules.PutAsync(backend, 10);
        var map = new AwsCallMap(rulesInTable: keys.Count, cycleRecordsInReconcileWindow: 2, _ => 1, shardHistoryRows: true);
        var log = new ShardCallLog();
        var ports = Counted(backend, keys, log, map);
        var shard = new FleetShard("fleet-1", FleetShard.IdOf(Account, "us-east-1"), Account, "us-east-1", [.. keys.Select(k => k.QuotaCode)], 1);
        var cycle = new ShardCycle(ports, new TrendForecaster(), world.Time, new EngineOptions(), Account);
        Assert.Equal(ShardResult.Ok, (await cycle.RunAsync(shard, CancellationToken.None)).Status); // a warm container's first run: whole windows
        world.Time.Advance(TimeSpan.FromMinutes(5));
        world.Quotas.Forwarded.Clear();
        log.Clear();

        var result = await cycle.RunAsync(shard, CancellationToken.None);

        Assert.Equal(ShardResult.Ok, result.Status);
        var mapped = string.Join(" ", log.Calls().Where(c => c.Call.Service == AwsServices.DynamoDb).GroupBy(c => c.Call.Operation)
            .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}={g.Count()}"));
        Assert.Equal(ShardUsage.DynamoCalls(world), mapped);
        Assert.Equal("PutItem=4 Query=7 Scan=1", mapped); // cycle start, digest, cycle end, usage row; no transaction
    }

    /// <summary>The shard's DynamoDB ports behind the simulation's counting proxies, as CallMapOnMotoTests wraps them.</summary>
    private static EnginePorts Counted(AwsBackend backend, IReadOnlyList<Core.Quotas.QuotaKey> keys, ShardCallLog log, AwsCallMap map) => backend.Ports with
    {
        Rules = CountingProxy.Wrap<IRuleStore>(backend.Rules, log, map),
        Quotas = new StandInQuotas(keys),
        Usage = new StandInUsage(),
        History = new CachedUsageHistory(CountingProxy.Wrap<IUsageHistory>(backend.ShardHistory, log, map)),
        Requests = CountingProxy.Wrap<IRequestStore>(backend.State, log, map),
        Approvals = CountingProxy.Wrap<IApprovalStore>(backend.State, log, map),
        Alerts = CountingProxy.Wrap<IAlertLog>(backend.State, log, map),
        Audit = CountingProxy.Wrap<IAuditLog>(backend.Audit.ForShard(Account, "us-east-1"), log, map),
    };
}
