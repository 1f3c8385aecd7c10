using System.Text.Json;
using QuotaAutomation.Cli;
using QuotaAutomation.Cli.Json;

namespace QuotaAutomation.Local.Tests;

/// <summary>
/// <c>--output json</c>: standard output is one JSON document and nothing else (messages go to standard error),
/// names are snake_case, <c>+</c> is written as typed, and numbers carry no floating-point noise.
/// </summary>
public sealed class CliJsonTests : IAsyncLifetime
{
    private static readonly string Plans = Path.Combine(Testing.Repository.Root, "tests", "QuotaAutomation.Core.Tests", "Gate", "Plans");
    private readonly TempDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    private async Task<JsonElement> JsonAsync(params string[] args)
    {
        var (exit, stdout, _) = await _db.RunCliSplitAsync([.. args, "--output", "json"]);
        Assert.Equal(ExitCodes.Ok, exit);
        return JsonDocument.Parse(stdout).RootElement; // throws unless stdout is exactly one JSON document
    }

    [Fact]
    public void Numbers_HaveNoFloatingPointNoise_AndPercentagesTwoDecimals()
    {
        var json = JsonSerializer.Serialize(new { Sum = 0.1 + 0.2, Share = JsonOutput.Percent(100 * 2.0 / 3), Unbounded = double.PositiveInfinity }, JsonOutput.Options);

        Assert.Equal("{\n  \"sum\": 0.3,\n  \"share\": 66.67,\n  \"unbounded\": null\n}", json.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Run_OnANewDatabase_StdoutIsOneDocument_MessagesGoToStderr()
    {
        var (exit, stdout, stderr) = await _db.RunCliSplitAsync("run", "--cycles", "3", "--output", "json");

        var run = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("created ", stderr, StringComparison.Ordinal);
        Assert.Equal(["backend", "cycles", "summary"], run.EnumerateObject().Select(p => p.Name));
        Assert.Equal(3, run.GetProperty("cycles").GetArrayLength());
        Assert.Equal(3, run.GetProperty("summary").GetProperty("cycles").GetInt32());
        Assert.Equal("2026-11-24T15:00:00Z", run.GetProperty("cycles")[0].GetProperty("started_at").GetString());
    }

    [Fact]
    public async Task Run_SummaryNamesTheExactApproveCommand()
    {
        var run = await JsonAsync("run");

        var waiting = run.GetProperty("summary").GetProperty("awaiting_approval")[0];
        Assert.Equal($"quota-automation approve {waiting.GetProperty("id").GetString()} --db {_db.Path}", waiting.GetProperty("approve").GetString());
        var (exit, output) = await Testing.CliRunner.RunAsync(waiting.GetProperty("approve").GetString()!.Split(' ')[1..], TimeProvider.System); // the command as printed
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains($"approved {waiting.GetProperty("id").GetString()}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_DecisionsCarryCleanNumbers()
    {
        var (_, stdout, _) = await _db.RunCliSplitAsync("run", "--cycles", "12", "--output", "json");

        var decision = JsonDocument.Parse(stdout).RootElement.GetProperty("cycles")[0].GetProperty("decisions").EnumerateArray()
            .Single(d => d.GetProperty("rule_id").GetString() == "alb-use1");
        Assert.Equal(["rule_id", "quota", "decision", "reason", "quota_value", "usage", "forecast_peak", "forecaster", "utilization_percent"],
            decision.EnumerateObject().Select(p => p.Name));
        Assert.DoesNotMatch(@"\d\.\d{3,}[,\s]", stdout); // forecasts to 2 decimals, percentages to 2, measured values exact
    }

    [Fact]
    public async Task Status_IsOneDocument_WithEachRule()
    {
        await _db.RunCliAsync("run", "--cycles", "2");

        var status = await JsonAsync("status");

        Assert.Equal(("2026-11-24T15:10:00Z", "virtual"), (status.GetProperty("at").GetString(), status.GetProperty("clock").GetString()));
        var typo = status.GetProperty("quotas").EnumerateArray().Single(q => q.GetProperty("rule_id").GetString() == "ec2-spot-typo");
        Assert.StartsWith("rule 'ec2-spot-typo': automation_level 'full-automatic'", typo.GetProperty("problem").GetString(), StringComparison.Ordinal);
        var vcpu = status.GetProperty("quotas").EnumerateArray().Single(q => q.GetProperty("rule_id").GetString() == "ec2-ondemand-use1");
        Assert.Equal(("request", "PENDING"), (vcpu.GetProperty("in_flight").GetProperty("kind").GetString(), vcpu.GetProperty("in_flight").GetProperty("status").GetString()));
    }

    [Fact]
    public async Task RulesList_ShowsLevelsAsTyped_InJsonAndInTheTable()
    {
        var rules = (await JsonAsync("rules", "list")).GetProperty("rules").EnumerateArray().ToList();
        var (_, table) = await _db.RunCliAsync("rules", "list");

        var vcpu = rules.Single(r => r.GetProperty("rule_id").GetString() == "ec2-ondemand-use1");
        Assert.Equal(("full_auto", true, 70.0), (vcpu.GetProperty("automation_level").GetString(), vcpu.GetProperty("valid").GetBoolean(), vcpu.GetProperty("threshold_warning").GetDouble()));
        var typo = rules.Single(r => r.GetProperty("rule_id").GetString() == "ec2-spot-typo");
        Assert.Equal(["rule_id", "valid", "error"], typo.EnumerateObject().Select(p => p.Name));
        Assert.Contains("│ full_auto ", table, StringComparison.Ordinal);
        Assert.DoesNotContain("FullAuto", table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditAndNotifications_AreOneDocumentEach()
    {
        await _db.RunCliAsync("run", "--cycles", "12");

        var audit = await JsonAsync("audit", "--kind", "StatusChange");
        var notifications = await JsonAsync("notifications");

        var change = audit.GetProperty("records")[0];
        Assert.Equal(["id", "run_id", "time", "kind", "rule_id", "quota", "action", "message", "action_id"], change.EnumerateObject().Select(p => p.Name));
        Assert.Contains(audit.GetProperty("records").EnumerateArray(), r => r.GetProperty("message").GetString()!.Contains("PENDING → APPROVED", StringComparison.Ordinal));
        Assert.Contains(notifications.GetProperty("notifications").EnumerateArray(),
            n => n.GetProperty("message").GetString()!.Contains("quota-automation approve apr-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Audit_Changes_KeepsIntentsOutcomesStatusChangesAndRuleEdits_NotDecisions()
    {
        await _db.RunCliAsync("run", "--cycles", "12");
        Assert.Equal(0, (await _db.RunCliAsync("rules", "disable", "lambda-concurrency-use1")).Exit);

        var kinds = (await JsonAsync("audit", "--changes", "--limit", "1000")).GetProperty("records").EnumerateArray().Select(r => r.GetProperty("kind").GetString()).ToHashSet();

        Assert.Equal(new HashSet<string?> { "Intent", "Outcome", "StatusChange", "RuleChange" }, kinds);
    }

    [Theory]
    [InlineData("--since", "30m", "2026-11-24T15:30:00Z", "2026-11-24T16:00:00Z")] // the clock is at 16:00 after 12 cycles
    [InlineData("--since", "2026-11-24T15:20Z", "2026-11-24T15:20:00Z", "2026-11-24T16:00:00Z")]
    [InlineData("--until", "2026-11-24T15:10Z", "2026-11-24T15:00:00Z", "2026-11-24T15:09:59Z")]
    public async Task Audit_SinceAndUntil_SelectTheWindow(string option, string value, string earliest, string latest)
    {
        await _db.RunCliAsync("run", "--cycles", "12");

        var times = (await JsonAsync("audit", option, value, "--limit", "10000")).GetProperty("records").EnumerateArray()
            .Select(r => DateTimeOffset.Parse(r.GetProperty("time").GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToList();

        Assert.NotEmpty(times);
        Assert.InRange(times.Min(), DateTimeOffset.Parse(earliest, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.Parse(latest, System.Globalization.CultureInfo.InvariantCulture));
        Assert.InRange(times.Max(), DateTimeOffset.Parse(earliest, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.Parse(latest, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Check_OutputJson_MeansFormatJson_WithPlusAsTyped()
    {
        var (exit, stdout, _) = await _db.RunCliSplitAsync("check", "--plan", Path.Combine(Plans, "every-mapped-type.json"), "--output", "json");

        var report = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal((ExitCodes.Invalid, "shortfall"), (exit, report.GetProperty("verdict").GetString()));
        Assert.Contains("\"aws_vpc.main (+1)\"", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u002B", stdout, StringComparison.Ordinal);
    }
}
