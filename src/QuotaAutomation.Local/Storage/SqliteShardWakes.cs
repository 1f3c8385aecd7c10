using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Local.Storage;

/// <summary>
/// Pending shard wakes on the embedded backend: one row per (shard, quota id) in <c>shard_wakes</c>, so two wakes of one
/// shard merge by the primary key. A take reads and deletes every row in one IMMEDIATE transaction: a wake written
/// concurrently lands wholly before it (taken now) or wholly after it (taken next time), never lost between.
/// </summary>
public sealed class SqliteShardWakes(SqliteDatabase db) : IShardWakes
{
    public async Task WakeAsync(string accountId, string region, IReadOnlyList<string> quotaIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(quotaIds);
        var shardId = FleetShard.IdOf(accountId, region);
        await using var connection = await db.ConnectAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        foreach (var id in quotaIds.Count > 0 ? quotaIds.Distinct(StringComparer.Ordinal) : [ShardWakeIds.WholeShard])
        {
            await using var insert = SqliteDatabase.Command(connection, "INSERT OR IGNORE INTO shard_wakes (shard_id, quota_id) VALUES ($shard, $quota)", ("$shard", shardId), ("$quota", id));
            insert.Transaction = transaction;
            await insert.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> TakeAsync(CancellationToken ct)
    {
        await using var connection = await db.ConnectAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: no wake slips in between read and delete
        var rows = new List<(string Shard, string Quota)>();
        await using (var read = SqliteDatabase.Command(connection, "SELECT shard_id, quota_id FROM shard_wakes"))
        {
            read.Transaction = transaction;
            await using var reader = await read.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) rows.Add((reader.GetString(0), reader.GetString(1)));
        }
        await using (var delete = SqliteDatabase.Command(connection, "DELETE FROM shard_wakes"))
        {
            delete.Transaction = transaction;
            await delete.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return rows.GroupBy(r => r.Shard, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => ShardWakeIds.Quotas(g.Select(r => r.Quota)), StringComparer.Ordinal);
    }
}
