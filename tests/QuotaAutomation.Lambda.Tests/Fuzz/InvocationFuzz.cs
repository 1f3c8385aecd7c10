using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using QuotaAutomation.Core.Common;
using QuotaAutomation.Lambda;

namespace QuotaAutomation.Lambda.Tests.Fuzz;

/// <summary>
/// Every invocation shape the function serves (schedule, approval tasks, each quota event type ours and the seed's,
/// AWS Health, CloudTrail, Function URL GET and POST), with up to four members mutated: removed, retyped, made huge,
/// negative or out of range, given a lone surrogate, a non-base64 body, or a key written twice. The parser never throws,
/// and every rejection names the event (or task, or request) and the field.
/// </summary>
[Trait("Category", "Fuzz")]
public class InvocationFuzz
{
    public const int Cases = 10_000;

    public const string Replay = "(20261130,7)";

    /// <summary>What a rejection may name as the field: the envelope's members and every member path the shapes have.</summary>
    private static readonly string[] FieldWords =
    [
        "payload", "source", "detail-type", "id is missing", "time", "detail", "task", "approval_id", "requestContext", "queryStringParameters", "body",
        "isBase64Encoded", "rawPath", "fleet", "Items", "BatchInput", "map", "Records", "eventSource", "report",
    ];

    private static readonly string[] Prefixes = ["event '", "event (", "approval task '", "function URL request '", "fleet ", "stream batch: ", "report request: "];

    private static readonly string[] Shapes = [.. Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Payloads"), "*.json").Order(StringComparer.Ordinal)
        .Select(File.ReadAllText).Select(t => t.Replace("APPROVAL", "apr-1", StringComparison.Ordinal)),
        """{"version":"2.0","rawPath":"/approvals/apr-1","body":"YWN0aW9uPWFwcHJvdmUmYnk9YWxpY2U=","isBase64Encoded":true,"queryStringParameters":{"token":"t"},"requestContext":{"requestId":"r-2","http":{"method":"POST"}}}"""];

    /// <summary>Raw JSON replacements, spliced into the text for what a JsonNode cannot hold (1e400, lone surrogates).</summary>
    private static readonly string[] RawValues =
    [
        "1e308", "1e400", "-1e400", "-1", "0", "2e15", "101", "0.5", "true", "null", "[]", "{}", "[1,[2]]", "{\"a\":{\"b\":[]}}", "\"\"", "\"x\"",
        "\"\\ud800x\"", "\"\\udc00\"", "\"a\\nb\\u202e\"", "\"%%% not base64\"", "\"2026-13-45T99:00:00Z\"", "\"1e400\"", "\"NaN\"", "\"up\"",
        "\"failover\"", "\"ec2\"", "\"us-east-1\"", "\"Scheduled Event\"", "\"aws.events\"", "\"quota.automation\"", "\"quota-automation\"",
        "\"aws.health\"", "\"aws.servicequotas\"", "\"evaluate\"", "\"POST\"",
    ];

    private sealed record Edit(int Kind, int Target, string Raw);

    private static Gen<string> Payload() =>
        from shape in Gen.Elements(Shapes)
        from edits in Gen.ListOf(
            from kind in Gen.Frequency((5, Gen.Constant(0)), (2, Gen.Constant(1)), (1, Gen.Constant(2)))
            from target in Gen.Choose(0, 10_000)
            from raw in Gen.Elements(RawValues)
            select new Edit(kind, target, raw))
        select Apply(shape, edits.Take(4).ToList());

    /// <summary>Edit 0 replaces a member's value, 1 removes a member, 2 writes a member's key twice.</summary>
    private static string Apply(string shape, List<Edit> edits)
    {
        var root = JsonNode.Parse(shape)!;
        var splices = new List<(string Marker, string Raw)>();
        for (var i = 0; i < edits.Count; i++)
        {
            var members = Members(root).ToList();
            if (members.Count == 0) break;
            var (parent, key) = members[edits[i].Target % members.Count];
            var marker = $"@@{i}@@";
            switch (edits[i].Kind)
            {
                case 0:
                    parent[key] = marker;
                    splices.Add(($"\"{marker}\"", edits[i].Raw));
                    break;
                case 1:
                    parent.Remove(key);
                    break;
                default:
                    parent[marker] = marker;
                    splices.Add(($"\"{marker}\":\"{marker}\"", $"\"{key}\":{edits[i].Raw}"));
                    break;
            }
        }
        return splices.Aggregate(root.ToJsonString(), (text, s) => text.Replace(s.Marker, s.Raw, StringComparison.Ordinal));
    }

    private static IEnumerable<(JsonObject Parent, string Key)> Members(JsonNode node)
    {
        if (node is JsonObject obj)
            foreach (var (key, child) in obj.ToList())
            {
                yield return (obj, key);
                if (child is not null) foreach (var m in Members(child)) yield return m;
            }
        else if (node is JsonArray array)
            foreach (var child in array)
                if (child is not null) foreach (var m in Members(child)) yield return m;
    }

    /// <summary>The property, shared with the end-to-end sample: parsed, or rejected naming the caller and a field, on one line.</summary>
    public static void AssertParsedOrNamed(string payload)
    {
        var result = InvocationParser.Parse(payload);
        if (result.Success)
        {
            Assert.NotNull(result.Value.EventId);
            return;
        }
        var error = Echo.Of(result.Error!); // the form every sink writes (reply, audit, log)
        Assert.True(Prefixes.Any(p => error.StartsWith(p, StringComparison.Ordinal)), error);
        Assert.True(FieldWords.Any(f => error.Contains(f, StringComparison.Ordinal)), error);
    }

    [Property(MaxTest = Cases, Replay = Replay)]
    public Property Parse_AnyMutatedShape_NeverThrows_AndNamesEventAndField() => Prop.ForAll(Arb.From(Payload()), AssertParsedOrNamed);

    /// <summary>The generator, for the end-to-end sample through the whole function.</summary>
    public static Gen<string> Payloads => Payload();
}
