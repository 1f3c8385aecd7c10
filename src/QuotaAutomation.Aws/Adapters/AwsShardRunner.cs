using QuotaAutomation.Aws.Dynamo;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Adapters;

/// <summary>
/// One shard on AWS: the hub's tables (audit, state, usage: one central record keyed by account and Region; its
/// audit records reconciliation reads carry the shard's key, <see cref="DynamoAuditLog.ForShard"/>), and
/// Service Quotas, CloudWatch and Support in the shard's account under its member role (the hub's own account with
/// its own credentials), spaced to the shard's share of the account's API rate. Its state lists and step plans are its
/// own (<see cref="DynamoStateStore.ForShard"/>, <see cref="DynamoStepPlanStore.ForShard"/>). The account's open requests are
/// counted across its shards in the state table (<see cref="DynamoAccountRequestBudget"/>). A role that cannot be
/// assumed fails this shard only, naming the account and the role.
/// </summary>
/// <param name="accountRate">Requests per second one account's shards may make between them (<c>QA_FLEET_ACCOUNT_RATE</c>).</param>
/// <param name="alertTopics">The run's routed alert topics, account → topic.</param>
/// <param name="shardHistory">The shards' usage history: one row per shard and time (<see cref="AwsBackend.ShardHistory"/> when null); a
/// warm container passes the same <see cref="CachedUsageHistory"/> around it to every batch.</param>
/// <param name="tableUnits">The usage table's read (and write) units a second a cycle's shards split (<c>QA_FLEET_TABLE_UNITS</c>): a shard's
/// usage-table calls keep to this × its <see cref="FleetShard.TableShare"/> (<see cref="UsageTablePacing"/>).</param>
public sealed class AwsShardRunner(AwsBackend backend, EnginePorts basePorts, IForecaster forecaster, TimeProvider time, EngineOptions options,
    string hubAccountId, IReadOnlyDictionary<string, string> alertTopics, double accountRate, IUsageHistory? shardHistory = null,
    double tableUnits = TableShares.DefaultTableUnits) : IShardRunner
{
    private static readonly SocketsHttpHandler Sockets = new() { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };

    public async Task<ShardResult> RunAsync(FleetShard shard, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(shard);
        // API rates are real time, whatever clock the engine runs on.
        var transport = new AccountRateLimit(accountRate * shard.RateShare, TimeProvider.System, backend.ClientOptions.Transport ?? Sockets);
        using var clients = new AwsClients(backend.ClientOptions with { Transport = transport }, backend.Options);
        // The shard's account as its keys name it: null for the hub's own account (no role to assume).
        var memberAccount = string.Equals(shard.AccountId, hubAccountId, StringComparison.Ordinal) ? null : shard.AccountId;
        if (memberAccount is not null)
        {
            var role = clients.MemberRoleArn(shard.AccountId);
            try
            {
                await clients.CredentialsFor(new QuotaKey("sts", "AssumeRole", shard.Region, shard.AccountId)).GetCredentialsAsync();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var code = (e as Amazon.Runtime.AmazonServiceException)?.ErrorCode;
                return ShardResult.NotRun(shard, $"account {shard.AccountId}: role {role} cannot be assumed ({(code is null ? "" : code + ": ")}{e.Message}); "
                    + $"the member role must exist in the account and trust the hub account {hubAccountId}");
            }
        }
        // Its usage-table calls at its share of the table, in real time as the table's throughput is (the keys of the hub's own shard carry no account).
        using var paced = backend.UsagePacing.Pace(memberAccount, shard.Region,
            tableUnits * shard.TableShare);
        // One utilization report per run, shared: the quota source takes applied values from it, the usage source the
        // usage of the quotas whose detailed read is not due (report polls wait in real time, as the API rates).
        var report = new QuotaUtilizationReports(clients, TimeProvider.System) { OncePerRun = true };
        // Started now, read where the engine first reads quotas: AWS prepares it while the run writes its cycle start, follows
        // what is in flight and reads its rules and usage window (about 2 s of polling no longer in line; docs/fleet-waits.md).
        if (shard.RuleIds.Count > 0) report.Prefetch(new QuotaKey("-", "-", shard.Region, memberAccount), ct);
        var ports = WithShardState(basePorts, backend, memberAccount, shard.Region) with
        {
            Quotas = new AwsQuotaSource(clients, report, backend.QuotaDefinitions),
            Usage = new AwsUsageSource(clients, TimeProvider.System, report, backend.QuotaDefinitions),
            Coverage = new AwsUsageCoverage(clients, TimeProvider.System, report), // a */* wildcard reads the run's report: no call of its own
            History = shardHistory ?? backend.ShardHistory,
            Requester = new AwsQuotaRequester(clients),
            Notifier = new SnsNotifier(clients, backend.Options, account => alertTopics.GetValueOrDefault(account)),
            RequestBudget = new DynamoAccountRequestBudget(backend.Dynamo, backend.Options.StateTable),
            Audit = backend.Audit.ForShard(shard.AccountId, shard.Region), // reconciles only its own records (shard-ts-index)
        };
        return await new ShardCycle(ports, forecaster, time, options, hubAccountId).RunAsync(shard, ct);
    }

    /// <summary>
    /// A shard's view of the state table: its open requests, approvals, denials, alerts and step plans from its own
    /// partition of <c>shard-state-index</c>, not the fleet's.
    /// </summary>
    /// <param name="memberAccount">The shard's account as its keys name it: null for the hub's own.</param>
    internal static EnginePorts WithShardState(EnginePorts ports, AwsBackend backend, string? memberAccount, string region)
    {
        var state = backend.State.ForShard(memberAccount, region);
        return ports with
        {
            Requests = state,
            Approvals = ports.Approvals is StepFunctionsApprovals workflow ? workflow.Over(state) : state,
            Alerts = state,
            Plans = backend.Plans.ForShard(memberAccount, region),
        };
    }
}
