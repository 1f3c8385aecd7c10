using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Local.FleetSimulation;

namespace QuotaAutomation.Aws.Tests.Fleet;

/// <summary>
/// The call map simulate fleet prices (<see cref="AwsCallMap"/>) against the adapters themselves: a fleet shard's
/// steady-state cycle over N quotas on moto (its audit <c>ForShard</c>), each port call the engine makes turned into
/// the map's DynamoDB calls, and the DynamoDB calls the adapters really sent counted at the transport. The two must be
/// the same, operation by operation. Quotas and usage come from stand-ins, as in DynamoBatchingTests; or, for the
/// Service Quotas calls of a shard run that takes applied values from its utilization report, from the real
/// AwsQuotaSource and AwsUsageSource sharing one report a run, over <see cref="FakeServiceQuotas"/>'s report, listings
/// and GetServiceQuota at the HTTP transport (moto serves none of them but GetServiceQuota for vpc).
/// </summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class CallMapOnMotoTests(MotoServer moto)
{
    [Theory]
    [InlineData(10)]
    [InlineData(100)] // not 1,000: 74 s on moto for what DynamoBatchingTests' 1,000 and AwsCallMapTests' batch boundaries (150 decisions: two transactions) already show
    public async Task SteadyStateShardCycle_DynamoDbCalls_AreTheMapsOperationByOperation(int quotas)
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        var keys = await FullAutoRules.PutAsync(backend, quotas);
        var map = new AwsCallMap(rulesInTable: quotas, cycleRecordsInReconcileWindow: 2, _ => 1);
        var log = new ShardCallLog();
        var ports = backend.Ports with
        {
            Rules = CountingProxy.Wrap<IRuleStore>(backend.Rules, log, map),
            Policies = CountingProxy.Wrap<IPolicyStore>(backend.Policies, log, map),
            Quotas = new StandInQuotas(keys),
            Usage = new StandInUsage(),
            History = new CachedUsageHistory(CountingProxy.Wrap(backend.Ports.History, log, map)),
            Requests = CountingProxy.Wrap<IRequestStore>(backend.State, log, map),
            Approvals = CountingProxy.Wrap<IApprovalStore>(backend.State, log, map),
            Alerts = CountingProxy.Wrap<IAlertLog>(backend.State, log, map),
            Audit = CountingProxy.Wrap<IAuditLog>(backend.Audit.ForShard("123456789012", "us-east-1"), log, map),
            Plans = CountingProxy.Wrap<IStepPlanStore>(backend.Ports.Plans!, log, map), // the AWS backend always has one
        };
        var engine = new AutomationEngine(ports, new TrendForecaster(), world.Time, new EngineOptions());
        await engine.RunCycleAsync(CancellationToken.None); // a warm container's first cycle: whole windows
        world.Time.Advance(TimeSpan.FromMinutes(5));
        world.Quotas.Forwarded.Clear();
        log.Clear();

        await engine.RunCycleAsync(CancellationToken.None);

        var sent = world.Quotas.Forwarded.Where(c => c.Key.StartsWith("DynamoDB_", StringComparison.Ordinal))
            .OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key["DynamoDB_20120810.".Length..]}={c.Value}").ToList();
        var mapped = log.Calls().Where(c => c.Call.Service == AwsServices.DynamoDb).GroupBy(c => c.Call.Operation)
            .OrderBy(g => "DynamoDB_20120810." + g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}={g.Count()}").ToList();
        Assert.Contains($"BatchGetItem={(quotas + 99) / 100}", sent); // the heads: what is compared is the cycle's calls, not two empty lists
        Assert.Equal(sent, mapped);
    }

    [Theory]
    [InlineData(10)] // not 100: a report a run does not grow with quotas below 1,000, and 100 cold windows took minutes on the shared machine's moto
    public async Task SteadyStateShardCycle_WithTheRunsReport_ServiceQuotasCalls_AreTheMapsOperationByOperation(int quotas)
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        var keys = await FullAutoRules.PutAsync(backend, quotas);
        world.Quotas.ServeReports = true;
        world.Quotas.ReportPendingPolls = 0; // ready at the first poll (PollDelay after the start), as the map assumes (CountedUsageSource.ReportPolls)
        world.Quotas.Clock = world.Time;
        world.Quotas.MetricValue = _ => 4;
        foreach (var key in keys) world.Quotas.AddQuota(key.Region, key.ServiceCode, key.QuotaCode, 10, AwsWorld.VpcMetric);
        using var clients = new AwsClients(moto.Options(world.Quotas), new AwsBackendOptions());
        var map = new AwsCallMap(rulesInTable: quotas, cycleRecordsInReconcileWindow: 2, _ => 1, reportValues: true);
        var log = new ShardCallLog();

        async Task<Core.Engine.CycleReport> RunAsync() // one run: its own report, as AwsShardRunner builds them
        {
            var report = new QuotaUtilizationReports(clients, world.Time) { OncePerRun = true, PollDelay = TimeSpan.Zero };
            var ports = backend.Ports with
            {
                Quotas = CountingProxy.Wrap<IQuotaSource>(new AwsQuotaSource(clients, report, backend.QuotaDefinitions), log, map),
                Usage = new AwsUsageSource(clients, world.Time, report, backend.QuotaDefinitions),
            };
            return await new AutomationEngine(ports, new TrendForecaster(), world.Time, new EngineOptions()).RunCycleAsync(CancellationToken.None);
        }
        await RunAsync(); // a cold container's first run: every metric resolved once
        world.Time.Advance(TimeSpan.FromMinutes(5));
        world.Quotas.Seen.Clear();
        log.Clear();

        await RunAsync();

        var sent = world.Quotas.Seen.Where(c => c.Target.StartsWith("ServiceQuotasV20190624.", StringComparison.Ordinal)).GroupBy(c => c.Target["ServiceQuotasV20190624.".Length..])
            .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}={g.Count()}").ToList();
        var mapped = log.Calls().Where(c => c.Call.Service == AwsServices.ServiceQuotas).GroupBy(c => c.Call.Operation)
            .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}={g.Count()}").ToList();
        Assert.Equal(["GetQuotaUtilizationReport=1", "StartQuotaUtilizationReport=1"], sent); // no listing, no metric resolved again
        Assert.Equal(sent, mapped);
    }
}
