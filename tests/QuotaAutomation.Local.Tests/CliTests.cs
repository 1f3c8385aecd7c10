using System.Text.RegularExpressions;
using QuotaAutomation.Cli;

namespace QuotaAutomation.Local.Tests;

/// <summary>The command line in-process: exit codes scripts rely on, and what people read.</summary>
public sealed partial class CliTests : IAsyncLifetime
{
    [GeneratedRegex("apr-[0-9a-f]{32}")]
    private static partial Regex ApprovalId();

    private readonly TempDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    private Task<(int Exit, string Output)> RunAsync(params string[] args) => _db.RunCliAsync(args);

    private const string ValidYaml = """
        rules:
          - rule_id: ec2-vcpu-use1
            service_code: ec2
            quota_code: L-1216C47A
            region: us-east-1
            automation_level: Full-Auto
            threshold_warning: "65%"
            approval_required: TRUE
          - rule_id: member-vpcs
            service_code: vpc
            quota_code: L-F678F1CE
            region: eu-west-1
            account_id: 012345678901
            automation_level: alert_only
        """;

    [Fact]
    public async Task RulesValidate_ValidYaml_ExitsZero()
    {
        var (exit, output) = await RunAsync("rules", "validate", _db.WriteFile("rules.yaml", ValidYaml));

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("✓ 2 rules valid in rules.yaml", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RulesValidate_InvalidRules_ExitsOneAndNamesEachRuleAndField()
    {
        var path = _db.WriteFile("rules.json", """
            [
              {"rule_id": "a", "service_code": "ec2", "quota_code": "L-1216C47A", "region": "us-east-1", "automation_level": "full_auto", "threshold_critical": 120},
              {"rule_id": "b", "service_code": "ec2", "quota_code": "L-1216C47A", "region": "us-east-1", "automation_level": "sometimes"},
              {"rule_id": "c", "service_code": "vpc", "quota_code": "L-F678F1CE", "region": "us-east-1", "automation_level": "alert_only"}
            ]
            """);

        var (exit, output) = await RunAsync("rules", "validate", path);

        Assert.Equal(ExitCodes.Invalid, exit);
        Assert.Contains("✗ rule 'a': threshold_critical 120 must be ≤ 100", output, StringComparison.Ordinal);
        Assert.Contains("✗ rule 'b': automation_level 'sometimes' must be one of", output, StringComparison.Ordinal);
        Assert.Contains("2 problem(s), 1 of 3 rules valid in rules.json", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RulesValidate_DuplicateRuleIds_AreInvalid()
    {
        var rule = """{"rule_id": "a", "service_code": "ec2", "quota_code": "L-1216C47A", "region": "us-east-1", "automation_level": "full_auto"}""";

        var (exit, output) = await RunAsync("rules", "validate", _db.WriteFile("dup.json", $"[{rule},{rule}]"));

        Assert.Equal(ExitCodes.Invalid, exit);
        Assert.Contains("✗ rule 'a': rule_id appears 2 times (dup.json entry 1, dup.json entry 2); each rule needs its own", output, StringComparison.Ordinal);
        Assert.Contains("1 problem(s), 0 of 2 rules valid in dup.json", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("missing.yaml", null)]
    [InlineData("bad.json", "{ not json")]
    [InlineData("bad.yaml", "rules: [unclosed")]
    [InlineData("scalar.yaml", "just text")]
    public async Task RulesValidate_UnreadableFile_ExitsTwo(string name, string? text)
    {
        var path = text is null ? Path.Combine(Path.GetDirectoryName(_db.Path)!, name) : _db.WriteFile(name, text);

        var (exit, output) = await RunAsync("rules", "validate", path);

        Assert.Equal(ExitCodes.Error, exit);
        Assert.Contains($"cannot read {name}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RulesImport_InvalidFile_ImportsNothing()
    {
        await RunAsync("rules", "import", _db.WriteFile("good.yaml", ValidYaml));
        var bad = _db.WriteFile("bad.yaml", ValidYaml.Replace("alert_only", "alert_always", StringComparison.Ordinal).Replace("ec2-vcpu-use1", "new-rule", StringComparison.Ordinal));

        var (exit, output) = await RunAsync("rules", "import", bad);
        var (_, list) = await RunAsync("rules", "list");

        Assert.Equal(ExitCodes.Invalid, exit);
        Assert.Contains("nothing imported", output, StringComparison.Ordinal);
        Assert.DoesNotContain("new-rule", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RulesImport_ValidYaml_StoresRulesAsTyped()
    {
        var (exit, output) = await RunAsync("rules", "import", _db.WriteFile("rules.yaml", ValidYaml));
        var (_, list) = await RunAsync("rules", "list");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("imported 2 rules", output, StringComparison.Ordinal);
        Assert.Contains("vpc/L-F678F1CE@eu-west-1#012345678901", list, StringComparison.Ordinal);
        Assert.Contains("65/85/95", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_FreshDatabase_CreatesItAndPrintsEveryDecision()
    {
        var (exit, output) = await RunAsync("run");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("9 sample rules, clock 2026-11-24 15:00 UTC", output, StringComparison.Ordinal);
        Assert.Contains("rule 'ec2-spot-typo': automation_level 'full-automatic'", output, StringComparison.Ordinal);
        Assert.Contains("filed request sim-000001 (PENDING)", output, StringComparison.Ordinal);
        Assert.Matches("approval apr-[0-9a-f]{32} waiting", output);
    }

    [Fact]
    public async Task RunCycles_ThenStatusAuditAndNotifications_ShowTheSameStory()
    {
        var (exit, summary) = await RunAsync("run", "--cycles", "12");
        var (_, status) = await RunAsync("status");
        var (_, audit) = await RunAsync("audit", "--kind", "StatusChange");
        var (_, notifications) = await RunAsync("notifications");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("12 cycles, 2026-11-24 15:00 → 2026-11-24 15:55 UTC (virtual)", summary, StringComparison.Ordinal);
        var approvalId = ApprovalId().Match(summary).Value; // 128 random bits, not the rule and the time
        Assert.NotEmpty(approvalId);
        Assert.Contains("status at 2026-11-24 16:00 UTC", status, StringComparison.Ordinal);
        Assert.Contains("PENDING → APPROVED", audit, StringComparison.Ordinal);
        // The table wraps the message's lines at its width: the command and the id may fall on two lines.
        Assert.Matches($@"quota-automation approve\s+(│\s+)*{approvalId}", notifications);
    }

    [Fact]
    public async Task ApproveAndDeny_ExitCodesForUnknownAndAlreadyDecided()
    {
        var approvalId = ApprovalId().Match((await RunAsync("run")).Output).Value;

        var unknown = await RunAsync("approve", "apr-nope");
        var denied = await RunAsync("deny", approvalId, "--by", "bob", "--comment", "not this quarter");
        var again = await RunAsync("approve", approvalId);
        var stored = await (await _db.OpenAsync()).Requests.FindApprovalAsync(approvalId, CancellationToken.None);

        Assert.Equal((ExitCodes.Error, ExitCodes.Ok, ExitCodes.Invalid), (unknown.Exit, denied.Exit, again.Exit));
        // The OS user is who decided; the typed name is only a claim beside it.
        Assert.Equal(($"bob (typed by {Environment.UserName})", "not this quarter"), (stored!.DecidedBy, stored.Comment));
    }

    [Fact]
    public async Task Approve_WithATokenThatWasNotIssued_FailsLikeStepFunctions_AndChangesNothing()
    {
        var approvalId = ApprovalId().Match((await RunAsync("run")).Output).Value;

        var forged = await RunAsync("approve", approvalId, "--token", "AQCEAAAAKgAAAAforged");
        var stillWaiting = await RunAsync("deny", approvalId);

        Assert.Equal((ExitCodes.Error, ExitCodes.Ok), (forged.Exit, stillWaiting.Exit));
        Assert.Contains("TaskDoesNotExist: Task Timed Out or does not exist", forged.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BadCycleCount_ExitsTwo()
    {
        Assert.Equal(ExitCodes.Error, (await RunAsync("run", "--cycles", "0")).Exit);
    }

    [Fact]
    public async Task Run_WithPriceTable_EstimatesCostFromIt()
    {
        var prices = _db.WriteFile("prices.json", """{"usd_per_unit_hour": {"ec2": 0.05}, "hours_per_month": 730}""");

        var (exit, output) = await RunAsync("run", "--prices", prices);

        Assert.Equal(ExitCodes.Ok, exit);
        // 256 × $0.05 × 730 (the model forecasts an emergency: ×2; the risk sizing's reason says what it sized to between).
        Assert.Matches(@"256 → 512; sized to [^;]*; est\. \$9,344/month", output);
    }

    [Theory]
    [InlineData("""{"usd_per_unit_hour": {"ec2": -1}}""", "usd_per_unit_hour.ec2 -1 must be a number ≥ 0")]
    [InlineData("""{"hours": 720}""", "'hours' is not a price table member")]
    public async Task Run_WithBadPriceTable_ExitsTwoNamingTheField(string json, string message)
    {
        var (exit, output) = await RunAsync("run", "--prices", _db.WriteFile("prices.json", json));

        Assert.Equal(ExitCodes.Error, exit);
        Assert.Contains(message, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WithShortApprovalDelay_SeesRequestsDecidedSooner()
    {
        var (_, output) = await RunAsync("run", "--cycles", "3", "--approval-delay", "5", "--deny-rate", "0");

        Assert.Contains("request sim-000001 for ec2/L-1216C47A@us-east-1 (512): PENDING → APPROVED", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WithDenyRateAboveOne_ExitsTwo()
    {
        Assert.Equal(ExitCodes.Error, (await RunAsync("run", "--deny-rate", "2")).Exit);
    }

    [Fact]
    public async Task Run_WithTheModel_ForecastsWithTheShippedModel()
    {
        var (exit, output) = await RunAsync("run", "--forecaster", "model");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("(fasttree)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("not loaded", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnknownForecaster_ExitsTwo()
    {
        Assert.Equal(ExitCodes.Error, (await RunAsync("run", "--forecaster", "crystal-ball")).Exit);
    }
}
