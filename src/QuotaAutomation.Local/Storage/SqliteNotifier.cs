using System.Globalization;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Local.Storage;

/// <summary>The embedded backend's SNS: notifications are kept in the database, where the CLI shows them.</summary>
public sealed class SqliteNotifier(SqliteDatabase db, TimeProvider time) : INotifier, IAlertLog
{
    public async Task<DateTimeOffset?> LastSentAsync(QuotaKey quota, Severity severity, CancellationToken ct) =>
        (await db.QueryAsync($"SELECT last_sent FROM alerts_sent WHERE {SqliteDatabase.KeyMatch} AND severity = $severity",
            row => SqliteDatabase.FromUnix(row.GetInt64(0)), ct, [.. SqliteDatabase.KeyParameters(quota), ("$severity", severity.ToString())]))
        .Cast<DateTimeOffset?>().SingleOrDefault();

    public async Task RecordSentAsync(QuotaKey quota, Severity severity, DateTimeOffset at, CancellationToken ct) =>
        await db.ExecuteAsync($"INSERT INTO alerts_sent ({SqliteDatabase.KeyColumns}, severity, last_sent) VALUES ($service, $quota, $region, $account, $severity, $at) " +
            "ON CONFLICT DO UPDATE SET last_sent = excluded.last_sent",
            ct, [.. SqliteDatabase.KeyParameters(quota), ("$severity", severity.ToString()), ("$at", SqliteDatabase.ToUnix(at))]);

    public async Task<IReadOnlyDictionary<QuotaKey, Severity>> ActiveAsync(CancellationToken ct) =>
        (await db.QueryAsync($"SELECT {SqliteDatabase.KeyColumns}, severity FROM alerts_sent", row => (Key: SqliteDatabase.ReadKey(row), Severity: Enum.Parse<Severity>(row.GetString(4))), ct))
        .GroupBy(r => r.Key).ToDictionary(g => g.Key, g => g.Max(r => r.Severity));

    public async Task ClearAsync(QuotaKey quota, CancellationToken ct) =>
        await db.ExecuteAsync($"DELETE FROM alerts_sent WHERE {SqliteDatabase.KeyMatch}", ct, SqliteDatabase.KeyParameters(quota));

    public async Task<string> PublishAsync(Notification notification, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var rows = await db.QueryAsync(
            "INSERT INTO notifications (ts, topic, subject, message, rule_id, quota, severity) VALUES ($ts, $topic, $subject, $message, $rule, $quota, $severity) RETURNING seq",
            row => row.GetInt64(0), ct,
            ("$ts", SqliteDatabase.ToUnix(time.GetUtcNow())), ("$topic", notification.Topic), ("$subject", notification.Subject), ("$message", notification.Message),
            ("$rule", notification.RuleId), ("$quota", notification.Quota?.ToString()), ("$severity", notification.Severity?.ToString()));
        return string.Create(CultureInfo.InvariantCulture, $"local-{rows[0]}");
    }

    public async Task<IReadOnlyList<(DateTimeOffset At, string Topic, string Subject, string Message)>> RecentAsync(int limit, CancellationToken ct) =>
        await db.QueryAsync("SELECT ts, topic, subject, message FROM notifications ORDER BY seq DESC LIMIT $limit",
            row => (SqliteDatabase.FromUnix(row.GetInt64(0)), row.GetString(1), row.GetString(2), row.GetString(3)), ct, ("$limit", limit));
}
