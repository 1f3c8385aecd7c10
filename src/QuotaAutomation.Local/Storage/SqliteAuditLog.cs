using System.Text.Json;
using Microsoft.Data.Sqlite;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Local.Storage;

/// <summary>
/// The audit trail: insert-only (a duplicate id fails; triggers forbid update and delete). Each record is filed under
/// its account and Region: a fleet shard's (<see cref="ForShard"/>) all under the shard's, others under their quota's
/// ("" for the hub's own account).
/// </summary>
public sealed class SqliteAuditLog(SqliteDatabase db, string? shardAccountId = null, string? shardRegion = null) : IAuditLog
{
    private const string Insert = "INTO audit (id, run_id, ts, kind, rule_id, quota, action, message, action_id, details, account_id, region) " +
        "VALUES ($id, $run, $ts, $kind, $rule, $quota, $action, $message, $actionId, $details, $account, $region)";

    /// <summary>
    /// The trail as one fleet shard writes and reconciles it: every record under the shard's account and Region (its
    /// cycle records too), and only the shard's own unfinished records to close, read through the (account, Region,
    /// time) index rather than across the whole fleet's trail.
    /// </summary>
    public SqliteAuditLog ForShard(string accountId, string region) => new(db, accountId, region);

    public async Task AppendAsync(AuditRecord record, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(record);
        await db.ExecuteAsync("INSERT " + Insert, ct, Parameters(record));
    }

    /// <summary>One transaction for the whole batch: 10,000 decisions cost one commit (one fsync), not 10,000. A duplicate id rolls it all back.</summary>
    public async Task AppendManyAsync(IReadOnlyList<AuditRecord> records, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0) return;
        await using var connection = await db.ConnectAsync(ct);
        await using var transaction = connection.BeginTransaction();
        await using var command = SqliteDatabase.Command(connection, "INSERT " + Insert, Parameters(records[0]));
        command.Transaction = transaction;
        foreach (var record in records)
        {
            ArgumentNullException.ThrowIfNull(record);
            foreach (var (name, value) in Parameters(record)) command.Parameters[name].Value = value ?? DBNull.Value;
            await command.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
    }

    public async Task<bool> TryAppendAsync(AuditRecord record, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(record);
        // OR IGNORE skips only the insert whose id exists (a concurrent cycle reconciled the same record first); the
        // triggers that forbid update and delete are untouched.
        return await db.ExecuteAsync("INSERT OR IGNORE " + Insert, ct, Parameters(record)) == 1;
    }

    public async Task<IReadOnlyList<AuditRecord>> ListUnfinishedAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken ct) =>
        await db.QueryAsync(
            "SELECT id, run_id, ts, kind, rule_id, quota, action, message, action_id, details FROM audit s " +
            "WHERE s.ts >= $since AND s.ts <= $until " + (shardAccountId is null ? "" : "AND s.account_id = $account AND s.region = $region ") + "AND (" +
            "  (s.kind = 'Intent' AND NOT EXISTS (SELECT 1 FROM audit o WHERE o.action_id = s.id AND o.kind = 'Outcome')) OR " +
            "  (s.kind = 'Cycle' AND s.action = 'cycle_start' AND NOT EXISTS (SELECT 1 FROM audit e WHERE e.run_id = s.run_id AND e.kind = 'Cycle' AND e.action = 'cycle_end'))) " +
            "ORDER BY s.seq",
            row => new AuditRecord(row.GetString(0), row.GetString(1), SqliteDatabase.FromUnix(row.GetInt64(2)), Enum.Parse<AuditKind>(row.GetString(3)),
                row.GetString(4), QuotaKey.TryParse(SqliteDatabase.NullableString(row, 5)), row.GetString(6), row.GetString(7), SqliteDatabase.NullableString(row, 8),
                SqliteDatabase.NullableString(row, 9) is { } details ? JsonSerializer.Deserialize<Dictionary<string, string>>(details) : null),
            ct, ("$since", SqliteDatabase.ToUnix(since)), ("$until", SqliteDatabase.ToUnix(until)), ("$account", shardAccountId), ("$region", shardRegion));

    private (string, object?)[] Parameters(AuditRecord record) =>
    [
        ("$account", shardAccountId ?? (record.Quota is { } q ? q.AccountId ?? "" : null)), ("$region", shardRegion ?? record.Quota?.Region),
        ("$id", record.Id), ("$run", record.RunId), ("$ts", SqliteDatabase.ToUnix(record.Timestamp)), ("$kind", record.Kind.ToString()),
        ("$rule", record.RuleId), ("$quota", record.Quota?.ToString()), ("$action", record.Action), ("$message", record.Message),
        ("$actionId", record.ActionId), ("$details", record.Details is null ? null : JsonSerializer.Serialize(record.Details)),
    ];

    /// <summary>The newest records (filtered by rule or kind), returned oldest first.</summary>
    public async Task<IReadOnlyList<AuditEntry>> QueryAsync(string? ruleId, AuditKind? kind, int limit, CancellationToken ct)
    {
        var rows = await db.QueryAsync(
            "SELECT seq, id, run_id, ts, kind, rule_id, quota, action, message, action_id FROM audit " +
            "WHERE ($rule IS NULL OR rule_id = $rule) AND ($kind IS NULL OR kind = $kind) ORDER BY seq DESC LIMIT $limit",
            Read, ct, ("$rule", ruleId), ("$kind", kind?.ToString()), ("$limit", limit));
        rows.Reverse();
        return rows;
    }

    /// <summary>The newest <paramref name="limit"/> records the filter selects, returned oldest first.</summary>
    public async Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditFilter filter, int limit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(filter);
        // The kinds travel as one ",A,B," parameter, so the statement stays constant (no SQL built from input).
        var kinds = filter.Kinds is { } k ? "," + string.Join(",", k) + "," : null;
        // A rule's quiet decisions live in its cycle's digest records (QuietDecisions): a rule filter finds those too,
        // and each shows as the rule's own decision.
        var rows = await db.QueryAsync(
            "SELECT seq, id, run_id, ts, kind, rule_id, quota, action, message, action_id, details FROM audit " +
            "WHERE ($rule IS NULL OR rule_id = $rule OR (kind = 'Decision' AND action = $digest AND details IS NOT NULL " +
            "  AND EXISTS (SELECT 1 FROM json_each(audit.details) WHERE json_each.key = $ruleKey))) " +
            "AND ($kinds IS NULL OR instr($kinds, ',' || kind || ',') > 0) " +
            "AND ($since IS NULL OR ts >= $since) AND ($until IS NULL OR ts < $until) " +
            "AND ($accounts IS NULL OR instr($accounts, ',' || account_id || ',') > 0) AND ($region IS NULL OR region = $region) ORDER BY seq DESC LIMIT $limit",
            row => ReadFor(row, filter.RuleId), ct, ("$rule", filter.RuleId), ("$digest", QuietDecisions.Action),
            ("$ruleKey", filter.RuleId is { } rule ? QuietDecisions.KeyOf(rule) : null),
            ("$kinds", kinds), ("$accounts", filter.Accounts is { } a ? "," + string.Join(",", a) + "," : null), ("$region", filter.Region),
            ("$since", filter.Since is { } since ? SqliteDatabase.ToUnix(since) : null),
            ("$until", filter.Until is { } until ? SqliteDatabase.ToUnix(until) : null), ("$limit", limit));
        rows.Reverse();
        return rows;
    }

    /// <summary>Every record the filter selects as the engine's records, oldest first (the report reads the period's this way, as DynamoDB's through its index).</summary>
    public async Task<IReadOnlyList<AuditRecord>> RecordsAsync(AuditFilter filter, CancellationToken ct) =>
        (await QueryAsync(filter, int.MaxValue, ct))
            .Select(e => new AuditRecord(e.Id, e.RunId, e.Timestamp, e.Kind, e.RuleId, QuotaKey.TryParse(e.Quota), e.Action, e.Message, e.ActionId, e.Details)).ToList();

    /// <summary>A row as read; a digest found by a rule filter as that rule's decision in it.</summary>
    private static AuditEntry ReadFor(SqliteDataReader row, string? ruleId)
    {
        var entry = Read(row);
        if (ruleId is null || entry.RuleId == ruleId || SqliteDatabase.NullableString(row, 10) is not { } details) return entry;
        var record = new AuditRecord(entry.Id, entry.RunId, entry.Timestamp, entry.Kind, entry.RuleId, null, entry.Action, entry.Message, null,
            JsonSerializer.Deserialize<Dictionary<string, string>>(details));
        return QuietDecisions.For(record, ruleId) is { } decision
            ? entry with { Id = decision.Id, RuleId = decision.RuleId, Quota = decision.Quota?.ToString(), Action = decision.Action, Message = decision.Message }
            : entry;
    }

    private static AuditEntry Read(SqliteDataReader row) => new(
        row.GetInt64(0), row.GetString(1), row.GetString(2), SqliteDatabase.FromUnix(row.GetInt64(3)), Enum.Parse<AuditKind>(row.GetString(4)),
        row.GetString(5), SqliteDatabase.NullableString(row, 6), row.GetString(7), row.GetString(8), SqliteDatabase.NullableString(row, 9))
    {
        Details = row.FieldCount > 10 && SqliteDatabase.NullableString(row, 10) is { } details ? JsonSerializer.Deserialize<Dictionary<string, string>>(details) : null,
    };
}

/// <summary>An audit record as stored, with its insertion order.</summary>
public sealed record AuditEntry(long Sequence, string Id, string RunId, DateTimeOffset Timestamp, AuditKind Kind, string RuleId,
    string? Quota, string Action, string Message, string? ActionId)
{
    /// <summary>The record's structured details, when it has them and the query read them.</summary>
    public IReadOnlyDictionary<string, string>? Details { get; init; }
}
