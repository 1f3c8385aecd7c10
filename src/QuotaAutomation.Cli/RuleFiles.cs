using System.Globalization;
using System.Text.Json;
using QuotaAutomation.Aws.Dynamo;
using QuotaAutomation.Core.Rules;
using QuotaAutomation.Local.Storage;
using YamlDotNet.RepresentationModel;

namespace QuotaAutomation.Cli;

/// <summary>
/// Reads a rules file: a JSON or YAML list of rule items (or an object with a <c>rules</c> list), with the same
/// attribute names as the DynamoDB items, or DynamoDB JSON (typed attributes, as <c>aws dynamodb scan</c> prints and
/// the console's JSON view shows; detected by its shape and decoded as the rules table is: <see cref="DynamoJson"/>). Scalars keep their type as written (YAML: quoted is a string, plain
/// <c>85</c> a number, <c>true</c> a bool), so the parser judges them exactly as it judges hand-edited items.
/// </summary>
/// <remarks>
/// YAML: anchors, aliases and merge keys (<c>&lt;&lt;: *defaults</c>, <c>&lt;&lt;: [*a, *b]</c>; keys written in the
/// mapping win, then earlier merged mappings) are supported. Every document of a multi-document file is read, in order,
/// as one list. A value that contains itself through an alias becomes an <see cref="UnsupportedValue"/> that the parser
/// rejects naming the rule and field; expansion is bounded (<see cref="MaxValues"/>, <see cref="MaxDepth"/>).
/// A file with nothing in it (empty, whitespace or, in YAML, only comments) is an error, the same for JSON and YAML:
/// write <c>[]</c> for a file with no rules.
/// Every problem with the file as a whole is an <see cref="InvalidDataException"/>. YAML's loading and values are in
/// RuleFiles.Yaml.cs.
/// </remarks>
public static partial class RuleFiles
{
    /// <summary>Values (scalars, lists, maps) a file may expand to through aliases: a "billion laughs" file stops here.</summary>
    public const int MaxValues = 100_000;

    /// <summary>Nesting a rule attribute may have; rule attributes are scalars, so anything deeper is a mistake.</summary>
    public const int MaxDepth = 32;

    public static IReadOnlyList<RawRule> Read(string path)
    {
        var text = File.ReadAllText(path);
        var name = System.IO.Path.GetFileName(path);
        var items = Parse(text, name);
        return items.Select((item, i) => new RawRule(string.Create(CultureInfo.InvariantCulture, $"{name} entry {i + 1}"), item)).ToList();
    }

    /// <summary>The rule items of a file's text, or an <see cref="InvalidDataException"/> naming what is wrong with it.</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, object?>> Parse(string text, string name)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text))
            throw new InvalidDataException($"{name} is empty: a rules file holds a list of rules (write [] for none)");
        return name.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || text.TrimStart().StartsWith('[') || text.TrimStart().StartsWith('{')
            ? ReadJson(text, name)
            : ReadYaml(text, name);
    }

    private static List<IReadOnlyDictionary<string, object?>> ReadJson(string text, string name)
    {
        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            var root = document.RootElement;
            var (list, typed) = Entries(root);
            if (list.ValueKind != JsonValueKind.Array)
                throw new InvalidDataException("a rules file must be a list of rules, an object with a 'rules' list, or DynamoDB JSON ({\"Items\": [...]} as aws dynamodb scan prints it)");
            typed |= list.EnumerateArray().FirstOrDefault(e => e.ValueKind == JsonValueKind.Object) is { ValueKind: JsonValueKind.Object } first && DynamoJson.LooksTyped(first);
            return list.EnumerateArray().Select((e, i) => e.ValueKind == JsonValueKind.Object
                ? (IReadOnlyDictionary<string, object?>)Map(e, i + 1, typed)
                : throw new InvalidDataException($"entry {i + 1} is a {e.ValueKind}, not an object of rule attributes")).ToList();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{name} is not valid JSON: {e.Message}", e);
        }
        catch (ArgumentException e)
        {
            // A lone surrogate in the text itself (a UTF-16 file can hold one): System.Text.Json cannot transcode it.
            throw new InvalidDataException($"{name} is not valid text: {e.Message}", e);
        }
    }

    /// <summary>
    /// Where a JSON file's entries are, and whether they are DynamoDB JSON: <c>{"Items": [...]}</c> (aws dynamodb scan),
    /// <c>{"Item": {...}}</c> (get-item), one typed item (the console's JSON view), or a list; plain rules otherwise.
    /// </summary>
    private static (JsonElement List, bool Typed) Entries(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) return (root, false);
        if (root.TryGetProperty("rules", out var rules)) return (rules, false);
        if (root.TryGetProperty("Items", out var items)) return (items, true);
        if (root.TryGetProperty("Item", out var item) && item.ValueKind == JsonValueKind.Object) return (Single(item), true);
        return DynamoJson.LooksTyped(root) ? (Single(root), true) : (root, false);
    }

    private static JsonElement Single(JsonElement item) => JsonSerializer.SerializeToElement(new[] { item });

    private static Dictionary<string, object?> Map(JsonElement item, int entry, bool typed)
    {
        try
        {
            return typed ? DynamoJson.ToPlainItem(item) : AttributeJson.ToMap(item);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"entry {entry}: {e.Message}", e);
        }
    }

    private static List<IReadOnlyDictionary<string, object?>> ReadYaml(string text, string name)
    {
        var stream = LoadYaml(text, "");
        if (stream.Documents.Count == 0)
            throw new InvalidDataException($"{name} is empty: a rules file holds a list of rules (write [] for none)");

        var reader = new YamlValues();
        var items = new List<IReadOnlyDictionary<string, object?>>();
        foreach (var document in stream.Documents)
        {
            var root = document.RootNode;
            if (root is YamlScalarNode { Value: null or "" } && stream.Documents.Count > 1) continue; // an empty document between two '---'
            if (root is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode("rules"), out var inner)) root = inner;
            if (root is not YamlSequenceNode sequence)
                throw new InvalidDataException($"a rules file must be a list of rules, or a mapping with a 'rules' list (line {root.Start.Line})");
            foreach (var node in sequence.Children)
            {
                var entry = items.Count + 1;
                items.Add(node is YamlMappingNode item
                    ? reader.Attributes(item, entry)
                    : throw new InvalidDataException($"entry {entry} (line {node.Start.Line}) is not a mapping of rule attributes"));
            }
        }
        return items;
    }
}

/// <summary>YAML documents as JSON, with the same scalar typing as rule files (for the gate's infrastructure file).</summary>
public static class YamlDocuments
{
    public static JsonElement ToJson(string text, string name)
    {
        var stream = RuleFiles.LoadYaml(text, $"{name}: ");
        return JsonSerializer.SerializeToElement(stream.Documents.Count == 0 ? null : RuleFiles.Value(stream.Documents[0].RootNode));
    }
}
