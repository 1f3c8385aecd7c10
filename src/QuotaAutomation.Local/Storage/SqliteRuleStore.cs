using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Local.Storage;

/// <summary>Rules in SQLite, stored as typed so that a bad edit reaches the engine's parser, as a DynamoDB item would.</summary>
public sealed class SqliteRuleStore(SqliteDatabase db, TimeProvider time) : IRuleStore
{
    public async Task<IReadOnlyList<RawRule>> LoadRulesAsync(CancellationToken ct) =>
        await db.QueryAsync("SELECT rule_id, item FROM rules ORDER BY rule_id",
            row => new RawRule($"rules row '{row.GetString(0)}'", AttributeJson.Deserialize(row.GetString(1))), ct);

    /// <summary>Inserts or replaces rules by <c>rule_id</c> in one transaction.</summary>
    public async Task UpsertAsync(IEnumerable<(string RuleId, IReadOnlyDictionary<string, object?> Item)> rules, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rules);
        await using var connection = await db.ConnectAsync(ct);
        await using var transaction = connection.BeginTransaction();
        foreach (var (ruleId, item) in rules)
        {
            await using var command = SqliteDatabase.Command(connection,
                "INSERT INTO rules (rule_id, item, updated_at) VALUES ($id, $item, $at) ON CONFLICT(rule_id) DO UPDATE SET item = excluded.item, updated_at = excluded.updated_at",
                ("$id", ruleId), ("$item", AttributeJson.Serialize(item)), ("$at", SqliteDatabase.ToUnix(time.GetUtcNow())));
            command.Transaction = transaction;
            await command.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
    }

    public async Task<int> CountAsync(CancellationToken ct) =>
        (await db.QueryAsync("SELECT COUNT(*) FROM rules", row => row.GetInt32(0), ct))[0];
}
