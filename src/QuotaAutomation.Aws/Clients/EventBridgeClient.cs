namespace QuotaAutomation.Aws.Clients;

// EventBridge PutEvents over JSON 1.1 (botocore events 2015-10-07), named as in AWSSDK.EventBridge.

public sealed record PutEventsRequest(IReadOnlyList<PutEventsRequestEntry> Entries);

public sealed record PutEventsRequestEntry
{
    public DateTimeOffset? Time { get; init; }
    public required string Source { get; init; }
    public IReadOnlyList<string>? Resources { get; init; }
    public required string DetailType { get; init; }
    public required string Detail { get; init; }
    public string? EventBusName { get; init; }
}

public sealed record PutEventsResponse(int? FailedEntryCount, IReadOnlyList<PutEventsResultEntry>? Entries);

public sealed record PutEventsResultEntry(string? EventId, string? ErrorCode, string? ErrorMessage);

/// <summary>EventBridge (<c>AWSEvents</c>, signing name <c>events</c>).</summary>
public sealed class EventBridgeClient(AwsClientOptions options) : AwsJsonClient(new AwsTransport(options, "events", "events"), "1.1", "AWSEvents", AwsJson.Pascal)
{
    /// <summary>At most 10 entries per call (the API's limit).</summary>
    public const int MaxEntriesPerCall = 10;

    public Task<PutEventsResponse> PutEventsAsync(PutEventsRequest request, CancellationToken ct) =>
        CallAsync<PutEventsResponse>("PutEvents", request, ct);
}
