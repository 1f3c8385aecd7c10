using QuotaAutomation.Cli;

namespace QuotaAutomation.Local.Tests;

/// <summary><c>policy validate|test</c> and <c>--policies</c> on the embedded backend.</summary>
public sealed class PolicyCommandTests : IAsyncLifetime
{
    private readonly TempDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task Validate_NamesThePolicyAndTheField_AndExitsInvalid()
    {
        var path = _db.WriteFile("policies.yaml", """
            - policy_id: caps
              service_code: ec2
              max_value: 5000
            - policy_id: steps
              max_step: 0.5
              max_stpe: 2
            """);

        var (exit, output) = await _db.RunCliAsync("policy", "validate", path);

        Assert.Equal(ExitCodes.Invalid, exit);
        Assert.Contains("✗ policy 'steps': max_step 0.5 must be > 1 and ≤ 100", output, StringComparison.Ordinal);
        Assert.Contains("max_stpe is not a policy attribute (did you mean max_step?)", output.ReplaceLineEndings(" "), StringComparison.Ordinal);
        Assert.Contains("1 problem(s), 1 policies valid in policies.yaml", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_ShowsWhatEachRuleMayDo_AndThePolicyThatWon()
    {
        var policies = _db.WriteFile("policies.yaml", """
            - policy_id: vcpu-ceiling
              service_code: ec2
              quota_code: L-1216C47A
              max_value: 5000
            - policy_id: prod-only-auto-approves
              auto_approve_accounts: ou-ab12-prod0001
            """);
        var rules = _db.WriteFile("rules.yaml", """
            - rule_id: vcpus
              service_code: ec2
              quota_code: L-1216C47A
              region: us-east-1
              account_id: "123456789012"
              automation_level: full_auto
            """);

        var (exit, inProd) = await _db.RunCliAsync("--policies", policies, "policy", "test", rules, "--parents", "r-ab12,ou-ab12-prod0001", "-o", "json");
        var (_, elsewhere) = await _db.RunCliAsync("--policies", policies, "policy", "test", rules, "--parents", "r-ab12,ou-ab12-sandbox1", "-o", "json");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("\"level\": \"full_auto\"", inProd, StringComparison.Ordinal);
        Assert.Contains("\"cap\": 5000", inProd, StringComparison.Ordinal);
        Assert.Contains("\"level\": \"auto_request\"", elsewhere, StringComparison.Ordinal);
        Assert.Contains("policy 'prod-only-auto-approves': does not include the account in auto_approve_accounts", elsewhere, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WithAPolicyThatForbidsRaising_FilesNothing_AndSaysWhichPolicy()
    {
        var frozen = _db.WriteFile("frozen.yaml", "- {policy_id: freeze, never_raise: true}\n");
        var (exit, output) = await _db.RunCliAsync("--policies", frozen, "run");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.DoesNotContain("filed request", output, StringComparison.Ordinal);
        Assert.Contains("policy 'freeze': never raises", output.ReplaceLineEndings(" "), StringComparison.Ordinal);

        // The same first cycle on a fresh database without the policy files an increase.
        var unpoliced = new TempDatabase();
        await unpoliced.InitializeAsync();
        try
        {
            Assert.Contains("filed request sim-000001", (await unpoliced.RunCliAsync("run")).Output, StringComparison.Ordinal);
        }
        finally
        {
            await unpoliced.DisposeAsync();
        }
    }

    [Fact]
    public async Task Run_WithAnInvalidPolicy_RunsNothing()
    {
        var broken = _db.WriteFile("broken.yaml", "- {policy_id: freeze, never_raise: perhaps}\n");

        var (exit, output) = await _db.RunCliAsync("--policies", broken, "run");

        Assert.Equal(ExitCodes.Error, exit);
        Assert.Contains("policy 'freeze': never_raise 'perhaps' must be true or false", output.ReplaceLineEndings(" "), StringComparison.Ordinal);
        Assert.DoesNotContain("cycle", output, StringComparison.Ordinal);
    }
}
