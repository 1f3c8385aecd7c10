using QuotaAutomation.Cli;

namespace QuotaAutomation.Local.Tests;

/// <summary><c>compliance</c> on the simulated account's sample rules.</summary>
public sealed class ComplianceCommandTests : IAsyncLifetime
{
    private readonly TempDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task DisablingTheVpcRule_LeavesA80PercentQuotaWithoutARule_AndCompliance_SaysSo()
    {
        await _db.RunCliAsync("run");
        var (exit, before) = await _db.RunCliAsync("compliance", "--fail-on-findings");

        // The sample rules hold one malformed item: it is the only finding.
        Assert.Equal(ExitCodes.Invalid, exit);
        Assert.Contains("1 finding(s) in us-east-1", before, StringComparison.Ordinal);

        await _db.RunCliAsync("rules", "disable", "vpcs-use1");
        var (after, json) = await _db.RunCliAsync("compliance", "-o", "json");

        Assert.Equal(ExitCodes.Ok, after); // a report unless asked to fail
        Assert.Contains("\"kind\": \"unruled_near_quota\",\n      \"subject\": \"vpc/L-F678F1CE@us-east-1\",\n      \"detail\": \"VPCs per Region: 4 of 5 = 80% and its only rule, 'vpcs-use1', is disabled\"", json.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("\"kind\": \"disabled_rule\",\n      \"subject\": \"vpcs-use1\"", json.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("\"kind\": \"rejected_rule\",\n      \"subject\": \"ec2-spot-typo\"", json.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANearThresholdOutsidePercentages_IsRefused()
    {
        var (exit, output) = await _db.RunCliAsync("compliance", "--near", "0");

        Assert.Equal(ExitCodes.Error, exit);
        Assert.Contains("--near 0 must be a percentage above 0 and at most 100", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fleet_OverTheVirtualOrganization_NamesTheUnreachableAndSkippedAccounts_AndFailsOnFindingsWhenAsked()
    {
        var (exit, json, _) = await _db.RunCliSplitAsync("compliance", "--fleet", "-o", "json");
        var (failing, _) = await _db.RunCliAsync("compliance", "--fleet", "--fail-on-findings");

        Assert.Equal((ExitCodes.Ok, ExitCodes.Invalid), (exit, failing));
        var root = System.Text.Json.JsonDocument.Parse(json).RootElement;
        Assert.Equal(1, root.GetProperty("unreachable").GetInt32()); // the virtual organization leaves the member role out of one account in 250 (the 5th)
        var kinds = root.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("kind").GetString()).ToList();
        Assert.Contains("unreachable_account", kinds);
        Assert.Equal(3, kinds.Count(k => k == "skipped_account")); // suspended, closed, pending closure
        Assert.Contains("MemberRoleMissingException: AssumeRole: AccessDenied", json, StringComparison.Ordinal);
        Assert.True(root.GetProperty("governed").GetInt32() > 0);
    }
}
