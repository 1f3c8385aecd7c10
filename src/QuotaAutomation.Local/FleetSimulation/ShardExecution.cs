using System.Diagnostics;
using Microsoft.Data.Sqlite;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Local.Simulation;

namespace QuotaAutomation.Local.FleetSimulation;

/// <summary>
/// Runs one shard of the real plan, an (account, Region), through the fleet's shard code (<see cref="ShardCycle"/>:
/// the fleet's rules made concrete by <see cref="ScopedRuleStore"/>, then the unchanged engine) on an embedded backend
/// of its own (a SQLite file with the shard's simulated quotas and the fleet's rules): one cycle that fills the history (a quota's first cycle reads 14 days),
/// then, 5 minutes later, the steady-state cycle that is counted, with every port call turned into the AWS calls the
/// AWS adapters would make (<see cref="AwsCallMap"/>). The counted cycle's usage history is read through a fresh
/// <see cref="CachedUsageHistory"/> unless <paramref name="warmHistory"/>: a fleet's Lambda containers run other
/// shards between two cycles of one shard, so its window is not cached (warm: the same container ran it last cycle).
/// </summary>
public static class ShardExecution
{
    public static readonly TimeSpan CycleInterval = TimeSpan.FromMinutes(5);

    public static async Task<ShardProfile> RunAsync(VirtualFleet fleet, FleetShard shard, AwsCallMap map, bool warmHistory, string scratch, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        ArgumentNullException.ThrowIfNull(shard);
        ArgumentNullException.ThrowIfNull(map);
        var (accountId, region) = (shard.AccountId, shard.Region);
        var path = Path.Combine(scratch, $"{accountId}-{region}.db");
        try
        {
            var backend = await EmbeddedBackend.OpenAsync(path, new EmbeddedOptions
            {
                Simulation = new SimulationOptions { Seed = fleet.Seed },
                Start = VirtualFleet.Start,
                SampleRules = false,
            }, TimeProvider.System, ct); // the start is given: real time is not read
            // The shard's own backend is its account: its keys carry no account id, as the simulated account serves only its own rows.
            var hub = accountId;
            await backend.Account.EnsureQuotasAsync(fleet.QuotasOf(null, region), ct);
            await backend.Rules.UpsertAsync(fleet.Rules(), ct);
            var nonce = 0;
            var options = new EngineOptions { NewRunNonce = () => $"{++nonce:D8}", NewApprovalId = () => $"apr-{accountId}-{region}-{++nonce:D8}" };
            var forecaster = new TrendForecaster();

            var log = new ShardCallLog();
            var counted = Counted(backend.Ports, log, map);
            var cache = new CachedUsageHistory(counted.History);
            await new ShardCycle(counted with { History = cache }, forecaster, backend.Clock, options, hub).RunAsync(shard, ct);
            await backend.AdvanceAsync(CycleInterval, ct);
            log.Clear(); // the first cycle fills the history; only the steady-state cycle is counted

            var clock = Stopwatch.StartNew();
            var history = warmHistory ? cache : new CachedUsageHistory(counted.History);
            var result = await new ShardCycle(counted with { History = history }, forecaster, backend.Clock, options, hub).RunAsync(shard, ct);
            clock.Stop();
            return new ShardProfile(result, log.Calls(), clock.Elapsed);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in Directory.EnumerateFiles(scratch, $"{accountId}-{region}.db*")) File.Delete(file);
        }
    }

    private static EnginePorts Counted(EnginePorts ports, ShardCallLog log, AwsCallMap map) => new(
        CountingProxy.Wrap<Core.Ports.IRuleStore>(ports.Rules, log, map),
        CountingProxy.Wrap<Core.Ports.IQuotaSource>(ports.Quotas, log, map),
        CountingProxy.Wrap<Core.Ports.IUsageSource>(ports.Usage, log, map),
        CountingProxy.Wrap<Core.Ports.IUsageHistory>(ports.History, log, map),
        CountingProxy.Wrap<Core.Ports.IQuotaRequester>(ports.Requester, log, map),
        CountingProxy.Wrap<Core.Ports.IRequestStore>(ports.Requests, log, map),
        CountingProxy.Wrap<Core.Ports.IApprovalStore>(ports.Approvals, log, map),
        CountingProxy.Wrap<Core.Ports.INotifier>(ports.Notifier, log, map),
        CountingProxy.Wrap<Core.Ports.IAlertLog>(ports.Alerts, log, map),
        CountingProxy.Wrap<Core.Ports.IAuditLog>(ports.Audit, log, map),
        CountingProxy.Wrap<Core.Ports.IEventPublisher>(ports.Published, log, map));
}
