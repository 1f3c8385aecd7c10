using System.Text.Json;
using Microsoft.Data.Sqlite;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Local.Storage;

/// <summary>The audit trail: insert-only (a duplicate id fails; triggers forbid update and delete).</summary>
public sealed class SqliteAuditLog(SqliteDatabase db) : IAuditLog
{
    public async Task AppendAsync(AuditRecord record, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(record);
        await db.ExecuteAsync(
            "INSERT INTO audit (id, run_id, ts, kind, rule_id, quota, action, message, action_id, details) VALUES ($id, $run, $ts, $kind, $rule, $quota, $action, $message, $actionId, $details)",
            ct, ("$id", record.Id), ("$run", record.RunId), ("$ts", SqliteDatabase.ToUnix(record.Timestamp)), ("$kind", record.Kind.ToString()),
            ("$rule", record.RuleId), ("$quota", record.Quota?.ToString()), ("$action", record.Action), ("$message", record.Message),
            ("$actionId", record.ActionId), ("$details", record.Details is null ? null : JsonSerializer.Serialize(record.Details)));
    }

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

    private static AuditEntry Read(SqliteDataReader row) => new(
        row.GetInt64(0), row.GetString(1), row.GetString(2), SqliteDatabase.FromUnix(row.GetInt64(3)), Enum.Parse<AuditKind>(row.GetString(4)),
        row.GetString(5), SqliteDatabase.NullableString(row, 6), row.GetString(7), row.GetString(8), SqliteDatabase.NullableString(row, 9));
}

/// <summary>An audit record as stored, with its insertion order.</summary>
public sealed record AuditEntry(long Sequence, string Id, string RunId, DateTimeOffset Timestamp, AuditKind Kind, string RuleId,
    string? Quota, string Action, string Message, string? ActionId);
