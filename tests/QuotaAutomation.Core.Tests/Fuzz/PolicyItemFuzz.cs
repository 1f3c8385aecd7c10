using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using QuotaAutomation.Core.Common;
using QuotaAutomation.Core.Governance;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Tests.Fuzz;

/// <summary>
/// Policy items as a careless or hostile person might type them in the console (issue 17), approver groups included:
/// maps of maps, lists of maps, empty groups, names with control characters, patterns that are not ARNs, too many
/// groups. The parser never throws, a policy it accepts holds its invariants, and every rejection names the policy and
/// a field, on one line.
/// </summary>
[Trait("Category", "Fuzz")]
public class PolicyItemFuzz
{
    private const string Arn = "arn:aws:iam::123456789012:role/Security";

    private static readonly object?[] Groups =
    [
        new Dictionary<string, object?> { ["security"] = Arn },
        new Dictionary<string, object?> { ["security"] = Arn, ["finance"] = new object?[] { "arn:aws:iam::123456789012:user/finance-*", "local:carol" } },
        new Dictionary<string, object?> { ["a\nFORGED"] = Arn, ["x\u202Ey"] = "local:" },
        new Dictionary<string, object?> { ["security"] = new Dictionary<string, object?> { ["S"] = Arn } },
        new Dictionary<string, object?> { ["security"] = new object?[] { new Dictionary<string, object?>(), null, 5.0 } },
        new Dictionary<string, object?> { ["security"] = "", ["ops"] = Array.Empty<object?>() },
        new Dictionary<string, object?>(),
        Enumerable.Range(0, 7).ToDictionary(i => $"g{i}", _ => (object?)Arn),
        new Dictionary<string, object?> { ["security"] = "arn:aws:iam::1:role/*\u0000", ["ops"] = new string('*', 5000) },
        new Dictionary<string, object?> { ["security"] = "arn:aws:iam::1:role/" + new string('*', 5000) },
        new Dictionary<string, object?> { ["security"] = Enumerable.Range(0, 60).Select(i => (object?)$"arn:aws:iam::123456789012:user/u{i}").ToArray() },
        new Dictionary<string, object?> { ["security"] = new UnsupportedValue("a DynamoDB string set (SS)") },
        "security", new object?[] { Arn }, 2.0, true, null,
    ];

    private static readonly object?[] Scalars =
    [
        null, true, false, "", "yes", "2", "2.5", "NaN", "1e400", "-1", "ou-ab12-prod0001", "r-ab12", "*", "123456789012", "a\nb", "x\u202Ey",
        0.0, 1.0, 2.0, 6.0, 1e308, double.NaN, double.PositiveInfinity, new object?[] { "123456789012" }, new Dictionary<string, object?> { ["S"] = "x" },
        new UnsupportedValue("a DynamoDB number set (NS)"),
    ];

    private static readonly string[] Names = [.. PolicyParser.Attributes, "approver_group", "colour", "a\nb", ""];

    private static Gen<RawPolicy> Item() =>
        from id in Gen.Elements("two-groups", "bad id", "a\nFORGED", "", new string('p', 129))
        from groups in Gen.Elements(Groups)
        from edits in Gen.ListOf(
                from name in Gen.Elements(Names)
                from value in Gen.OneOf(Gen.Elements(Scalars), Gen.Elements(Groups))
                select (name, value))
            .Select(l => l.Take(4).ToList())
        select Edit(id, groups, edits);

    private static RawPolicy Edit(string id, object? groups, IEnumerable<(string Name, object? Value)> edits)
    {
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal) { ["policy_id"] = id, ["approval_required"] = true, ["approver_groups"] = groups };
        foreach (var (name, value) in edits) attributes[name] = value;
        return new RawPolicy($"fuzz item '{id}'", attributes);
    }

    private static void AssertParsesOrNamesPolicyAndField(RawPolicy raw)
    {
        var result = PolicyParser.Parse(raw);
        if (result.Success)
        {
            var policy = result.Value;
            Assert.InRange(policy.ApproverGroups.Count, 0, PolicyParser.MaxApprovers);
            Assert.InRange(policy.ChainLength, 1, PolicyParser.MaxApprovers);
            Assert.All(policy.ApproverGroups, g => Assert.True(g.Patterns.Count > 0 && g.Name == Echo.Of(g.Name), g.Name));
            Assert.Equal(policy.ApproverGroups.Count, policy.ApproverGroups.Select(g => g.Name).Distinct(StringComparer.Ordinal).Count());
            return;
        }
        var error = result.Error!;
        Assert.StartsWith("policy '", error, StringComparison.Ordinal);
        Assert.Equal(error, Echo.Of(error)); // one line, no reordering
        var fields = PolicyParser.Attributes.Concat(raw.Attributes.Keys.Select(Echo.Of));
        Assert.True(fields.Any(f => error.Contains($": {f} ", StringComparison.Ordinal) || error.Contains($"; {f} ", StringComparison.Ordinal)
            || error.Contains($": {f}.", StringComparison.Ordinal) || error.Contains($"; {f}.", StringComparison.Ordinal)), error);
    }

    [Property(MaxTest = RuleItemFuzz.Cases, Replay = Generators.Replay)]
    public Property Parse_AnyPolicyItem_NeverThrows_AndNamesPolicyAndField() =>
        Prop.ForAll(Arb.From(Item()), AssertParsesOrNamesPolicyAndField);
}
