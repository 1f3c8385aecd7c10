using QuotaAutomation.Core.Approvals;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Governance;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Tests.Governance;

public class PolicyEnforcementTests
{
    private const string Prod = "ou-ab12-prod0001";
    private const string Account = "123456789012";
    private static readonly QuotaKey Vcpus = new("ec2", "L-1216C47A", "us-east-1", Account);
    private static readonly AccountPlace InProd = new(Account, ["r-ab12", Prod]);
    private static readonly AccountPlace InSandbox = new(Account, ["r-ab12", "ou-ab12-sandbox1"]);

    private static QuotaPolicy Policy(string id, string service = "*", string quota = "*", params string[] accounts) =>
        new(id, service, quota, accounts.Length == 0 ? ["*"] : accounts, []);

    private static QuotaRule Rule(AutomationLevel level = AutomationLevel.FullAuto) => QuotaRule.WithDefaults("vcpus", Vcpus, level);

    [Fact]
    public void Govern_TheLowestCapWins_AndNamesItsPolicy_WhileAnotherServicesPolicyChangesNothing()
    {
        QuotaPolicy[] policies = [Policy("org-cap") with { MaxValue = 8000 }, Policy("ec2-cap", "ec2") with { MaxValue = 5000 }, Policy("vpc-cap", "vpc") with { MaxValue = 10 }];

        var governed = PolicyEnforcement.Govern(Rule(), InProd, policies);

        Assert.Equal(5000, governed.Rule.MaxAutoIncrease);
        Assert.Equal(["org-cap", "ec2-cap"], governed.Overrides.Select(o => o.PolicyId));
        Assert.Equal("policy 'ec2-cap': caps ec2/L-1216C47A@us-east-1#123456789012 at 5,000 (rule 'vcpus': 10,000)", governed.Overrides[^1].ToString());
    }

    [Fact]
    public void Govern_AFleetRule_IsNamedByItsServiceAndCode_NotByAnAccountOrRegionItHasNotGotYet()
    {
        var fleet = RuleParser.Parse(Fakes.TestRules.Item("fleet-vcpus", "ec2", "L-1216C47A", "full_auto", ("account_id", "*"), ("region", "*"))).Value;

        var governed = PolicyEnforcement.Govern(fleet, InProd, [Policy("ec2-cap", "ec2") with { MaxValue = 5000 }]);

        Assert.Equal("policy 'ec2-cap': caps ec2/L-1216C47A at 5,000 (rule 'fleet-vcpus': 10,000)", Assert.Single(governed.Overrides).ToString());
    }

    [Fact]
    public void Govern_NeverRaise_LeavesTheRuleAlertingOnly()
    {
        var governed = PolicyEnforcement.Govern(Rule(), InProd, [Policy("frozen", "ec2", "L-1216C47A") with { NeverRaise = true }]);

        Assert.Equal(AutomationLevel.AlertOnly, governed.Rule.Level);
        Assert.Equal("automation_level", Assert.Single(governed.Overrides).Field);
    }

    [Fact]
    public void Govern_AutoApproveOnlyWhereAPolicyAllowsIt_AndNotWhereItCannotTell()
    {
        QuotaPolicy[] policies = [Policy("prod-only") with { AutoApproveAccounts = [Prod] }];

        Assert.Equal(AutomationLevel.FullAuto, PolicyEnforcement.Govern(Rule(), InProd, policies).Rule.Level);
        Assert.Equal(AutomationLevel.AutoRequest, PolicyEnforcement.Govern(Rule(), InSandbox, policies).Rule.Level);
        var unknown = PolicyEnforcement.Govern(Rule(), new AccountPlace(Account, null), policies);
        Assert.Equal(AutomationLevel.AutoRequest, unknown.Rule.Level); // the OU tree is not known here: fails closed
        Assert.Contains("cannot place the account in auto_approve_accounts", unknown.Overrides[0].What, StringComparison.Ordinal);
        // Levels that file nothing on their own are left alone.
        Assert.Empty(PolicyEnforcement.Govern(Rule(AutomationLevel.AutoRequest), InSandbox, policies).Overrides);
    }

    [Fact]
    public void Govern_AnOuScopedCap_AppliesInsideTheOu_AndWhereItCannotTell_ButNotOutsideOrWhereExcluded()
    {
        QuotaPolicy[] policies = [Policy("prod-cap", "ec2", "*", Prod) with { MaxValue = 500 }];

        Assert.Equal(500, PolicyEnforcement.Govern(Rule(), InProd, policies).Rule.MaxAutoIncrease);
        Assert.Equal(500, PolicyEnforcement.Govern(Rule(), AccountPlace.Unknown, policies).Rule.MaxAutoIncrease);
        Assert.Equal(QuotaRule.DefaultMaxAutoIncrease, PolicyEnforcement.Govern(Rule(), InSandbox, policies).Rule.MaxAutoIncrease);
        QuotaPolicy[] excluding = [policies[0] with { ExcludeAccounts = [Account] }];
        Assert.Equal(QuotaRule.DefaultMaxAutoIncrease, PolicyEnforcement.Govern(Rule(), InProd, excluding).Rule.MaxAutoIncrease);
        Assert.Equal(QuotaRule.DefaultMaxAutoIncrease, PolicyEnforcement.Govern(Rule(), InProd, [policies[0] with { Enabled = false }]).Rule.MaxAutoIncrease);
    }

    private static readonly QuotaInfo Quota = new(Vcpus, "Running On-Demand Standard instances", 1000, true, "None");

    private static RequestIncrease Wanted(double value) => new("vcpus", Vcpus, "emergency", Severity.Emergency, 1000, value,
        CostModel.SeedDefaults.MonthlyCost(Vcpus, 1000, value), IncreaseRoute.FileDirectly, 97);

    [Fact]
    public void Review_TheSmallestMaxStep_ShrinksTheAsk_AndItsCost()
    {
        QuotaPolicy[] policies = [Policy("steps") with { MaxStep = 3 }, Policy("small-steps", "ec2") with { MaxStep = 1.5 }];

        var reviewed = PolicyEnforcement.Review(Wanted(2000), Quota, InProd, policies, CostModel.SeedDefaults);

        Assert.Equal(1500, reviewed.DesiredValue);
        Assert.Equal(CostModel.SeedDefaults.MonthlyCost(Vcpus, 1000, 1500), reviewed.EstimatedMonthlyCost);
        Assert.Equal(IncreaseRoute.FileDirectly, reviewed.Route);
        Assert.EndsWith("; policy 'small-steps': max_step ×1.5: asks 1,500 of 2,000", reviewed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Review_SendsToAPerson_AboveAValue_AboveACost_OrAlways_AndOtherwiseChangesNothing()
    {
        var byValue = PolicyEnforcement.Review(Wanted(2000), Quota, InProd, [Policy("big") with { ApprovalAboveValue = 1500 }], CostModel.SeedDefaults);
        Assert.Equal(IncreaseRoute.NeedsApproval, byValue.Route);
        Assert.EndsWith("policy 'big': approval above 1,500: asks 2,000: a person approves", byValue.Reason, StringComparison.Ordinal);

        var wanted = Wanted(2000);
        var byCost = PolicyEnforcement.Review(wanted, Quota, InProd, [Policy("dear") with { ApprovalAboveMonthlyCost = wanted.EstimatedMonthlyCost - 1 }], CostModel.SeedDefaults);
        Assert.Equal(IncreaseRoute.NeedsApproval, byCost.Route);

        var always = PolicyEnforcement.Review(wanted, Quota, InProd, [Policy("four-eyes", "ec2") with { ApprovalAlways = true }], CostModel.SeedDefaults);
        Assert.Equal(IncreaseRoute.NeedsApproval, always.Route);

        Assert.Same(wanted, PolicyEnforcement.Review(wanted, Quota, InProd, [Policy("big") with { ApprovalAboveValue = 2000 }], CostModel.SeedDefaults));
        Assert.Same(wanted, PolicyEnforcement.Review(wanted, Quota, InProd, [Policy("vpc", "vpc") with { ApprovalAlways = true }], CostModel.SeedDefaults));
    }

    [Fact]
    public void Review_EveryChainThatApplies_Binds_OneApproverFromEachOfTheirGroups()
    {
        var security = new ApproverGroup("security", ["arn:aws:iam::123456789012:role/Security"]);
        var otherSecurity = new ApproverGroup("security", ["arn:aws:iam::210987654321:role/Security"]);
        var finance = new ApproverGroup("finance", ["arn:aws:iam::123456789012:role/Finance"]);
        QuotaPolicy[] policies =
        [
            Policy("four-eyes", "ec2") with { ApprovalAlways = true, ApproversRequired = 3 },
            Policy("big-asks") with { ApprovalAboveValue = 1500, ApproverGroups = [security, finance] },
            Policy("sub-org") with { ApprovalAboveValue = 1500, ApproverGroups = [otherSecurity] },
            Policy("huge-asks") with { ApprovalAboveValue = 5000, ApproverGroups = [new("board", ["arn:aws:iam::123456789012:role/Board"])] },
        ];

        var reviewed = PolicyEnforcement.Review(Wanted(2000), Quota, InProd, policies, CostModel.SeedDefaults);

        Assert.Equal(IncreaseRoute.NeedsApproval, reviewed.Route);
        Assert.Equal(3, reviewed.ApproversRequired);
        // Two policies' "security" groups with different members are both kept, named after their policies; "huge-asks" does not apply.
        Assert.Equal(["big-asks:security", "finance", "sub-org:security"], reviewed.ApproverGroups.Select(g => g.Name));
        Assert.Contains("policy 'big-asks': approvers one from each of security, finance", reviewed.Reason, StringComparison.Ordinal);
        Assert.Contains("policy 'four-eyes': 3 distinct approvers", reviewed.Reason, StringComparison.Ordinal);
    }
}
