using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using QuotaAutomation.Core.Common;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Tests.Fuzz;

/// <summary>
/// Rule items as a careless or hostile person might type them: every attribute may be missing, of the wrong type,
/// NaN, infinite, huge, a list, a map, a DynamoDB set, or text with control and bidi characters and lone surrogates.
/// The parser never throws, a rule it accepts holds its invariants, and every rejection names the rule and a field.
/// </summary>
[Trait("Category", "Fuzz")]
public class RuleItemFuzz
{
    public const int Cases = 10_000;

    private static readonly string LoneSurrogate = new(['x', '\uD800']);

    private static readonly object?[] Scalars =
    [
        null, true, false, "", " ", "85", "85%", " 60 % ", "NaN", "Infinity", "-Infinity", "1e400", "1e308", "-0", "0x10",
        "full_auto", "Full-Auto", "monitor only", "Mon-Fri 09:00-18:00", "Sat-Sun 23:00-01:00", "Europe/Berlin", "Mars/Olympus",
        "ec2", "L-1216C47A", "us-east-1", "012345678901", "123456789012", "a\nb", "x\u202Ey", "\u0000", "\u001b[31m", LoneSurrogate,
        new string('r', 300), "TRUE", "yes", "2",
        0.0, -1.0, 1.0, 1.5, 85.0, 100.0, 101.0, 1e15, 1e16, 1e308, double.MaxValue, double.MinValue, double.NaN,
        double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, 123456789012.0, 5, 5L, 5m, decimal.MaxValue, 0.5f,
        new object?[] { 70.0 }, Array.Empty<object?>(), new Dictionary<string, object?> { ["S"] = "x" },
        new UnsupportedValue("a DynamoDB string set (SS)"), new UnsupportedValue("a YAML value that contains itself through the alias *x"),
    ];

    private static readonly string[] Names =
    [
        .. RuleParser.Attributes, .. RuleParser.NoteAttributes, "colour", "threshold_warnign", "a\nb", "", "x\u202E",
    ];

    private static Gen<object?> Value() => Gen.OneOf(
        Gen.Elements(Scalars),
        Gen.Choose(-1000, 200_000).Select(i => (object?)(i / 10.0)),
        Gen.Choose(0, 40).Select(n => (object?)new string('9', n)));

    /// <summary>A valid item, then up to five attributes set to anything or removed.</summary>
    public static Gen<RawRule> Item() =>
        from id in Gen.Elements("ec2-vcpu", "r.1_x-2", "bad id", "a\nFORGED", "x\u202Ey", "", new string('r', 129))
        from edits in Gen.ListOf(
                from name in Gen.Elements(Names)
                from value in Value()
                from remove in Gen.Frequency((1, Gen.Constant(true)), (5, Gen.Constant(false)))
                select (name, value, remove))
            .Select(l => l.Take(5).ToList())
        select Edit(id, edits);

    private static RawRule Edit(string id, IEnumerable<(string Name, object? Value, bool Remove)> edits)
    {
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["rule_id"] = id, ["service_code"] = "ec2", ["quota_code"] = "L-1216C47A", ["region"] = "us-east-1", ["automation_level"] = "full_auto",
        };
        foreach (var (name, value, remove) in edits)
        {
            if (remove) attributes.Remove(name);
            else attributes[name] = value;
        }
        return new RawRule($"fuzz item '{id}'", attributes);
    }

    /// <summary>The property shared with the DynamoDB and rule-file fuzzers: no throw, invariants on success, names on failure.</summary>
    public static void AssertParsesOrNamesRuleAndField(RawRule raw)
    {
        var result = RuleParser.Parse(raw);
        var name = RuleParser.NameOf(raw);
        Assert.Equal(name, Echo.Of(name));
        if (result.Success)
        {
            var rule = result.Value;
            Assert.True(rule.Thresholds.Warning > 0 && rule.Thresholds.Warning < rule.Thresholds.Critical && rule.Thresholds.Critical < rule.Thresholds.Emergency && rule.Thresholds.Emergency <= 100);
            Assert.InRange(rule.IncreaseMultiplier, 1.000001, RuleParser.MaxMultiplier);
            Assert.InRange(rule.MaxAutoIncrease, double.Epsilon, RuleParser.MaxQuotaValue);
            Assert.InRange(rule.CostThreshold, 0, RuleParser.MaxCostThreshold);
            Assert.InRange(rule.ForecastHorizon.TotalHours, 1, RuleParser.MaxForecastHorizonHours);
            return;
        }
        var error = result.Error!;
        Assert.StartsWith($"rule '{Echo.Of(raw.Attributes.TryGetValue("rule_id", out var id) && id is string s && IsRuleId(s.Trim()) ? s.Trim() : raw.Origin)}", error, StringComparison.Ordinal);
        Assert.Equal(error, Echo.Of(error)); // one line, no reordering
        var fields = RuleParser.Attributes.Concat(raw.Attributes.Keys.Select(Echo.Of));
        Assert.True(fields.Any(f => error.Contains($": {f} ", StringComparison.Ordinal) || error.Contains($"; {f} ", StringComparison.Ordinal)), error);
    }

    private static bool IsRuleId(string s) => s.Length is > 0 and <= 128 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    [Property(MaxTest = Cases, Replay = Generators.Replay)]
    public Property Parse_AnyItem_NeverThrows_AndNamesRuleAndField() =>
        Prop.ForAll(Arb.From(Item()), AssertParsesOrNamesRuleAndField);
}
