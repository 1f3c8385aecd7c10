using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Ports;

/// <summary>
/// A quota event as received or published (EventBridge): its type (e.g. <c>quota_threshold_exceeded</c>), where it
/// came from, the quota it is about, and its detail as JSON. Kept for a while, then expired.
/// </summary>
public sealed record QuotaEventRecord(string EventId, string EventType, string Source, DateTimeOffset Time, QuotaKey? Quota, string DetailJson);

/// <summary>The events table: every quota event, logged once (a second write of an event id is refused).</summary>
public interface IEventLog
{
    /// <returns>False when the event id was already logged (EventBridge delivers at least once).</returns>
    Task<bool> TryAppendAsync(QuotaEventRecord record, CancellationToken ct);
}

/// <summary>Publishes the quota events a cycle produces (EventBridge on AWS; the events table when embedded).</summary>
public interface IEventPublisher
{
    Task PublishAsync(IReadOnlyList<QuotaEventRecord> events, CancellationToken ct);
}
