using System.Globalization;
using System.Text.Json;
using QuotaAutomation.Core.Rules;
using QuotaAutomation.Local.Storage;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace QuotaAutomation.Cli;

/// <summary>
/// Reads a rules file: a JSON or YAML list of rule items (or an object with a <c>rules</c> list), with the same
/// attribute names as the DynamoDB items. Scalars keep their type as written (YAML: quoted is a string, plain
/// <c>85</c> a number, <c>true</c> a bool), so the parser judges them exactly as it judges hand-edited items.
/// </summary>
public static class RuleFiles
{
    public static IReadOnlyList<RawRule> Read(string path)
    {
        var text = File.ReadAllText(path);
        var name = System.IO.Path.GetFileName(path);
        var items = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || text.TrimStart().StartsWith('[')
            ? ReadJson(text)
            : ReadYaml(text);
        return items.Select((item, i) => new RawRule(string.Create(CultureInfo.InvariantCulture, $"{name} entry {i + 1}"), item)).ToList();
    }

    private static List<IReadOnlyDictionary<string, object?>> ReadJson(string text)
    {
        using var document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var root = document.RootElement;
        var list = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("rules", out var rules) ? rules : root;
        if (list.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException("a rules file must be a list of rules, or an object with a 'rules' list");
        return list.EnumerateArray().Select((e, i) => e.ValueKind == JsonValueKind.Object
            ? (IReadOnlyDictionary<string, object?>)AttributeJson.ToMap(e)
            : throw new InvalidDataException($"entry {i + 1} is a {e.ValueKind}, not an object of rule attributes")).ToList();
    }

    private static List<IReadOnlyDictionary<string, object?>> ReadYaml(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new InvalidDataException($"not valid YAML at line {e.Start.Line}: {e.Message}", e);
        }
        if (stream.Documents.Count == 0) return [];
        var root = stream.Documents[0].RootNode;
        if (root is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode("rules"), out var inner)) root = inner;
        if (root is not YamlSequenceNode sequence)
            throw new InvalidDataException("a rules file must be a list of rules, or a mapping with a 'rules' list");
        return sequence.Children.Select((node, i) => node is YamlMappingNode item
            ? (IReadOnlyDictionary<string, object?>)item.Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value ?? "", p => Scalar(p.Value), StringComparer.Ordinal)
            : throw new InvalidDataException($"entry {i + 1} (line {node.Start.Line}) is not a mapping of rule attributes")).ToList();
    }

    /// <summary>A plain YAML number, except digits with a leading zero (an account id such as 012345678901 stays text).</summary>
    private static double? AsNumber(string text) =>
        text.Length > 1 && text[0] == '0' && text.All(char.IsAsciiDigit) ? null
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : null;

    internal static object? Scalar(YamlNode node) => node switch
    {
        YamlScalarNode { Style: ScalarStyle.Plain } s => s.Value switch
        {
            null or "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => true,
            "false" or "False" or "FALSE" => false,
            var v when AsNumber(v) is { } number => number,
            var v => v,
        },
        YamlScalarNode s => s.Value,
        YamlSequenceNode list => list.Children.Select(Scalar).ToArray(),
        YamlMappingNode map => map.Children.ToDictionary(p => p.Key.ToString(), p => Scalar(p.Value)),
        _ => null,
    };
}

/// <summary>YAML documents as JSON, with the same scalar typing as rule files (for the gate's infrastructure file).</summary>
public static class YamlDocuments
{
    public static JsonElement ToJson(string text, string name)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new InvalidDataException($"{name}: not valid YAML at line {e.Start.Line}: {e.Message}", e);
        }
        return JsonSerializer.SerializeToElement(stream.Documents.Count == 0 ? null : RuleFiles.Scalar(stream.Documents[0].RootNode));
    }
}
