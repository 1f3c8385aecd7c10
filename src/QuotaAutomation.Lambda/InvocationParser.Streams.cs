using System.Text.Json;
using QuotaAutomation.Aws.Dynamo;
using QuotaAutomation.Core.Common;

namespace QuotaAutomation.Lambda;

/// <summary>
/// A batch of changes to the rules and policies tables, from their DynamoDB Streams (new and old images) through an event
/// source mapping: <c>{"Records": [{"eventID", "eventName", "eventSource": "aws:dynamodb", "eventSourceARN", "dynamodb":
/// {"Keys", "NewImage", "OldImage", "ApproximateCreationDateTime", "SequenceNumber"}, "userIdentity"?}]}</c>. A record
/// that cannot be read is kept with its problem, so it is audited rather than retried for ever.
/// </summary>
public static partial class InvocationParser
{
    private static readonly HashSet<string> StreamChanges = new(StringComparer.Ordinal) { "INSERT", "MODIFY", "REMOVE" };

    private static Result<Invocation> ParseStream(JsonElement records)
    {
        if (records.ValueKind != JsonValueKind.Array || records.GetArrayLength() == 0)
            return Result.Fail<Invocation>("stream batch: Records must be a non-empty array");
        var read = records.EnumerateArray().Select((r, i) => ParseStreamRecord(r, i)).ToList();
        if (read.All(r => r.Problem is not null) && records.EnumerateArray().All(r => Str(r, "eventSource") != "aws:dynamodb"))
            return Result.Fail<Invocation>($"stream batch: eventSource '{Str(records[0], "eventSource") ?? "(missing)"}' is not aws:dynamodb, the only stream this function reads");
        return Result.Ok<Invocation>(new TableStreamBatch(read[0].EventId, read));
    }

    private static StreamRecord ParseStreamRecord(JsonElement record, int index)
    {
        var eventId = record.ValueKind == JsonValueKind.Object && Str(record, "eventID") is { Length: > 0 } id ? Echo.Of(id) : $"record {index + 1}";
        StreamRecord Bad(string problem) => new(eventId, null, "", "", null, null, null, default, null) { Problem = $"stream record '{eventId}': {problem}" };
        if (record.ValueKind != JsonValueKind.Object) return Bad("not an object");
        if (Str(record, "eventSource") != "aws:dynamodb") return Bad($"eventSource '{Str(record, "eventSource") ?? "(missing)"}' is not aws:dynamodb");
        if (Str(record, "eventName") is not { } change || !StreamChanges.Contains(change)) return Bad($"eventName '{Str(record, "eventName") ?? "(missing)"}' must be INSERT, MODIFY or REMOVE");
        // arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL
        var arn = Str(record, "eventSourceARN") ?? "";
        var resource = arn.Split(':', 6) is { Length: 6 } parts && parts[2] == "dynamodb" ? parts[5].Split('/', 4) : []; // the stream label is a time, colons and all
        if (resource is not ["table", { Length: > 0 } table, "stream", _]) return Bad($"eventSourceARN '{Echo.Of(arn)}' is not a DynamoDB stream ARN (arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL)");
        if (!record.TryGetProperty("dynamodb", out var body) || body.ValueKind != JsonValueKind.Object) return Bad("dynamodb is missing or not an object");
        if (Str(body, "SequenceNumber") is not { Length: > 0 } sequence) return Bad("dynamodb.SequenceNumber is missing");
        var at = body.TryGetProperty("ApproximateCreationDateTime", out var t) && t.ValueKind == JsonValueKind.Number && t.TryGetDouble(out var seconds)
            && seconds is > 0 and < 253402300800 ? DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000)) : (DateTimeOffset?)null;
        if (at is null) return Bad("dynamodb.ApproximateCreationDateTime is missing or not epoch seconds");
        Dictionary<string, object?>? Image(string name)
        {
            if (!body.TryGetProperty(name, out var image) || image.ValueKind == JsonValueKind.Null) return null;
            if (image.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"dynamodb.{name} is not an object");
            return DynamoJson.ToPlainItem(image);
        }
        Dictionary<string, object?>? before, after, keys;
        try
        {
            (before, after, keys) = (Image("OldImage"), Image("NewImage"), Image("Keys"));
        }
        catch (InvalidDataException e)
        {
            return Bad(e.Message);
        }
        var itemId = (keys ?? after ?? before) is { } k && (k.GetValueOrDefault("rule_id") ?? k.GetValueOrDefault("policy_id")) is string key ? key : null;
        if (itemId is null) return Bad("dynamodb.Keys names neither a rule_id nor a policy_id string");
        if (change != "INSERT" && before is null || change != "REMOVE" && after is null)
            return Bad($"a {change} without its {(before is null && change != "INSERT" ? "OldImage" : "NewImage")}: the stream must be NEW_AND_OLD_IMAGES");
        // DynamoDB names itself only for TTL deletions; no stream record names the person who wrote an item.
        var principal = record.TryGetProperty("userIdentity", out var who) && who.ValueKind == JsonValueKind.Object && Str(who, "principalId") is { } p
            ? $"{Echo.Of(p)} ({Echo.Of(Str(who, "type") ?? "Service")})" : null;
        return new StreamRecord(eventId, sequence, table, change, itemId, before, after, at.Value, principal);
    }
}

/// <summary>One change of a table's stream as read: its problem when it could not be, or what changed.</summary>
/// <param name="SequenceNumber">The record's position in its shard: what a partial batch failure names for the retry.</param>
public sealed record StreamRecord(string EventId, string? SequenceNumber, string TableName, string Change, string? ItemId,
    IReadOnlyDictionary<string, object?>? Before, IReadOnlyDictionary<string, object?>? After, DateTimeOffset At, string? Principal)
{
    public string? Problem { get; init; }
}

/// <summary>Changes to the rules or policies tables, from their streams: each is audited (issue 17).</summary>
public sealed record TableStreamBatch(string EventId, IReadOnlyList<StreamRecord> Records) : Invocation(EventId)
{
    public override string Kind => "table_edits";

    /// <summary>The tables whose streams the function audits, by name (<see cref="LambdaServices.EditedTables"/>).</summary>
    public static IReadOnlyDictionary<string, Core.Audit.EditedTable> Audited(string rulesTable, string policiesTable) =>
        new Dictionary<string, Core.Audit.EditedTable>(StringComparer.Ordinal) { [rulesTable] = Core.Audit.EditedTable.Rules, [policiesTable] = Core.Audit.EditedTable.Policies };
}
