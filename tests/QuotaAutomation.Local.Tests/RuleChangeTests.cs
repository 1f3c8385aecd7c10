using QuotaAutomation.Cli;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Local.Storage;

namespace QuotaAutomation.Local.Tests;

/// <summary><c>rules delete|disable|enable</c> and <c>rules import --replace</c> on the embedded backend: what is stored afterwards, and the audit.</summary>
public sealed class RuleChangeTests : IAsyncLifetime
{
    private readonly TempDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    private static readonly string Who = Environment.UserName;

    private const string TwoRules = """
        [
          {"rule_id": "vpcs-use1", "service_code": "vpc", "quota_code": "L-F678F1CE", "region": "us-east-1", "automation_level": "monitor_only"},
          {"rule_id": "mine", "service_code": "ec2", "quota_code": "L-1216C47A", "region": "us-east-1", "automation_level": "alert_only", "enabled": false}
        ]
        """;

    private async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>>> StoredAsync() =>
        await (await _db.OpenAsync()).Rules.LoadByIdAsync(CancellationToken.None);

    private async Task<IReadOnlyList<AuditEntry>> ChangesAsync(string ruleId) =>
        await (await _db.OpenAsync()).Audit.QueryAsync(ruleId, AuditKind.RuleChange, 10, CancellationToken.None);

    [Fact]
    public async Task Disable_KeepsTheRule_SetsEnabledFalse_AndAuditsWhoAndTheChange()
    {
        var (exit, output) = await _db.RunCliAsync("rules", "disable", "vpcs-use1");

        var stored = await StoredAsync();
        var audit = Assert.Single(await ChangesAsync("vpcs-use1"));
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("disabled vpcs-use1", output, StringComparison.Ordinal);
        Assert.Equal((9, false, "alert_only"), (stored.Count, stored["vpcs-use1"]["enabled"], stored["vpcs-use1"]["automation_level"]));
        Assert.Equal(("rule_disabled", $"rule 'vpcs-use1' disabled by {Who} (enabled true → false)"), (audit.Action, audit.Message));
    }

    [Fact]
    public async Task Enable_AfterDisable_SetsEnabledTrue_AndAudits()
    {
        await _db.RunCliAsync("rules", "disable", "vpcs-use1");

        var (exit, _) = await _db.RunCliAsync("rules", "enable", "vpcs-use1");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal(true, (await StoredAsync())["vpcs-use1"]["enabled"]);
        Assert.Equal($"rule 'vpcs-use1' enabled by {Who} (enabled false → true)", (await ChangesAsync("vpcs-use1"))[^1].Message);
    }

    [Fact]
    public async Task Disable_AlreadyDisabled_ChangesAndAuditsNothing()
    {
        await _db.RunCliAsync("rules", "disable", "vpcs-use1");

        var (exit, output) = await _db.RunCliAsync("rules", "disable", "vpcs-use1");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("vpcs-use1 was already disabled", output, StringComparison.Ordinal);
        Assert.Single(await ChangesAsync("vpcs-use1"));
    }

    [Fact]
    public async Task Delete_TheBrokenSample_RemovesIt_AndKeepsTheItemInTheAudit()
    {
        var (exit, output) = await _db.RunCliAsync("rules", "delete", "ec2-spot-typo");

        var audit = Assert.Single(await ChangesAsync("ec2-spot-typo"));
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("deleted ec2-spot-typo", output, StringComparison.Ordinal);
        Assert.False((await StoredAsync()).ContainsKey("ec2-spot-typo"));
        Assert.Equal(("rule_deleted", $"rule 'ec2-spot-typo' deleted by {Who} (enabled was true)"), (audit.Action, audit.Message));
    }

    [Theory]
    [InlineData("delete")]
    [InlineData("disable")]
    [InlineData("enable")]
    public async Task Change_UnknownId_ExitsTwoNamingIt_AndChangesNothing(string verb)
    {
        var (exit, output) = await _db.RunCliAsync("rules", verb, "vpcs-use1", "nope", "alb-use");

        Assert.Equal(ExitCodes.Error, exit);
        Assert.Contains("error: no rule 'nope', 'alb-use': nothing changed (see rules list)", output, StringComparison.Ordinal);
        Assert.Equal(9, (await StoredAsync()).Count);
        Assert.Empty(await ChangesAsync("vpcs-use1"));
    }

    [Fact]
    public async Task Import_WithoutReplace_Upserts()
    {
        var (exit, _) = await _db.RunCliAsync("rules", "import", _db.WriteFile("two.json", TwoRules));

        var stored = await StoredAsync();
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal((10, "monitor_only"), (stored.Count, stored["vpcs-use1"]["automation_level"]));
        Assert.Equal($"rule 'vpcs-use1' imported by {Who} (replaced the stored item, enabled true → true)", Assert.Single(await ChangesAsync("vpcs-use1")).Message);
        Assert.Equal($"rule 'mine' imported by {Who} (new, enabled false)", Assert.Single(await ChangesAsync("mine")).Message);
    }

    [Fact]
    public async Task ImportReplace_LeavesExactlyTheFilesRules_AndAuditsEachDeletion()
    {
        var (exit, output) = await _db.RunCliAsync("rules", "import", "--replace", _db.WriteFile("two.json", TwoRules));

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal(["mine", "vpcs-use1"], (await StoredAsync()).Keys.Order(StringComparer.Ordinal));
        Assert.Contains("deleted ec2-spot-typo (not in the file)", output, StringComparison.Ordinal);
        Assert.Equal($"rule 'ec2-spot-typo' deleted by {Who}: not in the file imported with --replace (enabled was true)",
            Assert.Single(await ChangesAsync("ec2-spot-typo")).Message);
    }

    [Fact]
    public async Task ImportReplace_InvalidFile_DeletesNothing()
    {
        var (exit, _) = await _db.RunCliAsync("rules", "import", "--replace", _db.WriteFile("bad.json", TwoRules.Replace("monitor_only", "sometimes", StringComparison.Ordinal)));

        Assert.Equal(ExitCodes.Invalid, exit);
        Assert.Equal(9, (await StoredAsync()).Count);
    }
}
