using System.Globalization;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Local.Storage;

/// <summary>The embedded backend's SNS: notifications are kept in the database, where the CLI shows them.</summary>
public sealed class SqliteNotifier(SqliteDatabase db, TimeProvider time) : INotifier
{
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
