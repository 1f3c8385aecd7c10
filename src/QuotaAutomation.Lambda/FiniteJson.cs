using System.Text.Json.Nodes;

namespace QuotaAutomation.Lambda;

/// <summary>
/// JSON has no NaN or Infinity, and <see cref="JsonNode.ToJsonString"/> throws on them. A reply is written after the
/// work is done, so failing to serialise it would report done work as failed (and an async retry would do it again).
/// </summary>
internal static class FiniteJson
{
    /// <summary>Replaces every non-finite number in <paramref name="node"/> with null; returns the paths replaced.</summary>
    public static IReadOnlyList<string> Replace(JsonNode? node)
    {
        var replaced = new List<string>();
        Walk(node, replaced);
        return replaced;
    }

    private static void Walk(JsonNode? node, List<string> replaced)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj.ToList())
                {
                    if (IsNonFinite(child))
                    {
                        replaced.Add(child!.GetPath()); // IsNonFinite is false for null
                        obj[name] = null;
                    }
                    else Walk(child, replaced);
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (IsNonFinite(array[i]))
                    {
                        replaced.Add(array[i]!.GetPath());
                        array[i] = null;
                    }
                    else Walk(array[i], replaced);
                }
                break;
        }
    }

    private static bool IsNonFinite(JsonNode? node) => node is JsonValue value
        && (value.TryGetValue<double>(out var d) && !double.IsFinite(d) || value.TryGetValue<float>(out var f) && !float.IsFinite(f));
}
