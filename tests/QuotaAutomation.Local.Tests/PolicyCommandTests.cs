using QuotaAutomation.Cli;

namespace QuotaAutomation.Local.Tests;

/// <summary><c>policy validate|test|import|list|delete</c> and <c>--policies</c> on the embedded backend.</summary>
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
            - policy_id: big-asks
              approval_above_value: 4000
              approver_groups: {security: "arn:aws:iam::123456789012:role/Security", finance: "arn:aws:iam::123456789012:role/Finance"}
            - policy_id: sandbox-spend
              account_id: ou-ab12-sandbox1
              monthly_budget: 2000
              budget_per: account
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
        Assert.Contains("approved by 2 different people, one from each of security, finance ('big-asks')", inProd, StringComparison.Ordinal);
        Assert.DoesNotContain("sandbox-spend", inProd, StringComparison.Ordinal);
        Assert.Contains("charged to budget 'sandbox-spend' (account 123456789012), $2,000/month, over it a person approves ('sandbox-spend')", elsewhere, StringComparison.Ordinal);
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

    [Fact]
    public async Task Import_StoresThePolicies_EveryCycleReadsThem_AndTheChangeIsAuditedWithWhoAndTheItem()
    {
        var frozen = _db.WriteFile("frozen.yaml", "- {policy_id: freeze, never_raise: true, owner: platform}\n");

        var (imported, importOutput) = await _db.RunCliAsync("policy", "import", frozen);
        var (_, run) = await _db.RunCliAsync("run");
        var (_, trail) = await _db.RunCliAsync("audit", "--rule", "policy:freeze", "-o", "json");

        Assert.Equal(ExitCodes.Ok, imported);
        Assert.Contains("imported 1 policies", importOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("filed request", run, StringComparison.Ordinal);
        Assert.Contains("policy 'freeze': never raises", run.ReplaceLineEndings(" "), StringComparison.Ordinal);
        Assert.Contains("\"kind\": \"PolicyChange\"", trail, StringComparison.Ordinal);
        Assert.Contains($"policy 'freeze' imported by {Environment.UserName} (new)", trail, StringComparison.Ordinal);
        var (action, details) = Assert.Single(await PolicyTrailAsync("freeze"));
        Assert.Equal("policy_imported", action);
        Assert.Contains("\\u0022never_raise\\u0022:true", details, StringComparison.Ordinal); // the item as imported, whole
    }

    [Fact]
    public async Task Import_WithAnInvalidPolicy_StoresNothing()
    {
        var mixed = _db.WriteFile("mixed.yaml", "- {policy_id: caps, max_value: 10}\n- {policy_id: freeze, never_raise: perhaps}\n");

        var (exit, output) = await _db.RunCliAsync("policy", "import", mixed);
        var (listed, list) = await _db.RunCliAsync("policy", "list");

        Assert.Equal(ExitCodes.Invalid, exit);
        Assert.Contains("nothing imported", output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, listed);
        Assert.Contains("no stored policies", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStoredItemBrokenByHand_IsListedAndValidatedAsSuch_AndTheCycleFailsClosed()
    {
        {
            var backend = await _db.OpenAsync();
            await backend.Policies.ApplyAsync([KeyValuePair.Create("steps", (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?> { ["max_step"] = "two" })], [], CancellationToken.None);
        }

        var (listed, list) = await _db.RunCliAsync("policy", "list");
        var (validated, validation) = await _db.RunCliAsync("policy", "validate");
        var (ran, run) = await _db.RunCliAsync("run");
        var (_, rejected) = await _db.RunCliAsync("audit", "--kind", "PolicyRejected");

        Assert.Equal((ExitCodes.Invalid, ExitCodes.Invalid, ExitCodes.Ok), (listed, validated, ran));
        Assert.Contains("policy 'steps': max_step 'two' must be a number", list.ReplaceLineEndings(" "), StringComparison.Ordinal);
        Assert.Contains("1 problem(s), 0 policies valid", validation, StringComparison.Ordinal);
        Assert.DoesNotContain("filed request", run, StringComparison.Ordinal);
        Assert.Contains("fail-closed:invalid-policy", run.ReplaceLineEndings(" "), StringComparison.Ordinal);
        Assert.Contains("policy_rejected", rejected, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_RemovesThePolicy_KeepsTheItemInTheTrail_AndRefusesAnUnknownId()
    {
        await _db.RunCliAsync("policy", "import", _db.WriteFile("p.yaml", "- {policy_id: caps, max_value: 10}\n- {policy_id: steps, max_step: 2}\n"));

        var (unknown, unknownOutput) = await _db.RunCliAsync("policy", "delete", "caps", "nope");
        var (deleted, _) = await _db.RunCliAsync("policy", "delete", "caps");
        var (_, list) = await _db.RunCliAsync("policy", "list", "-o", "json");

        Assert.Equal((ExitCodes.Error, ExitCodes.Ok), (unknown, deleted));
        Assert.Contains("no policy 'nope': nothing changed", unknownOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("\"caps\"", list, StringComparison.Ordinal);
        Assert.Contains("\"steps\"", list, StringComparison.Ordinal);
        var records = await PolicyTrailAsync("caps");
        Assert.Equal(["policy_imported", "policy_deleted"], records.Select(r => r.Action));
        Assert.Contains("\\u0022max_value\\u0022:10", records[1].Details, StringComparison.Ordinal); // the item before, whole
    }

    /// <summary>A policy's audit records as stored: the action and the details' JSON.</summary>
    private async Task<List<(string Action, string Details)>> PolicyTrailAsync(string policyId)
    {
        var backend = await _db.OpenAsync();
        return await backend.Database.QueryAsync("SELECT action, details FROM audit WHERE kind = 'PolicyChange' AND rule_id = $rule ORDER BY seq",
            row => (row.GetString(0), row.GetString(1)), CancellationToken.None, ("$rule", $"policy:{policyId}"));
    }

    [Fact]
    public async Task ABudget_SendsWhatItCannotPayForToAPerson_AndBudgetsShowsTheMonthsSpend()
    {
        await _db.RunCliAsync("policy", "import", _db.WriteFile("budget.yaml", "- {policy_id: org-spend, monthly_budget: 50}\n"));

        var (_, run) = await _db.RunCliAsync("run", "-o", "json");
        var (exit, budgets) = await _db.RunCliAsync("policy", "budgets", "-o", "json");

        Assert.DoesNotContain("\"kind\": \"request_increase\"", run, StringComparison.Ordinal);
        Assert.Contains("policy 'org-spend': budget 'org-spend' (organization): $0 of $50 spent in 2026-11", run, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("\"spent\": 0", budgets, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARoomyBudget_IsChargedWithWhatWasFiled()
    {
        await _db.RunCliAsync("policy", "import", _db.WriteFile("budget.yaml", "- {policy_id: org-spend, monthly_budget: 1000000}\n"));

        var (_, run) = await _db.RunCliAsync("run");
        var (_, budgets) = await _db.RunCliAsync("policy", "budgets", "-o", "json");

        Assert.Contains("filed request sim-000001", run, StringComparison.Ordinal);
        var spent = System.Text.Json.JsonDocument.Parse(budgets).RootElement.GetProperty("budgets")[0].GetProperty("spent").GetDouble();
        Assert.True(spent > 0, budgets);
    }

    [Fact]
    public async Task ApproversRequired_TheCliRecordsTheFirstApproval_AndRefusesTheSamePersonTwice()
    {
        await _db.RunCliAsync("policy", "import", _db.WriteFile("chain.yaml", "- {policy_id: two-people, approval_required: true, approvers_required: 2}\n"));
        await _db.RunCliAsync("run");
        var (_, status) = await _db.RunCliAsync("status", "-o", "json");
        var approval = System.Text.RegularExpressions.Regex.Match(status, "apr-[0-9a-f]{32}").Value;

        var (first, recorded) = await _db.RunCliAsync("approve", approval);
        var (again, refused) = await _db.RunCliAsync("approve", approval, "--by", "someone-else");
        var (_, after) = await _db.RunCliAsync("status", "-o", "json");

        Assert.Equal((ExitCodes.Ok, ExitCodes.Invalid), (first, again));
        Assert.Contains($"recorded your approval of {approval} (1 of 2)", recorded, StringComparison.Ordinal);
        Assert.Contains("another person must approve", refused.ReplaceLineEndings(" "), StringComparison.Ordinal);
        Assert.Contains(approval, after, StringComparison.Ordinal); // still waiting: nothing filed
        var (_, trail) = await _db.RunCliAsync("audit", "--kind", "Error", "-o", "json");
        Assert.Contains("approval_refused", trail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApproverGroups_OnTheEmbeddedBackend_TheOsUserFillsItsGroup_AndTheOtherGroupStillWaits()
    {
        var me = Environment.UserName;
        await _db.RunCliAsync("policy", "import", _db.WriteFile("groups.yaml",
            $"- policy_id: ops-and-finance\n  approval_required: true\n  approver_groups:\n    ops: local:{me}\n    finance: [local:qa-finance-nobody]\n"));
        var (_, list) = await _db.RunCliAsync("policy", "list");
        await _db.RunCliAsync("run");
        var (_, status) = await _db.RunCliAsync("status", "-o", "json");
        var approval = System.Text.RegularExpressions.Regex.Match(status, "apr-[0-9a-f]{32}").Value;

        var (exit, recorded) = await _db.RunCliAsync("approve", approval);
        var (_, after) = await _db.RunCliAsync("status", "-o", "json");
        var (_, shown) = await _db.RunCliAsync("status");
        var (_, trail) = await _db.RunCliAsync("audit", "--changes", "-o", "json");

        Assert.Contains("approvers one from each of ops", list.ReplaceLineEndings(" "), StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains($"recorded your approval of {approval} (1 of 2): waiting for 1 more approver (from finance)", recorded.ReplaceLineEndings(" "), StringComparison.Ordinal);
        Assert.Contains(approval, after, StringComparison.Ordinal); // still waiting: nothing filed
        Assert.Contains($"one from each of ops, finance; approved so far by {me}; still waiting for finance", shown.ReplaceLineEndings(" "), StringComparison.Ordinal);
        Assert.Contains("approval_partial", trail, StringComparison.Ordinal);
    }
}
