using System.Globalization;
using QuotaAutomation.Core.Rules;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace QuotaAutomation.Cli;

/// <summary>The YAML half of <see cref="RuleFiles"/>: loading with the checks YamlDotNet's loader needs, and nodes as plain values.</summary>
public static partial class RuleFiles
{
    /// <summary>
    /// Loads YAML text, first checking its event stream for what YamlDotNet's own loader cannot survive: a mapping key
    /// that is an alias or a collection (the loader hashes keys, and an alias can make a key contain itself: a stack
    /// overflow) and nesting deeper than <see cref="MaxDepth"/> (the loader recurses once per level).
    /// </summary>
    internal static YamlStream LoadYaml(string text, string prefix)
    {
        var stream = new YamlStream();
        try
        {
            CheckShape(text, prefix);
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new InvalidDataException($"{prefix}not valid YAML at line {e.Start.Line}: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet says only this for some malformed alias arrangements (see RuleFileTests).
            throw new InvalidDataException($"{prefix}an alias could not be resolved; does an anchor contain its own alias? ({e.Message})", e);
        }
        return stream;
    }

    private sealed class Frame(bool isMapping)
    {
        public bool IsMapping { get; } = isMapping;

        public int Nodes { get; set; }
    }

    private static void CheckShape(string text, string prefix)
    {
        var parser = new Parser(new StringReader(text));
        var open = new Stack<Frame>();
        void Starts(YamlDotNet.Core.Events.ParsingEvent e, bool isScalar)
        {
            if (open.TryPeek(out var parent) && parent.IsMapping && parent.Nodes % 2 == 0 && !isScalar)
                throw new InvalidDataException($"{prefix}line {e.Start.Line}: a mapping key must be plain text, not an alias, a list or a mapping");
        }
        void Ends()
        {
            if (open.TryPeek(out var parent)) parent.Nodes++;
        }
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case YamlDotNet.Core.Events.Scalar e:
                    Starts(e, isScalar: true);
                    Ends();
                    break;
                case YamlDotNet.Core.Events.AnchorAlias e:
                    Starts(e, isScalar: false);
                    Ends();
                    break;
                case YamlDotNet.Core.Events.NodeEvent e and (YamlDotNet.Core.Events.MappingStart or YamlDotNet.Core.Events.SequenceStart):
                    Starts(e, isScalar: false);
                    open.Push(new Frame(e is YamlDotNet.Core.Events.MappingStart));
                    if (open.Count > MaxDepth) throw new InvalidDataException($"{prefix}line {e.Start.Line}: values nest deeper than {MaxDepth} levels");
                    break;
                case YamlDotNet.Core.Events.MappingEnd or YamlDotNet.Core.Events.SequenceEnd:
                    open.Pop();
                    Ends();
                    break;
            }
        }
    }

    /// <summary>A plain YAML number, except digits with a leading zero (an account id such as 012345678901 stays text).</summary>
    private static double? AsNumber(string text) =>
        text.Length > 1 && text[0] == '0' && text.All(char.IsAsciiDigit) ? null
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : null;

    /// <summary>A scalar as the parser's neutral value: plain scalars typed as YAML 1.2's core schema, quoted ones as text.</summary>
    internal static object? Scalar(YamlScalarNode s) => s.Style != ScalarStyle.Plain ? s.Value : s.Value switch
    {
        null or "" or "~" or "null" or "Null" or "NULL" => null,
        "true" or "True" or "TRUE" => true,
        "false" or "False" or "FALSE" => false,
        var v when AsNumber(v) is { } number => number,
        var v => v,
    };

    /// <summary>Whole YAML values (for the gate's infrastructure file), with the same bounds as rule files.</summary>
    internal static object? Value(YamlNode node)
    {
        try
        {
            return new YamlValues().Value(node, new HashSet<YamlNode>(ReferenceEqualityComparer.Instance), 0);
        }
        catch (SelfReferenceException e)
        {
            throw new InvalidDataException($"a value contains itself through the alias *{e.Anchor}", e);
        }
    }

    /// <summary>Turns YAML nodes into plain values, following aliases with a bound on depth and on the values made.</summary>
    private sealed class YamlValues
    {
        private int _made;

        public Dictionary<string, object?> Attributes(YamlMappingNode item, int entry)
        {
            var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
            List<(string Key, YamlNode Value)> pairs;
            try
            {
                pairs = Pairs(item, new HashSet<YamlNode>(ReferenceEqualityComparer.Instance) { item }, entry, 0);
            }
            catch (SelfReferenceException e)
            {
                throw new InvalidDataException($"entry {entry} (line {item.Start.Line}): the merge key << brings in the mapping that contains it (&{e.Anchor})", e);
            }
            foreach (var (key, value) in pairs)
            {
                if (attributes.ContainsKey(key))
                    throw new InvalidDataException($"entry {entry} (line {item.Start.Line}): attribute {key} appears twice");
                attributes[key] = Field(value, new HashSet<YamlNode>(ReferenceEqualityComparer.Instance) { item });
            }
            return attributes;
        }

        /// <summary>A field's value; a value that contains itself is rejected for this field alone, by the parser.</summary>
        private object? Field(YamlNode node, HashSet<YamlNode> ancestors)
        {
            try
            {
                return Value(node, ancestors, 1);
            }
            catch (SelfReferenceException e)
            {
                return new UnsupportedValue($"a YAML value that contains itself through the alias *{e.Anchor}");
            }
        }

        public object? Value(YamlNode node, HashSet<YamlNode> ancestors, int depth)
        {
            if (++_made > MaxValues)
                throw new InvalidDataException($"aliases expand to more than {MaxValues} values (line {node.Start.Line}): a rules file needs far fewer");
            if (depth > MaxDepth)
                throw new InvalidDataException($"values nest deeper than {MaxDepth} levels (line {node.Start.Line})");
            if (node is YamlScalarNode scalar) return Scalar(scalar);
            if (!ancestors.Add(node)) throw new SelfReferenceException(node.Anchor.IsEmpty ? "?" : node.Anchor.Value);
            try
            {
                return node switch
                {
                    YamlSequenceNode list => list.Children.Select(child => Value(child, ancestors, depth + 1)).ToArray(),
                    YamlMappingNode map => Map(map, ancestors, depth),
                    _ => null,
                };
            }
            finally
            {
                ancestors.Remove(node);
            }
        }

        private Dictionary<string, object?> Map(YamlMappingNode map, HashSet<YamlNode> ancestors, int depth)
        {
            var result = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var (key, value) in Pairs(map, ancestors, 0, depth))
                result.TryAdd(key, Value(value, ancestors, depth + 1));
            return result;
        }

        /// <summary>A mapping's pairs with merge keys resolved: its own keys first, then each merged mapping's, in order.</summary>
        private List<(string Key, YamlNode Value)> Pairs(YamlMappingNode map, HashSet<YamlNode> ancestors, int entry, int depth)
        {
            if (depth > MaxDepth)
                throw new InvalidDataException($"merge keys nest deeper than {MaxDepth} levels (line {map.Start.Line})");
            var merged = new List<YamlMappingNode>();
            var pairs = new List<(string, YamlNode)>();
            foreach (var (key, value) in map.Children)
            {
                if (key is not YamlScalarNode { Value: { } name })
                    throw new InvalidDataException($"{Where(entry, key)}: attribute names must be plain text, not a list or a mapping");
                if (name == "<<" && key is YamlScalarNode { Style: ScalarStyle.Plain })
                {
                    merged.AddRange(value switch
                    {
                        YamlMappingNode one => [one],
                        YamlSequenceNode many when many.Children.All(c => c is YamlMappingNode) => many.Children.Cast<YamlMappingNode>(),
                        _ => throw new InvalidDataException($"{Where(entry, key)}: the merge key << must name a mapping or a list of mappings (<<: *defaults)"),
                    });
                    continue;
                }
                pairs.Add((name, value));
            }
            var seen = new HashSet<string>(pairs.Select(p => p.Item1), StringComparer.Ordinal);
            foreach (var source in merged)
            {
                if (!ancestors.Add(source)) throw new SelfReferenceException(source.Anchor.IsEmpty ? "?" : source.Anchor.Value);
                try
                {
                    if (++_made > MaxValues)
                        throw new InvalidDataException($"aliases expand to more than {MaxValues} values (line {source.Start.Line}): a rules file needs far fewer");
                    foreach (var pair in Pairs(source, ancestors, entry, depth + 1))
                        if (seen.Add(pair.Key)) pairs.Add(pair);
                }
                finally
                {
                    ancestors.Remove(source);
                }
            }
            return pairs;
        }

        private static string Where(int entry, YamlNode node) => entry > 0
            ? string.Create(CultureInfo.InvariantCulture, $"entry {entry} (line {node.Start.Line})")
            : string.Create(CultureInfo.InvariantCulture, $"line {node.Start.Line}");
    }

    /// <summary>Raised inside <see cref="YamlValues"/> only; a field's value that contains itself.</summary>
    private sealed class SelfReferenceException(string anchor) : Exception($"alias *{anchor} contains itself")
    {
        public string Anchor { get; } = anchor;
    }
}
