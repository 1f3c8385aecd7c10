using System.Diagnostics;
using Microsoft.Data.Sqlite;
using QuotaAutomation.Core.Cadence;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Local.Simulation;

namespace QuotaAutomation.Local.FleetSimulation;

/// <summary>
/// Runs one shard of the real plan, an (account, Region), through a day of the fleet's cycles with the fleet's shard
/// code (<see cref="ShardCycle"/>: the fleet's rules made concrete by <see cref="ScopedRuleStore"/>, then the unchanged
/// engine with the adaptive cadence on) on an embedded backend of its own (a SQLite file with the shard's simulated
/// quotas and the fleet's rules): the first cycle (every quota backfills 14 days), then one cycle every 5 minutes in
/// which the shard is due (<see cref="ShardDayLoop"/>). Every run's port calls become the AWS calls the AWS adapters
/// would make (<see cref="AwsCallMap"/>; usage reads as <see cref="CountedUsageSource"/> counts what the simulated
/// account's report and metrics served). A fleet's Lambda containers run other shards between two runs of one shard,
/// so every run is counted as reading its whole window (the map sees what the window read returned); the engine here
/// reads it through a <see cref="CachedUsageHistory"/> kept for the day, so the day takes seconds, not minutes.
/// </summary>
public static class ShardExecution
{
    public static readonly TimeSpan CycleInterval = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The cadence fleet shards run with: the embedded backend's (the CLI's <c>EngineOptions</c>: the simulated account's
    /// utilization report serves the quotas whose detailed read is not due).
    /// </summary>
    public static ReadCadence Cadence { get; } = ReadCadence.Default with { ReportCoversCalm = true }; // the simulated account's report serves the quotas whose detail is not due, as in the CLI and the Lambda

    /// <param name="steadyCycles">Cycles after the first: 12 an hour.</param>
    /// <param name="shardsPerBatch">
    /// Shards a fleet batch runs (ItemBatcher): the Lambda reads the rules once a batch (<see cref="BatchRuleStore"/>), so
    /// one run in this many counts the rules' Scan.
    /// </param>
    /// <param name="ranCycle">Called after each cycle of the day, run or skipped (for a progress bar).</param>
    public static async Task<ShardDay> RunDayAsync(VirtualFleet fleet, FleetShard shard, AwsCallMap map, int steadyCycles, int shardsPerBatch, string scratch, Action? ranCycle, CancellationToken ct)
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
                SimulatedResources = false, // the shard's account is the fleet's, drawn per account (MemberAccountQuotas)
            }, TimeProvider.System, ct); // the start is given: real time is not read
            // The shard's own backend is its account: its keys carry no account id, as the simulated account serves only its own rows.
            var hub = accountId;
            await backend.Account.EnsureQuotasAsync(fleet.QuotasOf(accountId, region), ct);
            await backend.Rules.UpsertAsync(fleet.Rules(), ct);
            var nonce = 0;
            var options = new EngineOptions
            {
                NewRunNonce = () => $"{++nonce:D8}",
                NewApprovalId = () => $"apr-{accountId}-{region}-{++nonce:D8}",
                Cadence = Cadence,
            };
            var forecaster = new TrendForecaster();

            var log = new ShardCallLog();
            var rules = new BatchRuleStore(CountingProxy.Wrap<Core.Ports.IRuleStore>(backend.Ports.Rules, log, map));
            var usage = new CountedUsageSource(backend.Ports.Usage, backend.Account, log, reportReadForValues: map.ReportValues);
            // The policies are read once a batch, as the rules are (Handler: BatchPolicyStore).
            var policies = new BatchPolicyStore(CountingProxy.Wrap<Core.Ports.IPolicyStore>(backend.Ports.Policies!, log, map)); // the embedded backend always has a store
            var counted = Counted(backend.Ports with { History = new CachedUsageHistory(backend.Ports.History) }, log, map) with { Rules = rules, Usage = usage, Policies = policies };
            var cycle = new ShardCycle(counted, forecaster, backend.Clock, options, hub);
            var (done, ran) = (0, 0);
            var runs = await ShardDayLoop.RunAsync(VirtualFleet.Start, CycleInterval, steadyCycles, async (index, c) =>
            {
                log.Clear();
                if (ran++ % Math.Max(1, shardsPerBatch) == 0) rules.Forget(); // a new batch: its first shard reads the rules
                var clock = Stopwatch.StartNew();
                var result = await cycle.RunAsync(shard, c);
                clock.Stop();
                for (; done <= index; done++) ranCycle?.Invoke();
                return new ShardProfile(index, result, map.ReportValues ? ReportInBackground.Hoist(log.Calls()) : log.Calls(), clock.Elapsed) { Reasons = usage.TakeReasons() };
            }, backend.AdvanceAsync, ct);
            for (; done <= steadyCycles; done++) ranCycle?.Invoke();
            return new ShardDay(shard, steadyCycles, runs);
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
        ports.Usage,
        CountingProxy.Wrap<Core.Ports.IUsageHistory>(ports.History, log, map.ForOneShard()), // the shard's own ledger of usage rows
        CountingProxy.Wrap<Core.Ports.IQuotaRequester>(ports.Requester, log, map),
        CountingProxy.Wrap<Core.Ports.IRequestStore>(ports.Requests, log, map),
        CountingProxy.Wrap<Core.Ports.IApprovalStore>(ports.Approvals, log, map),
        CountingProxy.Wrap<Core.Ports.INotifier>(ports.Notifier, log, map),
        CountingProxy.Wrap<Core.Ports.IAlertLog>(ports.Alerts, log, map),
        CountingProxy.Wrap<Core.Ports.IAuditLog>(ports.Audit, log, map),
        CountingProxy.Wrap<Core.Ports.IEventPublisher>(ports.Published, log, map))
    {
        Plans = ports.Plans is { } plans ? CountingProxy.Wrap<Core.Ports.IStepPlanStore>(plans, log, map) : null, // step plans' reads and writes are counted as the state table's
    };
}
