using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using QuotaAutomation.Aws.Dynamo;
using QuotaAutomation.Core.Common;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Cli;

/// <summary>
/// Stored rules as a file: plain (the JSON list <c>rules import</c> reads) or DynamoDB JSON (<c>{"Items": [...]}</c>,
/// as <c>aws dynamodb scan</c> prints it). Items are written as stored, in rule id order, so an export imported
/// elsewhere and exported again is the same text.
/// </summary>
internal static class RuleExport
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Result<string> Write(IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>> items, bool dynamoDb)
    {
        ArgumentNullException.ThrowIfNull(items);
        var ordered = items.OrderBy(i => i.Key, StringComparer.Ordinal).ToList();
        foreach (var (id, item) in ordered)
            if (Unstorable(item) is { } problem) return Result.Fail<string>($"rule '{Echo.Of(id)}': {problem}");
        JsonNode document = dynamoDb
            ? new JsonObject
            {
                ["Items"] = new JsonArray(ordered.Select(i => (JsonNode)DynamoJson.ToTypedItem(i.Value)).ToArray()),
                ["Count"] = ordered.Count,
                ["ScannedCount"] = ordered.Count,
            }
            : new JsonArray(ordered.Select(i => JsonSerializer.SerializeToNode(Sorted(i.Value))).ToArray());
        return Result.Ok(document.ToJsonString(Options) + Environment.NewLine);
    }

    /// <summary>
    /// What in an item cannot be written to a file or stored again (a DynamoDB set or binary, a YAML value that contains
    /// itself), naming the attribute; null when everything can.
    /// </summary>
    public static string? Unstorable(IReadOnlyDictionary<string, object?> item)
    {
        ArgumentNullException.ThrowIfNull(item);
        foreach (var (name, value) in item.OrderBy(a => a.Key, StringComparer.Ordinal))
            if (Find(value) is { } unsupported)
                return $"{Echo.Of(name)} is {unsupported.What}, which a stored rule cannot keep: write it as a string or a list";
        return null;
    }

    private static UnsupportedValue? Find(object? value) => value switch
    {
        UnsupportedValue u => u,
        IEnumerable<KeyValuePair<string, object?>> map => map.Select(p => Find(p.Value)).FirstOrDefault(u => u is not null),
        System.Collections.IEnumerable list and not string => list.Cast<object?>().Select(Find).FirstOrDefault(u => u is not null),
        _ => null,
    };

    private static SortedDictionary<string, object?> Sorted(IReadOnlyDictionary<string, object?> item) => new(item.ToDictionary(a => a.Key, a => a.Value), StringComparer.Ordinal);
}
