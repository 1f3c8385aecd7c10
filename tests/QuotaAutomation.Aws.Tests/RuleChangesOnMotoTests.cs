using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Audit;

namespace QuotaAutomation.Aws.Tests;

/// <summary>
/// <c>rules delete|disable|enable|import --replace --backend aws</c> on moto's DynamoDB: the rules table afterwards, and
/// the audit records with the caller STS names (moto answers GetCallerIdentity with its own user).
/// </summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class RuleChangesOnMotoTests(MotoServer moto)
{
    private Task<(int Exit, string Output)> CliAsync(params string[] args)
    {
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "testing");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "testing");
        return Testing.CliRunner.RunAsync(["--backend", "aws", "--endpoint-url", moto.Endpoint.ToString(), "--region", "us-east-1", .. args], TimeProvider.System);
    }

    private static Dictionary<string, object?> Rule(string id, params (string Name, object? Value)[] extra)
    {
        var item = new Dictionary<string, object?>
        {
            ["rule_id"] = id, ["service_code"] = "ec2", ["quota_code"] = "L-1216C47A", ["region"] = "us-east-1", ["automation_level"] = "alert_only",
        };
        foreach (var (name, value) in extra) item[name] = value;
        return item;
    }

    private async Task<(AwsWorld World, AwsBackend Backend, string Caller)> WorldAsync()
    {
        var world = await AwsWorld.CreateAsync(moto);
        var backend = world.Backend();
        foreach (var id in new[] { "a", "b", "c" }) await backend.Rules.PutAsync(Rule(id, ("tags", new object?[] { "team-x" })), CancellationToken.None);
        return (world, backend, await backend.Sts.GetCallerArnAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Disable_SetsEnabledFalse_KeepsTheRestOfTheItem_AndAuditsTheCaller()
    {
        var (world, backend, caller) = await WorldAsync();
        using var _ = world;
        using var __ = backend;

        var (exit, _) = await CliAsync("rules", "disable", "a");

        var item = (await backend.Rules.LoadByIdAsync(CancellationToken.None))["a"];
        var audit = Assert.Single(await backend.Audit.ForRuleAsync("a", CancellationToken.None));
        Assert.Equal(0, exit);
        Assert.Equal((false, "alert_only"), (item["enabled"], item["automation_level"]));
        Assert.Equal(["team-x"], Assert.IsType<object?[]>(item["tags"]));
        Assert.Equal((AuditKind.RuleChange, "rule_disabled", $"rule 'a' disabled by {caller} (enabled true → false)"), (audit.Kind, audit.Action, audit.Message));
        Assert.Equal(caller, audit.Details!["by"]);
    }

    [Fact]
    public async Task Enable_SetsEnabledTrue()
    {
        var (world, backend, caller) = await WorldAsync();
        using var _ = world;
        using var __ = backend;
        await CliAsync("rules", "disable", "a");

        var (exit, _) = await CliAsync("rules", "enable", "a");

        Assert.Equal(0, exit);
        Assert.Equal(true, (await backend.Rules.LoadByIdAsync(CancellationToken.None))["a"]["enabled"]);
        // Both changes may fall in one millisecond, where the audit's time order cannot tell them apart: find it by content.
        var messages = (await backend.Audit.ForRuleAsync("a", CancellationToken.None)).Select(a => a.Message).ToList();
        Assert.Contains($"rule 'a' enabled by {caller} (enabled false → true)", messages);
        Assert.Contains($"rule 'a' disabled by {caller} (enabled true → false)", messages);
    }

    [Fact]
    public async Task Delete_RemovesTheItem_AndKeepsItInTheAudit()
    {
        var (world, backend, caller) = await WorldAsync();
        using var _ = world;
        using var __ = backend;

        var (exit, _) = await CliAsync("rules", "delete", "b");

        var audit = Assert.Single(await backend.Audit.ForRuleAsync("b", CancellationToken.None));
        Assert.Equal(0, exit);
        Assert.Equal(["a", "c"], (await backend.Rules.LoadByIdAsync(CancellationToken.None)).Keys.Order(StringComparer.Ordinal));
        Assert.Equal($"rule 'b' deleted by {caller} (enabled was true)", audit.Message);
        Assert.Contains("\"automation_level\":\"alert_only\"", audit.Details!["item"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_UnknownId_ExitsTwoNamingIt_AndChangesNothing()
    {
        var (world, backend, _) = await WorldAsync();
        using var __ = world;
        using var ___ = backend;

        var (exit, output) = await CliAsync("rules", "delete", "a", "zzz");

        Assert.Equal(2, exit);
        Assert.Contains("error: no rule 'zzz': nothing changed (see rules list)", output, StringComparison.Ordinal);
        Assert.Equal(3, (await backend.Rules.LoadByIdAsync(CancellationToken.None)).Count);
    }

    [Fact]
    public async Task ImportReplace_LeavesExactlyTheFilesRules()
    {
        var (world, backend, caller) = await WorldAsync();
        using var _ = world;
        using var __ = backend;
        var file = Path.Combine(Path.GetTempPath(), $"qa-rules-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, """
            [{"rule_id": "a", "service_code": "vpc", "quota_code": "L-F678F1CE", "region": "us-east-1", "automation_level": "monitor_only"},
             {"rule_id": "d", "service_code": "vpc", "quota_code": "L-F678F1CE", "region": "us-east-1", "automation_level": "alert_only"}]
            """);
        try
        {
            var (exit, _) = await CliAsync("rules", "import", "--replace", file);

            var stored = await backend.Rules.LoadByIdAsync(CancellationToken.None);
            Assert.Equal(0, exit);
            Assert.Equal(["a", "d"], stored.Keys.Order(StringComparer.Ordinal));
            Assert.Equal("monitor_only", stored["a"]["automation_level"]);
            Assert.Equal($"rule 'c' deleted by {caller}: not in the file imported with --replace (enabled was true)",
                Assert.Single(await backend.Audit.ForRuleAsync("c", CancellationToken.None)).Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task ValidateWithoutFile_ChecksTheLiveTable_NamingEveryBadItem()
    {
        var (world, backend, _) = await WorldAsync();
        using var __ = world;
        using var ___ = backend;
        await backend.Rules.PutAsync(Rule("bad-level", ("automation_level", "sometimes")), CancellationToken.None);
        var set = Rule("set").ToDictionary(a => a.Key, a => Dynamo.DynamoItems.FromPlain(a.Value));
        set["threshold_warning"] = new Amazon.DynamoDBv2.Model.AttributeValue { SS = ["70"] };
        await backend.Dynamo.PutItemAsync(new Amazon.DynamoDBv2.Model.PutItemRequest { TableName = backend.Options.RulesTable, Item = set }, CancellationToken.None);

        var (exit, output) = await CliAsync("rules", "validate");

        Assert.Equal(1, exit);
        Assert.Contains("✗ rule 'bad-level': automation_level 'sometimes' must be one of", output, StringComparison.Ordinal);
        Assert.Contains("✗ rule 'set': threshold_warning is a DynamoDB string set (SS); expected a number", output, StringComparison.Ordinal);
        Assert.Contains($"2 problem(s), 3 of 5 rules valid in DynamoDB table {backend.Options.RulesTable}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExportDynamodb_FromTheTable_ImportsBackUnchanged()
    {
        var (world, backend, _) = await WorldAsync();
        using var __ = world;
        using var ___ = backend;
        var file = Path.Combine(Path.GetTempPath(), $"qa-export-{Guid.NewGuid():N}.json");
        try
        {
            var before = await backend.Rules.LoadByIdAsync(CancellationToken.None);
            var (exported, _) = await CliAsync("rules", "export", "--format", "dynamodb", "--out", file);
            await CliAsync("rules", "delete", "a", "b", "c");
            var (imported, _) = await CliAsync("rules", "import", file);

            var after = await backend.Rules.LoadByIdAsync(CancellationToken.None);
            Assert.Equal((0, 0), (exported, imported));
            Assert.Equal(Canonical(before), Canonical(after));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string Canonical(IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>> items) => System.Text.Json.JsonSerializer.Serialize(
        new SortedDictionary<string, SortedDictionary<string, object?>>(items.ToDictionary(i => i.Key, i => new SortedDictionary<string, object?>(i.Value.ToDictionary(a => a.Key, a => a.Value), StringComparer.Ordinal)), StringComparer.Ordinal));
}
