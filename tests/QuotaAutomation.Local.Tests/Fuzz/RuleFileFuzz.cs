using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using QuotaAutomation.Cli;
using QuotaAutomation.Core.Common;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Local.Tests.Fuzz;

/// <summary>
/// Rule files as people and accidents write them: YAML with anchors, aliases (to earlier entries and to themselves),
/// merge keys, several documents and odd scalars; JSON with huge numbers, lone surrogates and repeated names; both
/// with random characters inserted, deleted or repeated; and plain garbage. Reading either succeeds or fails with an
/// <see cref="InvalidDataException"/> (the CLI's "cannot read", exit 2); every rule read is parsed without an exception,
/// and every rejection names the rule (or its entry) and a field.
/// </summary>
[Trait("Category", "Fuzz")]
public class RuleFileFuzz
{
    public const int Cases = 10_000;

    public const string Replay = "(20261130,1)";

    private const string Base = "service_code: ec2, quota_code: L-1216C47A, region: us-east-1, automation_level: full_auto";

    private static readonly string[] YamlValues =
    [
        "85", "'85%'", "\"x\\u202ey\"", "\"a\\nb\"", ".nan", ".inf", "-.inf", "1e400", "1e308", "~", "null", "true", "[1, 2]", "{a: 1}",
        "*a0", "*a1", "*a2", "[*a0, *a0, *a0]", "{<<: *a0}", "!!binary AQID", "!!str 5", "012345678901", "\"\\ud800\"", "|\n    block",
    ];

    private static readonly string[] JsonValues =
    [
        "85", "\"85%\"", "1e400", "-1e400", "1e308", "null", "true", "[1,[2,[3]]]", "{\"a\":{\"b\":1}}", "\"\\ud800x\"", "\"a\\nb\"", "\"\\u202e\"", "-0", "0.0000001",
    ];

    private static readonly string[] Fields = ["rule_id", "threshold_warning", "threshold_critical", "max_auto_increase", "auto_increase_multiplier", "enabled", "business_hours", "description", "<<", "colour"];

    private static Gen<string> YamlEntry(int i) =>
        from anchor in Gen.Elements("", $"&a{i} ")
        from field in Gen.Elements(Fields)
        from value in Gen.Elements(YamlValues)
        from id in Gen.Elements($"r{i}", "r0", "\"a\\nb\"", "\"x\\u202ey\"")
        from shape in Gen.Choose(0, 4)
        select shape switch
        {
            0 => $"- {anchor}{{rule_id: {id}, {Base}, {field}: {value}}}",
            1 => $"- {anchor}{{rule_id: {id}, <<: *a0, {field}: {value}}}",
            2 => $"- {anchor}{{rule_id: {id}, <<: [*a0, *a1], {Base}}}",
            3 => $"- {anchor}\n  rule_id: {id}\n  {Base.Replace(", ", "\n  ", StringComparison.Ordinal)}\n  {field}: {value}",
            _ => $"- *a{i % 3}",
        };

    private static Gen<string> Yaml() =>
        from count in Gen.Choose(0, 5)
        from entries in Gen.CollectToArray(Enumerable.Range(0, count).Select(YamlEntry))
        from separator in Gen.Elements("\n", "\n---\n", "\n...\n---\n")
        from wrapped in Gen.Elements(true, false)
        select (wrapped ? "rules:\n" + string.Join("\n", entries.Select(e => "  " + e.Replace("\n", "\n  ", StringComparison.Ordinal))) : string.Join(separator, entries)) + "\n";

    private static Gen<string> Json() =>
        from count in Gen.Choose(0, 4)
        from entries in Gen.CollectToArray(Enumerable.Range(0, count).Select(i =>
            from field in Gen.Elements(Fields)
            from value in Gen.Elements(JsonValues)
            from twice in Gen.Frequency((1, Gen.Constant(true)), (6, Gen.Constant(false)))
            select $"{{\"rule_id\": \"r{i}\", \"service_code\": \"ec2\", \"quota_code\": \"L-1216C47A\", \"region\": \"us-east-1\", \"automation_level\": \"full_auto\", \"{field}\": {value}{(twice ? $", \"{field}\": 1" : "")}}}"))
        from wrapped in Gen.Elements(true, false)
        select wrapped ? $"{{\"rules\": [{string.Join(", ", entries)}]}}" : $"[{string.Join(", ", entries)}]";

    private const string Noise = "&*<:-[]{}\n\t\"' #!|>%@,.\\0a1\u202e\u0000\uD800";

    /// <summary>Up to four edits: insert a character people or accidents add, delete one, or repeat a slice.</summary>
    private static Gen<string> Mutate(string text) =>
        from edits in Gen.ListOf(
            from kind in Gen.Choose(0, 2)
            from position in Gen.Choose(0, 100_000)
            from c in Gen.Elements(Noise.ToCharArray())
            select (Kind: kind, Where: position, Char: c))
        select edits.Take(4).Aggregate(text, (t, e) =>
        {
            var at = t.Length == 0 ? 0 : e.Where % t.Length;
            return e.Kind switch
            {
                0 => t.Insert(at, e.Char.ToString()),
                1 when t.Length > 0 => t.Remove(at, 1),
                _ => t.Insert(at, t[at..Math.Min(t.Length, at + 12)]),
            };
        });

    private static Gen<(string Name, string Text)> File() => Gen.Frequency(
        (4, Yaml().SelectMany(Mutate).Select(t => ("rules.yaml", t))),
        (2, Yaml().Select(t => ("rules.yaml", t))),
        (3, Json().SelectMany(Mutate).Select(t => ("rules.json", t))),
        (1, Json().Select(t => ("rules.json", t))),
        (1, Gen.ListOf(Gen.Elements(Noise.ToCharArray())).Select(c => ("garbage.yaml", new string([.. c])))));

    [Property(MaxTest = Cases, Replay = Replay)]
    public Property Read_AnyFile_ReadsOrSaysWhy_AndEveryRejectionNamesRuleAndField() => Prop.ForAll(Arb.From(File()), file =>
    {
        IReadOnlyList<IReadOnlyDictionary<string, object?>> items;
        try
        {
            items = RuleFiles.Parse(file.Text, file.Name);
        }
        catch (InvalidDataException e)
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Message));
            return;
        }
        for (var i = 0; i < items.Count; i++)
        {
            var raw = new RawRule($"{file.Name} entry {i + 1}", items[i]);
            var result = RuleParser.Parse(raw);
            if (result.Success) continue;
            var error = result.Error!;
            Assert.Equal(error, Echo.Of(error));
            Assert.True(error.StartsWith($"rule '{RuleParser.NameOf(raw)}'", StringComparison.Ordinal) || error.StartsWith($"rule '{Echo.Of(raw.Origin)} (no rule_id)'", StringComparison.Ordinal), error);
            var fields = RuleParser.Attributes.Concat(raw.Attributes.Keys.Select(Echo.Of));
            Assert.True(fields.Any(f => error.Contains($": {f} ", StringComparison.Ordinal) || error.Contains($"; {f} ", StringComparison.Ordinal)), error);
        }
    });
}
