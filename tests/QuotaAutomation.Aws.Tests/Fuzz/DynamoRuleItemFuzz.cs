using Amazon.DynamoDBv2.Model;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using QuotaAutomation.Aws.Dynamo;
using QuotaAutomation.Core.Common;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Aws.Tests.Fuzz;

/// <summary>
/// Rule items as a DynamoDB console or CLI can store them: every attribute typed S, N (including text DynamoDB would
/// refuse and numbers beyond a double), BOOL, NULL, L, M, SS, NS, B, BS or nothing. The adapter and the parser never
/// throw, and every rejection names the rule (or the item) and a field.
/// </summary>
[Trait("Category", "Fuzz")]
public class DynamoRuleItemFuzz
{
    public const int Cases = 10_000;

    public const string Replay = "(20261130,3)";

    private static readonly string[] Strings = ["", " ", "85", "85%", "full_auto", "ec2", "L-1216C47A", "us-east-1", "012345678901", "a\nb", "x\u202Ey", new string(['x', '\uD800']), "TRUE", "Mon-Fri 09:00-18:00", "UTC"];

    private static readonly string[] Numbers = ["0", "-1", "85", "1.5", "1e15", "2e15", "1e308", "1e400", "-1e400", "NaN", "Infinity", "0x10", "", "123456789012"];

    private static readonly string[] Names = [.. RuleParser.Attributes, "description", "tags", "colour", "a\nb"];

    private static Gen<AttributeValue> Value(int depth) => Gen.OneOf(
        Gen.Elements(Strings).Select(s => new AttributeValue { S = s }),
        Gen.Elements(Numbers).Select(n => new AttributeValue { N = n }),
        Gen.Elements(true, false).Select(b => new AttributeValue { BOOL = b }),
        Gen.Constant(0).Select(_ => new AttributeValue { NULL = true }),
        Gen.Constant(0).Select(_ => new AttributeValue()),
        Gen.Elements(Strings).Select(s => new AttributeValue { SS = [s] }),
        Gen.Elements(Numbers).Select(n => new AttributeValue { NS = [n, "1"] }),
        Gen.Choose(0, 255).Select(b => new AttributeValue { B = new MemoryStream([(byte)b]) }),
        Gen.Choose(0, 255).Select(b => new AttributeValue { BS = [new MemoryStream([(byte)b])] }),
        depth > 2 ? Gen.Constant(0).Select(_ => new AttributeValue { L = [] })
            : Gen.Choose(0, 3).SelectMany(n => Gen.ListOf(Value(depth + 1), n)).Select(l => new AttributeValue { L = [.. l] }),
        depth > 2 ? Gen.Constant(0).Select(_ => new AttributeValue { M = [] })
            : Value(depth + 1).Select(v => new AttributeValue { M = new Dictionary<string, AttributeValue> { ["x"] = v } }));

    private static Gen<Dictionary<string, AttributeValue>> Item() =>
        from count in Gen.Choose(0, 6)
        from edits in Gen.ListOf(
            from name in Gen.Elements(Names)
            from value in Value(0)
            select (name, value), count)
        select Build(edits);

    private static Dictionary<string, AttributeValue> Build(IEnumerable<(string Name, AttributeValue Value)> edits)
    {
        var item = new Dictionary<string, AttributeValue>(StringComparer.Ordinal)
        {
            ["rule_id"] = new() { S = "dyn-rule" }, ["service_code"] = new() { S = "ec2" }, ["quota_code"] = new() { S = "L-1216C47A" },
            ["region"] = new() { S = "us-east-1" }, ["automation_level"] = new() { S = "full_auto" },
        };
        foreach (var (name, value) in edits) item[name] = value;
        return item;
    }

    [Property(MaxTest = Cases, Replay = Replay)]
    public Property ToPlainThenParse_AnyItem_NeverThrows_AndNamesRuleAndField() => Prop.ForAll(Arb.From(Item()), item =>
    {
        var raw = new RawRule("rules item #1", item.ToDictionary(a => a.Key, a => DynamoItems.ToPlain(a.Value)));
        var result = RuleParser.Parse(raw);
        if (result.Success)
        {
            Assert.InRange(result.Value.MaxAutoIncrease, double.Epsilon, RuleParser.MaxQuotaValue);
            return;
        }
        var error = result.Error!;
        Assert.Equal(error, Echo.Of(error));
        Assert.True(error.StartsWith($"rule '{RuleParser.NameOf(raw)}': ", StringComparison.Ordinal) || error.StartsWith("rule 'rules item #1 (no rule_id)': ", StringComparison.Ordinal), error);
        var fields = RuleParser.Attributes.Concat(raw.Attributes.Keys.Select(Echo.Of));
        Assert.True(fields.Any(f => error.Contains($": {f} ", StringComparison.Ordinal) || error.Contains($"; {f} ", StringComparison.Ordinal)), error);
    });
}
