using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2.Model;
using QuotaAutomation.Core.Common;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Aws.Dynamo;

/// <summary>
/// DynamoDB JSON: items whose every attribute is typed (<c>{"S": "ec2"}</c>, <c>{"N": "70"}</c>), as <c>aws dynamodb
/// scan|get-item</c> print them and the console's JSON view shows them. Each attribute is read into an
/// <see cref="AttributeValue"/> and then decoded by <see cref="DynamoItems.ToPlain"/>, exactly as the rules table is, so
/// a binary or a set (and a type no one knows) reaches the parser as an <see cref="UnsupportedValue"/> naming the field.
/// </summary>
public static class DynamoJson
{
    private static readonly HashSet<string> Tags = new(StringComparer.Ordinal) { "S", "N", "BOOL", "NULL", "L", "M", "B", "SS", "NS", "BS" };

    /// <summary>True when any attribute of <paramref name="item"/> is written typed (an object with one type tag).</summary>
    public static bool LooksTyped(JsonElement item) =>
        item.ValueKind == JsonValueKind.Object && item.EnumerateObject().Any(p => IsTyped(p.Value));

    /// <summary>A typed item as the parser's neutral values; a name written twice is an <see cref="InvalidDataException"/>.</summary>
    public static Dictionary<string, object?> ToPlainItem(JsonElement item)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in item.EnumerateObject())
        {
            var name = Echo.Of(JsonStrings.Name(property));
            var value = IsTyped(property.Value)
                ? DynamoItems.ToPlain(ToAttribute(property.Value))
                : new UnsupportedValue("plain JSON in a DynamoDB JSON item (write it typed, e.g. {\"S\": \"…\"} or {\"N\": \"70\"})");
            if (!map.TryAdd(name, value)) throw new InvalidDataException($"attribute {name} appears twice");
        }
        return map;
    }

    /// <summary>A rule item (strings, numbers, bools, nulls, lists, maps) as one typed DynamoDB JSON object.</summary>
    public static JsonObject ToTypedItem(IReadOnlyDictionary<string, object?> item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var json = new JsonObject();
        foreach (var (name, value) in item.OrderBy(a => a.Key, StringComparer.Ordinal)) json[name] = ToJson(DynamoItems.FromPlain(value));
        return json;
    }

    private static bool IsTyped(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object) return false;
        using var properties = value.EnumerateObject();
        return properties.MoveNext() && Tags.Contains(properties.Current.Name) && !properties.MoveNext();
    }

    /// <summary>One typed value. A value of the wrong JSON kind for its tag is left with no type, which <see cref="DynamoItems.ToPlain"/> reports.</summary>
    private static AttributeValue ToAttribute(JsonElement typed)
    {
        if (!IsTyped(typed)) return new AttributeValue();
        var tag = typed.EnumerateObject().First();
        var v = tag.Value;
        return (tag.Name, v.ValueKind) switch
        {
            ("S", JsonValueKind.String) => new AttributeValue { S = JsonStrings.Read(v) },
            // The CLI and the console write N as a string; a bare number is accepted as the same number.
            ("N", JsonValueKind.String) => new AttributeValue { N = JsonStrings.Read(v) },
            ("N", JsonValueKind.Number) => new AttributeValue { N = v.GetRawText() },
            ("BOOL", JsonValueKind.True or JsonValueKind.False) => new AttributeValue { BOOL = v.GetBoolean() },
            ("NULL", JsonValueKind.True) => new AttributeValue { NULL = true },
            ("L", JsonValueKind.Array) => new AttributeValue { L = v.EnumerateArray().Select(ToAttribute).ToList() },
            ("M", JsonValueKind.Object) => new AttributeValue { M = v.EnumerateObject().ToDictionary(p => JsonStrings.Name(p), p => ToAttribute(p.Value)) },
            ("B", JsonValueKind.String) => new AttributeValue { B = new MemoryStream() },
            ("SS", JsonValueKind.Array) => new AttributeValue { SS = v.EnumerateArray().Select(e => JsonStrings.Read(e) ?? "").ToList() },
            ("NS", JsonValueKind.Array) => new AttributeValue { NS = v.EnumerateArray().Select(e => e.ToString()).ToList() },
            ("BS", JsonValueKind.Array) => new AttributeValue { BS = v.EnumerateArray().Select(_ => new MemoryStream()).ToList() },
            _ => new AttributeValue(),
        };
    }

    private static JsonNode ToJson(AttributeValue v) => v switch
    {
        { S: { } s } => new JsonObject { ["S"] = s },
        { N: { } n } => new JsonObject { ["N"] = n },
        { BOOL: { } b } => new JsonObject { ["BOOL"] = b },
        { NULL: true } => new JsonObject { ["NULL"] = true },
        { L: { } l } => new JsonObject { ["L"] = new JsonArray(l.Select(ToJson).ToArray()) },
        { M: { } m } => new JsonObject { ["M"] = new JsonObject(m.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)ToJson(p.Value)))) },
        _ => throw new ArgumentException("only S, N, BOOL, NULL, L and M are written", nameof(v)),
    };

}
