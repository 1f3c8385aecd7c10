using System.Text.Json;
using QuotaAutomation.Core.Common;

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

    /// <summary>
    /// A JSON object as an attribute map; nested lists and maps become arrays and dictionaries. A name written twice is
    /// an <see cref="InvalidDataException"/> (JSON allows it, but which value was meant?).
    /// </summary>
    public static Dictionary<string, object?> ToMap(JsonElement element)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            var name = Echo.Of(JsonStrings.Name(property)); // a name is text a person typed; a lone surrogate in it is not text
            if (!map.TryAdd(name, ToValue(property.Value)))
                throw new InvalidDataException($"attribute {name} appears twice");
        }
        return map;
    }

    public static object? ToValue(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => JsonStrings.Read(element),
        JsonValueKind.Number => element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Array => element.EnumerateArray().Select(ToValue).ToArray(),
        JsonValueKind.Object => ToMap(element),
        _ => null,
    };
}
