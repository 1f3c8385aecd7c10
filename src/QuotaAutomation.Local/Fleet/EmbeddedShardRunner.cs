using System.Globalization;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Local.Simulation;

namespace QuotaAutomation.Local.Fleet;

/// <summary>
/// One fleet shard on the embedded backend: <see cref="ShardCycle"/> (one cycle of the unchanged engine over the
/// shard's rules) on the hub's one database, following only the shard's account and Region's requests, approvals and
/// step plans, and auditing under them. Per shard it makes a few small objects and nothing else: no file, no connection of its
/// own, no model load (the forecaster is shared). A shard of an account whose member role is missing fails as STS
/// AssumeRole fails on AWS, audited, before the engine touches anything; the other shards go on.
/// </summary>
public sealed class EmbeddedShardRunner(EmbeddedBackend backend, VirtualOrganization organization, IForecaster forecaster, EngineOptions options) : IShardRunner
{
    private readonly string _hub = organization.Organization.ManagementAccountId;

    public async Task<ShardResult> RunAsync(FleetShard shard, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(shard);
        var audit = backend.Audit.ForShard(shard.AccountId, shard.Region);
        if (!organization.HasMemberRole(shard.AccountId))
        {
            var denied = ShardResult.NotRun(shard, new MemberRoleMissingException(shard.AccountId, _hub).Message);
            await AuditFailureAsync(audit, shard, denied.Error!, ct); // NotRun always has its error
            return denied;
        }

        var result = await new ShardCycle(PortsFor(shard), forecaster, backend.Clock, options, _hub).RunAsync(shard, ct);
        if (result.Status == ShardResult.Failed && result.Actions == 0 && result.Error is { } error)
            await AuditFailureAsync(audit, shard, error, CancellationToken.None); // finished work is recorded even when cancelled
        return result;
    }

    /// <summary>
    /// The ports a shard's cycle runs on: the backend's, with the requests, approvals and step plans of the shard's
    /// account and Region only, and its audit filed under them.
    /// </summary>
    public EnginePorts PortsFor(FleetShard shard)
    {
        ArgumentNullException.ThrowIfNull(shard);
        // The hub's own quotas have no account id in the stores (as in a single-account cycle): "" is their account_id.
        var account = shard.AccountId == _hub ? "" : shard.AccountId;
        var requests = backend.Requests.ForShard(account, shard.Region);
        return backend.Ports with { Requests = requests, Approvals = requests, Audit = backend.Audit.ForShard(shard.AccountId, shard.Region), Plans = backend.Plans.ForShard(account, shard.Region) };
    }

    private async Task AuditFailureAsync(Storage.SqliteAuditLog audit, FleetShard shard, string message, CancellationToken ct)
    {
        var runId = string.Create(CultureInfo.InvariantCulture, $"{shard.FleetRunId}/{shard.ShardId}");
        await audit.AppendAsync(new AuditRecord($"{runId}/00001", runId, backend.Clock.GetUtcNow(), AuditKind.Error, "-", null, "shard_failed",
            Core.Common.Echo.Of(message), null, new Dictionary<string, string>(StringComparer.Ordinal) { ["fleet_run_id"] = shard.FleetRunId, ["shard_id"] = shard.ShardId }), ct);
    }
}
