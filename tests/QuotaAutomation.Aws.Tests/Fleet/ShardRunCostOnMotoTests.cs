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
        // Puts: cycle start, digest, cycle end, usage row; no transaction. Queries: open requests, approvals, reconciliation,
        // usage window, active alerts, step plans; no denials (nothing wants an increase). The usage row's append asks for the
        // newest hourly row and, this shard having none yet, for 5-minute rows to compact (docs/fleet-window.md): 2 Queries more.
        // Scans: the rules and the policies tables.
        Assert.Equal("PutItem=4 Query=8 Scan=2", mapped);
    }

    [Fact]
    public async Task LambdaFleetRunner_ThreeShardsOfABatch_ScanTheRulesTableOnce()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        string[] regions = ["us-east-1", "eu-west-1", "us-west-2"];
        foreach (var region in regions) world.Quotas.AddQuota(region, "vpc", "L-F678F1CE", 5, AwsWorld.VpcMetric);
        world.Quotas.MetricValue = _ => 2;
        await backend.Rules.PutAsync(new Dictionary<string, object?>
        {
            ["rule_id"] = "every-vpc", ["service_code"] = "vpc", ["quota_code"] = "L-F678F1CE", ["automation_level"] = "monitor_only", ["account_id"] = "*", ["region"] = "*",
        }, CancellationToken.None);
        var fleet = Lambda.Handler.Fleet(backend, moto.Options(world.Quotas), backend.Ports, new TrendForecaster(), world.Time, new EngineOptions(),
            new Lambda.FleetOptions("qa-fleet", regions, 100, AlertRoutes.None), new NoOrganization())!;
        world.Quotas.Forwarded.Clear();

        var runner = fleet.Runner(Account, new Dictionary<string, string>());
        var results = new List<ShardResult>();
        foreach (var region in regions)
            results.Add(await runner.RunAsync(new FleetShard("fleet-1", FleetShard.IdOf(Account, region), Account, region, ["every-vpc"], 1), CancellationToken.None));

        Assert.All(results, r => Assert.Equal((ShardResult.Ok, 1), (r.Status, r.Rules)));
        Assert.Equal(2, ShardUsage.DynamoCalls(world, "Scan")); // the rules and the policies, once each for the batch (was 3 of the rules: one a shard)
        await fleet.Runner(Account, new Dictionary<string, string>()).RunAsync(new FleetShard("fleet-2", FleetShard.IdOf(Account, regions[0]), Account, regions[0], ["every-vpc"], 1), CancellationToken.None);
        Assert.Equal(4, ShardUsage.DynamoCalls(world, "Scan")); // the next batch reads both tables again: an edited rule or policy applies from the next cycle
    }

    private sealed class NoOrganization : IOrganization
    {
        public Task<Organization> ReadAsync(CancellationToken ct) => throw new InvalidOperationException("the runner does not read the organization");
    }

    /// <summary>The shard's DynamoDB ports behind the simulation's counting proxies, as CallMapOnMotoTests wraps them; its state lists its own (the hub's: no account), as AwsShardRunner's.</summary>
    private static EnginePorts Counted(AwsBackend backend, IReadOnlyList<Core.Quotas.QuotaKey> keys, ShardCallLog log, AwsCallMap map)
    {
        var state = backend.State.ForShard(null, "us-east-1");
        return backend.Ports with
        {
            Rules = CountingProxy.Wrap<IRuleStore>(backend.Rules, log, map),
            Policies = CountingProxy.Wrap<IPolicyStore>(backend.Policies, log, map),
            Quotas = new StandInQuotas(keys),
            Usage = new StandInUsage(),
            History = new CachedUsageHistory(CountingProxy.Wrap<IUsageHistory>(backend.ShardHistory, log, map)),
            Requests = CountingProxy.Wrap<IRequestStore>(state, log, map),
            Approvals = CountingProxy.Wrap<IApprovalStore>(state, log, map),
            Alerts = CountingProxy.Wrap<IAlertLog>(state, log, map),
            Audit = CountingProxy.Wrap<IAuditLog>(backend.Audit.ForShard(Account, "us-east-1"), log, map),
            Plans = CountingProxy.Wrap<IStepPlanStore>(backend.Ports.Plans!, log, map), // the AWS backend always has one
        };
    }
}
