using System.Text.Json;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Local.Storage;

/// <summary>
/// AWS's 20 open requests per account, shared by the account's shards that run in parallel: one row per account with
/// its open request keys (a JSON list), read and written in one IMMEDIATE transaction, so two shards can never both
/// take the last slot. The hub's own account is the row "".
/// </summary>
public sealed class SqliteRequestBudget(SqliteDatabase db) : IAccountRequestBudget
{
    public async Task<bool> TryReserveAsync(QuotaKey quota, int limit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(quota);
        return await ChangeAsync(quota, keys => keys.Contains(quota.ToString()) || (keys.Count < limit && keys.Add(quota.ToString())), ct);
    }

    public async Task ReleaseAsync(QuotaKey quota, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(quota);
        await ChangeAsync(quota, keys => keys.Remove(quota.ToString()), ct);
    }

    /// <summary>The keys holding a slot of an account ("" for the hub's own), for status and tests.</summary>
    public async Task<IReadOnlyList<string>> OpenKeysAsync(string accountId, CancellationToken ct) =>
        (await db.QueryAsync("SELECT open_keys FROM request_budget WHERE account_id = $account", row => Read(row.GetString(0)), ct, ("$account", accountId)))
            .SingleOrDefault()?.Order(StringComparer.Ordinal).ToList() ?? [];

    /// <summary>Applies <paramref name="change"/> to the account's keys in one transaction; writes only when it says it changed or granted.</summary>
    private async Task<bool> ChangeAsync(QuotaKey quota, Func<SortedSet<string>, bool> change, CancellationToken ct)
    {
        await using var connection = await db.ConnectAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: the write lock before the read
        var account = quota.AccountId ?? "";
        SortedSet<string> keys;
        await using (var read = SqliteDatabase.Command(connection, "SELECT open_keys FROM request_budget WHERE account_id = $account", ("$account", account)))
        {
            read.Transaction = transaction;
            keys = await read.ExecuteScalarAsync(ct) is string json ? Read(json) : new SortedSet<string>(StringComparer.Ordinal);
        }
        var before = keys.Count;
        var result = change(keys);
        if (keys.Count != before)
        {
            await using var write = SqliteDatabase.Command(connection,
                "INSERT INTO request_budget (account_id, open_keys) VALUES ($account, $keys) ON CONFLICT (account_id) DO UPDATE SET open_keys = excluded.open_keys",
                ("$account", account), ("$keys", JsonSerializer.Serialize(keys)));
            write.Transaction = transaction;
            await write.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return result;
    }

    private static SortedSet<string> Read(string json) => new(JsonSerializer.Deserialize<string[]>(json) ?? [], StringComparer.Ordinal);
}
