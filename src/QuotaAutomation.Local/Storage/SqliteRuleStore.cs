using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Local.Storage;

/// <summary>Rules in SQLite, stored as typed so that a bad edit reaches the engine's parser, as a DynamoDB item would.</summary>
public sealed class SqliteRuleStore(SqliteDatabase db, TimeProvider time) : IRuleEditor
{
    public async Task<IReadOnlyList<RawRule>> LoadRulesAsync(CancellationToken ct) =>
        await db.QueryAsync("SELECT rule_id, item FROM rules ORDER BY rule_id",
            row => new RawRule($"rules row '{row.GetString(0)}'", AttributeJson.Deserialize(row.GetString(1))), ct);

    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>>> LoadByIdAsync(CancellationToken ct) =>
        (await db.QueryAsync("SELECT rule_id, item FROM rules ORDER BY rule_id", row => (Id: row.GetString(0), Item: AttributeJson.Deserialize(row.GetString(1))), ct))
            .ToDictionary(r => r.Id, r => (IReadOnlyDictionary<string, object?>)r.Item, StringComparer.Ordinal);

    /// <summary>Inserts or replaces rules by <c>rule_id</c> in one transaction.</summary>
    public Task UpsertAsync(IEnumerable<(string RuleId, IReadOnlyDictionary<string, object?> Item)> rules, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rules);
        return ApplyAsync(rules.Select(r => KeyValuePair.Create(r.RuleId, r.Item)).ToList(), [], ct);
    }

    public async Task ApplyAsync(IReadOnlyList<KeyValuePair<string, IReadOnlyDictionary<string, object?>>> puts, IReadOnlyList<string> deletes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(puts);
        ArgumentNullException.ThrowIfNull(deletes);
        await using var connection = await db.ConnectAsync(ct);
        await using var transaction = connection.BeginTransaction();
        foreach (var (ruleId, item) in puts)
        {
            await using var command = SqliteDatabase.Command(connection,
                "INSERT INTO rules (rule_id, item, updated_at) VALUES ($id, $item, $at) ON CONFLICT(rule_id) DO UPDATE SET item = excluded.item, updated_at = excluded.updated_at",
                ("$id", ruleId), ("$item", AttributeJson.Serialize(item)), ("$at", SqliteDatabase.ToUnix(time.GetUtcNow())));
            command.Transaction = transaction;
            await command.ExecuteNonQueryAsync(ct);
        }
        foreach (var ruleId in deletes)
        {
            await using var command = SqliteDatabase.Command(connection, "DELETE FROM rules WHERE rule_id = $id", ("$id", ruleId));
            command.Transaction = transaction;
            await command.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
    }

    public async Task SetEnabledAsync(IReadOnlyList<string> ruleIds, bool enabled, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ruleIds);
        await using var connection = await db.ConnectAsync(ct);
        await using var transaction = connection.BeginTransaction();
        foreach (var ruleId in ruleIds)
        {
            await using var command = SqliteDatabase.Command(connection,
                "UPDATE rules SET item = json_set(item, '$.enabled', json($enabled)), updated_at = $at WHERE rule_id = $id",
                ("$id", ruleId), ("$enabled", enabled ? "true" : "false"), ("$at", SqliteDatabase.ToUnix(time.GetUtcNow())));
            command.Transaction = transaction;
            await command.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
    }

    public async Task<int> CountAsync(CancellationToken ct) =>
        (await db.QueryAsync("SELECT COUNT(*) FROM rules", row => row.GetInt32(0), ct))[0];
}
