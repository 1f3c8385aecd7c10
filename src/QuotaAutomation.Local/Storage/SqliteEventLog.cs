using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Local.Storage;

/// <summary>Quota events in SQLite, once per event id.</summary>
public sealed class SqliteEventLog(SqliteDatabase db) : IEventLog
{
    public Task<bool> TryAppendAsync(QuotaEventRecord record, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(record);
        return db.TryInsertAsync("INSERT INTO events (event_id, event_type, source, ts, quota, detail) VALUES ($id, $type, $source, $ts, $quota, $detail)", ct,
            ("$id", record.EventId), ("$type", record.EventType), ("$source", record.Source), ("$ts", SqliteDatabase.ToUnix(record.Time)),
            ("$quota", record.Quota?.ToString()), ("$detail", record.DetailJson));
    }
}
