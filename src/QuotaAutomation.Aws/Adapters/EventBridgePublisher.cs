using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Aws.Adapters;

/// <summary>Publishes a cycle's quota events to the quota event bus with PutEvents, 10 a call; no bus configured, no events.</summary>
public sealed class EventBridgePublisher(AwsClients clients, AwsBackendOptions options) : IEventPublisher
{
    public static readonly IReadOnlyDictionary<string, string> DetailTypes = new Dictionary<string, string>
    {
        ["quota_threshold_exceeded"] = "Quota Threshold Exceeded",
        ["quota_usage_spike"] = "Quota Usage Spike",
        ["quota_prediction_alert"] = "Quota Prediction Alert",
    };

    public async Task PublishAsync(IReadOnlyList<QuotaEventRecord> events, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (options.EventBusName is not { } bus) return;
        foreach (var batch in events.Chunk(EventBridgeClient.MaxEntriesPerCall))
        {
            var reply = await clients.EventBridge().PutEventsAsync(new PutEventsRequest(batch.Select(e => new PutEventsRequestEntry
            {
                Source = e.Source,
                DetailType = DetailTypes.GetValueOrDefault(e.EventType, e.EventType),
                Detail = e.DetailJson,
                Time = e.Time,
                EventBusName = bus,
                Resources = [],
            }).ToList()), ct);
            if (reply.FailedEntryCount is > 0)
                throw new InvalidOperationException($"EventBridge refused {reply.FailedEntryCount} of {batch.Length} events: "
                    + string.Join("; ", (reply.Entries ?? []).Where(x => x.ErrorCode is not null).Select(x => $"{x.ErrorCode}: {x.ErrorMessage}").Distinct()));
        }
    }
}
