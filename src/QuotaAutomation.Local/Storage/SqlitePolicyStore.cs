using QuotaAutomation.Core.Governance;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Local.Storage;

/// <summary>Policies in SQLite, stored as typed as the rules are (<see cref="SqliteRuleStore"/>): the embedded twin of the DynamoDB policies table.</summary>
public sealed class SqlitePolicyStore(SqliteDatabase db, TimeProvider time) : IPolicyEditor
{
    public async Task<IReadOnlyList<RawPolicy>> LoadPoliciesAsync(CancellationToken ct) =>
        await db.QueryAsync("SELECT policy_id, item FROM policies ORDER BY policy_id",
            row => new RawPolicy($"policies row '{row.GetString(0)}'", AttributeJson.Deserialize(row.GetString(1))), ct);

    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>>> LoadByIdAsync(CancellationToken ct) =>
        (await db.QueryAsync("SELECT policy_id, item FROM policies ORDER BY policy_id", row => (Id: row.GetString(0), Item: AttributeJson.Deserialize(row.GetString(1))), ct))
            .ToDictionary(r => r.Id, r => (IReadOnlyDictionary<string, object?>)r.Item, StringComparer.Ordinal);

    public async Task ApplyAsync(IReadOnlyList<KeyValuePair<string, IReadOnlyDictionary<string, object?>>> puts, IReadOnlyList<string> deletes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(puts);
        ArgumentNullException.ThrowIfNull(deletes);
        await using var connection = await db.ConnectAsync(ct);
        await using var transaction = connection.BeginTransaction();
        foreach (var (policyId, item) in puts)
        {
            await using var command = SqliteDatabase.Command(connection,
                "INSERT INTO policies (policy_id, item, updated_at) VALUES ($id, $item, $at) ON CONFLICT(policy_id) DO UPDATE SET item = excluded.item, updated_at = excluded.updated_at",
                ("$id", policyId), ("$item", AttributeJson.Serialize(new Dictionary<string, object?>(item, StringComparer.Ordinal) { ["policy_id"] = policyId })),
                ("$at", SqliteDatabase.ToUnix(time.GetUtcNow())));
            command.Transaction = transaction;
            await command.ExecuteNonQueryAsync(ct);
        }
        foreach (var policyId in deletes)
        {
            await using var command = SqliteDatabase.Command(connection, "DELETE FROM policies WHERE policy_id = $id", ("$id", policyId));
            command.Transaction = transaction;
            await command.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
    }
}
