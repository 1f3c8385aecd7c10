using System.Text.Json;

namespace QuotaAutomation.Local.Storage;

/// <summary>Converts a rule's attribute map to and from JSON, keeping each value's type (string, number, bool, null, list, map).</summary>
public static class AttributeJson
{
    public static string Serialize(IReadOnlyDictionary<string, object?> attributes) => JsonSerializer.Serialize(attributes);

    public static Dictionary<string, object?> Deserialize(string json)
    {
        using var document = JsonDocument.Parse(json);
        return ToMap(document.RootElement);
    }

    /// <summary>A JSON object as an attribute map; nested lists and maps become arrays and dictionaries.</summary>
    public static Dictionary<string, object?> ToMap(JsonElement element) =>
        element.EnumerateObject().ToDictionary(p => p.Name, p => ToValue(p.Value), StringComparer.Ordinal);

    public static object? ToValue(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Array => element.EnumerateArray().Select(ToValue).ToArray(),
        JsonValueKind.Object => ToMap(element),
        _ => null,
    };
}
