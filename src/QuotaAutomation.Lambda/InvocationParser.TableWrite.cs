using System.Text.Json;
using QuotaAutomation.Core.Common;

namespace QuotaAutomation.Lambda;

/// <summary>
/// A write to the rules or policies table seen by CloudTrail (a data event: the organization's trail must log the two
/// tables' data events), through EventBridge: who made a change the table's stream reports without a name.
/// <c>detail.requestParameters</c> holds the table and the item's key (never its other values).
/// </summary>
public static partial class InvocationParser
{
    private static Result<Invocation> ParseTableWrite(string name, string id, DateTimeOffset time, JsonElement detail)
    {
        var eventName = Str(detail, "eventName");
        if (eventName is null) return Result.Fail<Invocation>($"{name}: detail.eventName is missing");
        var parameters = detail.TryGetProperty("requestParameters", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
        var table = parameters.ValueKind == JsonValueKind.Object ? Str(parameters, "tableName") : null;
        if (table is null) return Result.Fail<Invocation>($"{name}: detail.requestParameters.tableName is missing");
        var key = parameters.TryGetProperty("key", out var k) && k.ValueKind == JsonValueKind.Object ? k : default;
        var itemId = key.ValueKind == JsonValueKind.Object ? Str(key, "rule_id") ?? Str(key, "policy_id") : null;
        var who = detail.TryGetProperty("userIdentity", out var w) && w.ValueKind == JsonValueKind.Object ? w : default;
        return Result.Ok<Invocation>(new TableWriteCall(id, eventName, table, itemId, time,
            who.ValueKind == JsonValueKind.Object ? Str(who, "arn") : null, Str(detail, "userAgent"), Str(detail, "errorCode")));
    }
}

/// <summary>A write to a hand-edited table as CloudTrail names its caller (<see cref="InvocationParser"/>).</summary>
/// <param name="ItemId">The item's <c>rule_id</c> or <c>policy_id</c>; null for writes that name several (BatchWriteItem, a transaction).</param>
/// <param name="Error">CloudTrail's <c>errorCode</c> when the write was refused (nothing changed).</param>
public sealed record TableWriteCall(string EventId, string EventName, string Table, string? ItemId, DateTimeOffset Time, string? Caller, string? UserAgent, string? Error) : Invocation(EventId)
{
    public override string Kind => "table_write_call";
}
