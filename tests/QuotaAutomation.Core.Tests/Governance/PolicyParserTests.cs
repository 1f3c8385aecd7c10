using QuotaAutomation.Core.Governance;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Tests.Governance;

public class PolicyParserTests
{
    private static RawPolicy Item(params (string Name, object? Value)[] attributes) =>
        new("policies.yaml entry 1", attributes.ToDictionary(a => a.Name, a => a.Value, StringComparer.Ordinal));

    [Fact]
    public void Parse_ReadsWhatPeopleType()
    {
        var parsed = PolicyParser.Parse(Item(
            ("policy_id", "ec2-caps"), ("service_code", "ec2"), ("account_id", "ou-ab12-34cd56ef, 123456789012"),
            ("max_value", "5000"), ("max_step", 1.5), ("never_raise", "no"), ("auto_approve_accounts", new List<object?> { "ou-ab12-prod0001" }),
            ("approval_above_monthly_cost", "250"), ("description", "kept, never read")));

        Assert.True(parsed.Success, parsed.Error);
        var policy = parsed.Value;
        Assert.Equal(("ec2", WildcardRules.All), (policy.ServiceCode, policy.QuotaCode));
        Assert.Equal(["ou-ab12-34cd56ef", "123456789012"], policy.Accounts);
        Assert.Equal((5000d, 1.5d, 250d), (policy.MaxValue, policy.MaxStep, policy.ApprovalAboveMonthlyCost));
        Assert.Equal(["ou-ab12-prod0001"], policy.AutoApproveAccounts);
        Assert.False(policy.NeverRaise);
        Assert.Null(policy.ApprovalAboveValue);
        Assert.True(policy.Enabled);
    }

    [Fact]
    public void Parse_ABudget_AloneIsALimit_AndItsOptionsNeedIt()
    {
        var budget = PolicyParser.Parse(Item(("policy_id", "sandbox-spend"), ("account_id", "ou-ab12-sandbox1"), ("monthly_budget", "2000"), ("budget_per", "Account"), ("over_budget", "hold")));
        var orphans = PolicyParser.Parse(Item(("policy_id", "odd"), ("max_value", 10), ("budget_per", "account"), ("over_budget", "later")));

        Assert.True(budget.Success, budget.Error);
        Assert.Equal((2000d, BudgetPer.Account, OverBudget.Hold), (budget.Value.MonthlyBudget, budget.Value.BudgetPer, budget.Value.OverBudget));
        Assert.Equal("policy 'odd': budget_per needs a monthly_budget to apply to; over_budget 'later' must be one of approval, hold; over_budget needs a monthly_budget to apply to", orphans.Error);
        Assert.Equal((BudgetPer.Scope, OverBudget.Approval), (PolicyParser.Parse(Item(("policy_id", "b"), ("monthly_budget", 0))).Value.BudgetPer,
            PolicyParser.Parse(Item(("policy_id", "b"), ("monthly_budget", 0))).Value.OverBudget));
    }

    [Fact]
    public void Parse_ApproverGroups_AMapOfNamesToMembers_EachBadMemberNamed()
    {
        var groups = PolicyParser.Parse(Item(("policy_id", "big-asks"), ("approval_above_monthly_cost", 1000), ("approver_groups", new Dictionary<string, object?>
        {
            ["security"] = "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Security_*/*",
            ["finance"] = new List<object?> { "arn:aws:iam::111122223333:user/finance-*", "local:carol" },
        })));
        var bad = PolicyParser.Parse(Item(("policy_id", "odd"), ("approvers_required", 1), ("approver_groups", new Dictionary<string, object?>
        {
            ["security"] = "alice",
            ["bad name!"] = new List<object?> { "local:" },
            ["finance"] = 5d,
        })));
        var notAMap = PolicyParser.Parse(Item(("policy_id", "odd"), ("approver_groups", "security")));
        var crowded = PolicyParser.Parse(Item(("policy_id", "crowded"), ("approver_groups", new Dictionary<string, object?>
        {
            ["everyone"] = Enumerable.Range(0, 60).Select(i => (object?)$"arn:aws:iam::111122223333:user/u{i}").ToList(),
        })));

        Assert.True(groups.Success, groups.Error);
        Assert.Equal(["security", "finance"], groups.Value.ApproverGroups.Select(g => g.Name));
        Assert.Equal(["arn:aws:iam::111122223333:user/finance-*", "local:carol"], groups.Value.ApproverGroups[1].Patterns);
        Assert.Equal(2, groups.Value.ChainLength);
        Assert.Equal("policy 'odd': approvers_required 1 is fewer than the 2 approver_groups, which need one approver each; "
            + "approver_groups.security 'alice' is not an ARN pattern (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, * and ? allowed); "
            + "approver_groups group name 'bad name!' must be letters, digits, '.', '_' or '-', at most 128; "
            + "approver_groups.bad name! 'local:' needs the OS user's name after it; "
            + "approver_groups.finance 5 must be the group's members: a string or a list of ARN patterns or local:USER names", bad.Error);
        Assert.StartsWith("policy 'odd': approver_groups 'security' must be a map of group name to approver ARN patterns", notAMap.Error, StringComparison.Ordinal);
        Assert.Equal("policy 'crowded': approver_groups.everyone has 60 members, the longest 34 characters: at most 50 of at most 2048", crowded.Error);
    }

    [Fact]
    public void Parse_AnAbsentScopeIsEveryServiceInEveryAccount()
    {
        var policy = PolicyParser.Parse(Item(("policy_id", "no-auto-approve"), ("auto_approve_accounts", "ou-ab12-prod0001"))).Value;

        Assert.Equal((WildcardRules.All, WildcardRules.All), (policy.ServiceCode, policy.QuotaCode));
        Assert.Equal([RuleTargets.All], policy.Accounts);
        Assert.Empty(policy.ExcludeAccounts);
    }

    [Fact]
    public void Parse_ReportsEveryBadFieldInOneMessage_NamingThePolicy()
    {
        var parsed = PolicyParser.Parse(Item(
            ("policy_id", "ec2-caps"), ("quota_code", "L-1216C47A"), ("max_value", -5), ("max_step", "1"),
            ("approval_above_monthly_cost", "lots"), ("max_vaule", 3)));

        Assert.False(parsed.Success);
        Assert.Equal(
            "policy 'ec2-caps': quota_code 'L-1216C47A' needs the service_code it belongs to: quota codes are per service; "
            + "max_value -5 must be > 0 and ≤ 1e15; max_step 1 must be > 1 and ≤ 100 (a multiple of the quota in force); "
            + "approval_above_monthly_cost 'lots' must be a number; max_vaule is not a policy attribute (did you mean max_value?)",
            parsed.Error);
    }

    [Fact]
    public void Parse_APolicyThatLimitsNothing_IsRejected_AndOneWithoutAnId_IsNamedByWhereItCameFrom()
    {
        var parsed = PolicyParser.Parse(Item(("service_code", "ec2")));

        Assert.False(parsed.Success);
        Assert.StartsWith("policy 'policies.yaml entry 1 (no policy_id)': policy_id is missing; policy_id sets no limit", parsed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseAll_KeepsTheValidPolicies_AndRejectsASecondPolicyWithTheSameId()
    {
        var raws = new[]
        {
            Item(("policy_id", "caps"), ("max_value", 100)),
            Item(("policy_id", "broken"), ("max_step", 0.5)),
            Item(("policy_id", "caps"), ("never_raise", true)),
        };

        var (policies, problems) = PolicyParser.ParseAll(raws);

        Assert.Equal(["caps"], policies.Select(p => p.PolicyId));
        Assert.Equal(100, policies[0].MaxValue);
        Assert.Equal(2, problems.Count);
        Assert.StartsWith("policy 'broken': max_step 0.5 must be > 1", problems[0], StringComparison.Ordinal);
        Assert.StartsWith("policy 'caps': policy_id is used by an earlier policy", problems[1], StringComparison.Ordinal);
    }
}
