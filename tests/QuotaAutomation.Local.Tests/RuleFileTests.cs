using QuotaAutomation.Cli;

namespace QuotaAutomation.Local.Tests;

/// <summary>Rules files people write: YAML anchors, merge keys and documents, empty files, and what is echoed back.</summary>
public sealed class RuleFileTests : IAsyncLifetime
{
    private readonly TempDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    private Task<(int Exit, string Output)> ValidateAsync(string name, string text)
    {
        var path = Path.Combine(Path.GetDirectoryName(_db.Path)!, name);
        File.WriteAllText(path, text);
        return _db.RunCliAsync("rules", "validate", path);
    }

    private const string Rule = "service_code: ec2, quota_code: L-1216C47A, region: us-east-1, automation_level: full_auto";

    [Fact]
    public async Task Validate_AnchorThatContainsItself_RejectsTheRuleNamingTheField()
    {
        var (exit, output) = await ValidateAsync("loop.yaml", $"- &x {{rule_id: a, {Rule}, threshold_warning: *x}}\n");

        Assert.Equal(ExitCodes.Invalid, exit);
        Assert.Contains("✗ rule 'a': threshold_warning is a YAML value that contains itself through the alias *x; expected a number", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_MergeOfTheMappingItself_IsAnUnreadableFileNamingTheEntry()
    {
        var (exit, output) = await ValidateAsync("self.yaml", $"- &a0 {{rule_id: r0, {Rule}}}\n- &a1 {{rule_id: r1, <<: [*a0, *a1]}}\n");

        Assert.Equal(ExitCodes.Error, exit);
        Assert.Contains("cannot read self.yaml: entry 2 (line 2): the merge key << brings in the mapping that contains it (&a1)", output, StringComparison.Ordinal);
    }

    /// <summary>Found by <see cref="Fuzz.RuleFileFuzz"/> (seed 20261130,1, case 83): YamlDotNet throws InvalidOperationException on this.</summary>
    [Fact]
    public async Task Validate_AliasesToASelfMergeThenABrokenFlowMapping_IsAnUnreadableFile()
    {
        var (exit, output) = await ValidateAsync("self.yaml", "rules:\n  - &a0 {r: 0}\n  - &a1 {r: 1, <<: [*a0, *a1]}\n  - {r: 2, <<: [*a0, *a1], servic\ne_code: ec2}\n");

        Assert.Equal(ExitCodes.Error, exit);
        Assert.Contains("cannot read self.yaml: an alias could not be resolved; does an anchor contain its own alias?", output, StringComparison.Ordinal);
    }

    /// <summary>Found by <see cref="Fuzz.RuleFileFuzz"/> (seed 20261130,1): YamlDotNet's loader hashes mapping keys, and this key contains itself.</summary>
    [Fact]
    public async Task Validate_KeyThatContainsItself_IsAnUnreadableFile_NotAStackOverflow()
    {
        var (exit, output) = await ValidateAsync("loop-key.yaml", "- &a {x: 1, ? *a : 2}\n");

        Assert.Equal(ExitCodes.Error, exit);
        Assert.Contains("cannot read loop-key.yaml: line 1: a mapping key must be plain text, not an alias, a list or a mapping", output, StringComparison.Ordinal);
    }

    /// <summary>Found by <see cref="Fuzz.RuleFileFuzz"/> (seed 20261130,1, case 187): System.Text.Json throws ArgumentException on this.</summary>
    [Fact]
    public void Parse_JsonTextWithALoneSurrogate_IsInvalidData()
    {
        var error = Assert.Throws<InvalidDataException>(() => RuleFiles.Parse($"[{{\"region\": \"us-east-1{'\uD800'}\"}}]", "rules.json"));

        Assert.StartsWith("rules.json is not valid text: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_BillionLaughsInsideARule_StopsAtTheBound()
    {
        var lines = new List<string> { "defs:", "  - &l0 [x, x, x, x, x, x, x, x, x, x]" };
        for (var i = 1; i < 8; i++) lines.Add($"  - &l{i} [*l{i - 1}, *l{i - 1}, *l{i - 1}, *l{i - 1}, *l{i - 1}, *l{i - 1}, *l{i - 1}, *l{i - 1}, *l{i - 1}, *l{i - 1}]");
        lines.Add("rules:");
        lines.Add($"  - {{rule_id: laughs, {Rule}, description: *l7}}");

        var (exit, output) = await ValidateAsync("laughs.yaml", string.Join('\n', lines));

        Assert.Equal(ExitCodes.Error, exit);
        Assert.Contains("cannot read laughs.yaml: aliases expand to more than 100000 values", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_MergeKeys_ShareDefaults()
    {
        var (exit, output) = await ValidateAsync("merge.yaml", $$"""
            defaults: &defaults {automation_level: alert_only, region: us-east-1, threshold_warning: 60}
            ec2: &ec2 {service_code: ec2, quota_code: L-1216C47A}
            rules:
              - rule_id: one
                <<: *defaults
                service_code: vpc
                quota_code: L-F678F1CE
              - rule_id: two
                <<: [*ec2, *defaults]
            """);

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("✓ 2 rules valid in merge.yaml", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MergeKeys_OwnKeysWinThenEarlierMerges()
    {
        var items = RuleFiles.Parse("""
            - &a {region: eu-west-1, threshold_warning: 50, quota_code: L-A}
            - &b {region: us-west-2, threshold_warning: 55, owner: b}
            - {rule_id: r, threshold_warning: 70, <<: [*a, *b]}
            """, "merge.yaml");

        Assert.Equal(new Dictionary<string, object?> { ["rule_id"] = "r", ["threshold_warning"] = 70.0, ["region"] = "eu-west-1", ["quota_code"] = "L-A", ["owner"] = "b" }, items[2]);
    }

    [Fact]
    public async Task Validate_MergeOfAScalar_SaysWhatAMergeKeyTakes()
    {
        var (exit, output) = await ValidateAsync("merge.yaml", $"- {{rule_id: a, {Rule}, <<: 5}}\n");

        Assert.Equal(ExitCodes.Error, exit);
        Assert.Contains("cannot read merge.yaml: entry 1 (line 1): the merge key << must name a mapping or a list of mappings (<<: *defaults)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_SeveralDocuments_AreReadAsOneList()
    {
        var (exit, output) = await ValidateAsync("docs.yaml", $"- {{rule_id: a, {Rule}}}\n---\nrules:\n  - {{rule_id: b, {Rule}}}\n---\n- {{rule_id: a, {Rule}}}\n");

        Assert.Equal(ExitCodes.Invalid, exit);
        Assert.Contains("✗ rule 'a': rule_id appears 2 times (docs.yaml entry 1, docs.yaml entry 3); each rule needs its own", output, StringComparison.Ordinal);
        Assert.Contains("1 problem(s), 1 of 3 rules valid in docs.yaml", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("empty.yaml", "")]
    [InlineData("blank.yaml", "  \n\t\n")]
    [InlineData("comments.yaml", "# no rules yet\n")]
    [InlineData("empty.json", "")]
    [InlineData("blank.json", " \n ")]
    public async Task Validate_EmptyFile_IsTheSameErrorForJsonAndYaml(string name, string text)
    {
        var (exit, output) = await ValidateAsync(name, text);

        Assert.Equal(ExitCodes.Error, exit);
        Assert.Contains($"error: cannot read {name}: {name} is empty: a rules file holds a list of rules (write [] for none)", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("none.yaml", "[]")]
    [InlineData("none.json", "[]")]
    public async Task Validate_EmptyList_IsZeroRulesValid(string name, string text)
    {
        var (exit, output) = await ValidateAsync(name, text);

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains($"✓ 0 rules valid in {name}", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("keys.yaml", "- {[a]: 1}\n", "cannot read keys.yaml: line 1: a mapping key must be plain text, not an alias, a list or a mapping")]
    [InlineData("alias-key.yaml", "- &a {x: 1}\n- {*a : 1}\n", "cannot read alias-key.yaml: line 2: a mapping key must be plain text, not an alias, a list or a mapping")]
    [InlineData("deep.yaml", "- [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n", "cannot read deep.yaml: line 1: values nest deeper than 32 levels")]
    [InlineData("twice.json", """[{"rule_id": "a", "rule_id": "b"}]""", "cannot read twice.json: entry 1: attribute rule_id appears twice")]
    [InlineData("deep.json", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", "cannot read deep.json: deep.json is not valid JSON:")]
    public async Task Validate_MalformedFile_ExitsTwoNamingTheProblem(string name, string text, string message)
    {
        var (exit, output) = await ValidateAsync(name, text);

        Assert.Equal(ExitCodes.Error, exit);
        Assert.Contains(message, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_RuleIdsWithNewlineAndBidiOverride_EchoOneLineEachWithVisibleEscapes()
    {
        var (exit, output) = await ValidateAsync("evil.json", $$"""
            [{"rule_id": "ok\nFORGED ✓ 9 rules valid", {{Json(Rule)}}},
             {"rule_id": "abc\u202Efed", {{Json(Rule)}}}]
            """);

        Assert.Equal(ExitCodes.Invalid, exit);
        Assert.Equal([
            @"✗ rule 'evil.json entry 1 (no rule_id)': rule_id 'ok\nFORGED ✓ 9 rules valid' must be letters, digits, '.', '_' or '-', at most 128",
            @"✗ rule 'evil.json entry 2 (no rule_id)': rule_id 'abc\u202efed' must be letters, digits, '.', '_' or '-', at most 128",
            "2 problem(s), 0 of 2 rules valid in evil.json",
        ], output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd()));
    }

    [Fact]
    public async Task Deny_ApproverNameAndCommentWithNewlineAndBidi_AreAuditedAndShownOnOneLine()
    {
        var (_, run) = await _db.RunCliAsync("run");
        var approvalId = System.Text.RegularExpressions.Regex.Match(run, "apr-[0-9a-f]{32}").Value; // 128 random bits

        var (_, denied) = await _db.RunCliAsync("deny", approvalId, "--by", "mallory\nFORGED approved by alice", "--comment", "abc\u202Efed");
        var (_, audit) = await _db.RunCliAsync("audit", "--rule", "rds-instances-use1");

        Assert.Single(denied.Split('\n', StringSplitOptions.RemoveEmptyEntries)); // the command's own echo is one line too
        var db = await QuotaAutomation.Local.Storage.SqliteDatabase.OpenAsync(_db.Path, CancellationToken.None);
        var stored = Assert.Single(await db.QueryAsync("SELECT message FROM audit WHERE action = 'approval_denied'", row => row.GetString(0), CancellationToken.None));

        // The typed name is a claim beside the OS user: "NAME (typed by OSUSER) via cli". The table may wrap it, so the record is read as stored.
        Assert.EndsWith(@"denied by mallory\nFORGED approved by alice (typed by " + Environment.UserName + @") via cli: abc\u202efed", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("\u202e", audit, StringComparison.Ordinal);
        Assert.DoesNotContain(audit.Split('\n'), l => l.TrimStart().StartsWith("FORGED", StringComparison.Ordinal));
    }

    private static string Json(string yamlPairs) =>
        string.Join(", ", yamlPairs.Split(", ").Select(p => p.Split(": ")).Select(p => $"\"{p[0]}\": \"{p[1]}\""));
}
