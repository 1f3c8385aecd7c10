namespace QuotaAutomation.Local.Storage;

/// <summary>
/// A table of hand-edited items in SQLite (rules, policies): each row its id, the item as typed (JSON, so a bad edit
/// reaches the engine's parser as a DynamoDB item would) and when it was written.
/// </summary>
internal sealed class SqliteItemTable(SqliteDatabase db, TimeProvider time, string table, string idColumn)
{
    /// <summary>Every row as (id, item), in id order.</summary>
    public async Task<List<(string Id, IReadOnlyDictionary<string, object?> Item)>> ReadAllAsync(CancellationToken ct) =>
        await db.QueryAsync($"SELECT {idColumn}, item FROM {table} ORDER BY {idColumn}", row => (row.GetString(0), (IReadOnlyDictionary<string, object?>)AttributeJson.Deserialize(row.GetString(1))), ct);

    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>>> LoadByIdAsync(CancellationToken ct) =>
        (await ReadAllAsync(ct)).ToDictionary(r => r.Id, r => r.Item, StringComparer.Ordinal);

    /// <summary>Inserts or replaces the items by id and deletes the ids, in one transaction.</summary>
    public async Task ApplyAsync(IReadOnlyList<KeyValuePair<string, IReadOnlyDictionary<string, object?>>> puts, IReadOnlyList<string> deletes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(puts);
        ArgumentNullException.ThrowIfNull(deletes);
        await using var connection = await db.ConnectAsync(ct);
        await using var transaction = connection.BeginTransaction();
        foreach (var (id, item) in puts)
        {
            await using var command = SqliteDatabase.Command(connection,
                $"INSERT INTO {table} ({idColumn}, item, updated_at) VALUES ($id, $item, $at) ON CONFLICT({idColumn}) DO UPDATE SET item = excluded.item, updated_at = excluded.updated_at",
                ("$id", id), ("$item", AttributeJson.Serialize(item)), ("$at", SqliteDatabase.ToUnix(time.GetUtcNow())));
            command.Transaction = transaction;
            await command.ExecuteNonQueryAsync(ct);
        }
        foreach (var id in deletes)
        {
            await using var command = SqliteDatabase.Command(connection, $"DELETE FROM {table} WHERE {idColumn} = $id", ("$id", id));
            command.Transaction = transaction;
            await command.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
    }
}
