using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Local.Storage;

/// <summary>Quota events in SQLite, once per event id; the embedded backend "publishes" a cycle's events here too.</summary>
public sealed class SqliteEventLog(SqliteDatabase db) : IEventLog, IEventPublisher
{
    public async Task PublishAsync(IReadOnlyList<QuotaEventRecord> events, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events) await TryAppendAsync(e, ct);
    }

    public async Task<IReadOnlyList<QuotaEventRecord>> RecentAsync(int limit, CancellationToken ct) =>
        await db.QueryAsync("SELECT event_id, event_type, source, ts, detail FROM events ORDER BY ts DESC, event_id DESC LIMIT $limit",
            row => new QuotaEventRecord(row.GetString(0), row.GetString(1), row.GetString(2), SqliteDatabase.FromUnix(row.GetInt64(3)), null, row.GetString(4)), ct, ("$limit", limit));

    public Task<bool> TryAppendAsync(QuotaEventRecord record, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(record);
        return db.TryInsertAsync("INSERT INTO events (event_id, event_type, source, ts, quota, detail) VALUES ($id, $type, $source, $ts, $quota, $detail)", ct,
            ("$id", record.EventId), ("$type", record.EventType), ("$source", record.Source), ("$ts", SqliteDatabase.ToUnix(record.Time)),
            ("$quota", record.Quota?.ToString()), ("$detail", record.DetailJson));
    }
}
