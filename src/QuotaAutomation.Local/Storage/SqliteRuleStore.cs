using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Local.Storage;

/// <summary>Rules in SQLite, stored as typed so that a bad edit reaches the engine's parser, as a DynamoDB item would.</summary>
public sealed class SqliteRuleStore(SqliteDatabase db, TimeProvider time) : IRuleEditor
{
    private readonly SqliteItemTable _items = new(db, time, "rules", "rule_id");

    public async Task<IReadOnlyList<RawRule>> LoadRulesAsync(CancellationToken ct) =>
        (await _items.ReadAllAsync(ct)).Select(r => new RawRule($"rules row '{r.Id}'", r.Item)).ToList();

    public Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>>> LoadByIdAsync(CancellationToken ct) => _items.LoadByIdAsync(ct);

    /// <summary>Inserts or replaces rules by <c>rule_id</c> in one transaction.</summary>
    public Task UpsertAsync(IEnumerable<(string RuleId, IReadOnlyDictionary<string, object?> Item)> rules, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rules);
        return ApplyAsync(rules.Select(r => KeyValuePair.Create(r.RuleId, r.Item)).ToList(), [], ct);
    }

    public Task ApplyAsync(IReadOnlyList<KeyValuePair<string, IReadOnlyDictionary<string, object?>>> puts, IReadOnlyList<string> deletes, CancellationToken ct) =>
        _items.ApplyAsync(puts, deletes, ct);

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
