using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Governance;
using QuotaAutomation.Core.Tests.Engine;
using static QuotaAutomation.Core.Tests.Fakes.TestRules;

namespace QuotaAutomation.Core.Tests.Governance;

/// <summary>Policies through the engine: the decision a full_auto rule reaches is the one its policies allow, and says which policy won.</summary>
public class PolicyEngineTests
{
    private static async Task<QuotaDecision> DecideAsync(params QuotaPolicy[] policies)
    {
        // 97 of 100: emergency, a full_auto rule files ×2 (200) at once.
        var f = new EngineFixture(new EngineOptions { Policies = policies });
        f.Account.Add("vpc", "L-F678F1CE", 100, _ => 97);
        f.Stores.Rules.Add(Item("vpcs", "vpc", "L-F678F1CE", "full_auto"));
        var report = await f.Engine.RunCycleAsync(CancellationToken.None);
        var decision = report.Rules.Single().Decision;
        // What the cycle decided is what it audited.
        Assert.Contains(f.Stores.Audit, r => r.Action == decision.Kind && r.Message == decision.Reason);
        return decision;
    }

    private static QuotaPolicy Policy(string id) => new(id, "vpc", "*", ["*"], []);

    [Fact]
    public async Task WithoutPolicies_TheRuleFilesItsIncrease()
    {
        var filed = Assert.IsType<RequestIncrease>(await DecideAsync());
        Assert.Equal((200d, IncreaseRoute.FileDirectly), (filed.DesiredValue, filed.Route));
        Assert.DoesNotContain("policy", filed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACap_LowersTheAsk_AndTheDecisionNamesThePolicy()
    {
        var filed = Assert.IsType<RequestIncrease>(await DecideAsync(Policy("vpc-cap") with { MaxValue = 150 }));
        Assert.Equal(150, filed.DesiredValue);
        Assert.Contains("policy 'vpc-cap': caps vpc/L-F678F1CE@us-east-1 at 150", filed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NeverRaise_Alerts()
    {
        var alert = Assert.IsType<Alert>(await DecideAsync(Policy("frozen") with { NeverRaise = true }));
        Assert.Equal(Severity.Emergency, alert.Severity);
        Assert.Contains("policy 'frozen': never raises", alert.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnApprovalThreshold_SendsTheIncreaseToAPerson()
    {
        var asked = Assert.IsType<RequestIncrease>(await DecideAsync(Policy("big") with { ApprovalAboveValue = 150 }));
        Assert.Equal((200d, IncreaseRoute.NeedsApproval), (asked.DesiredValue, asked.Route));
        Assert.Contains("policy 'big': approval above 150: asks 200: a person approves", asked.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOuThatOnlyMayAutoApprove_FailsClosed_WhenTheRunCannotPlaceTheAccount()
    {
        var asked = Assert.IsType<RequestIncrease>(await DecideAsync(Policy("prod-only") with { AutoApproveAccounts = ["ou-ab12-prod0001"] }));
        Assert.Equal(IncreaseRoute.NeedsApproval, asked.Route);
    }

    [Fact]
    public async Task ApproversRequired_MakesTheApprovalNeedTwoPeople_AboveItsThreshold()
    {
        var f = new EngineFixture(new EngineOptions { Policies = [Policy("big") with { ApprovalAboveValue = 150, ApproversRequired = 2 }] });
        f.Account.Add("vpc", "L-F678F1CE", 100, _ => 97);
        f.Stores.Rules.Add(Item("vpcs", "vpc", "L-F678F1CE", "full_auto"));

        var asked = Assert.IsType<RequestIncrease>((await f.Engine.RunCycleAsync(CancellationToken.None)).Rules.Single().Decision);

        Assert.Equal((IncreaseRoute.NeedsApproval, 2), (asked.Route, asked.ApproversRequired));
        Assert.Contains("policy 'big': 2 distinct approvers", asked.Reason, StringComparison.Ordinal);
        Assert.Equal(2, Assert.Single(f.Stores.Approvals).RequiredApprovers);
    }

    [Fact]
    public async Task ApproversRequired_BelowItsThreshold_LeavesOneApprover()
    {
        var f = new EngineFixture(new EngineOptions { Policies = [Policy("big") with { ApprovalAboveValue = 500, ApproversRequired = 2 }] });
        f.Account.Add("vpc", "L-F678F1CE", 100, _ => 97);
        f.Stores.Rules.Add(Item("vpcs", "vpc", "L-F678F1CE", "auto_request"));

        var asked = Assert.IsType<RequestIncrease>((await f.Engine.RunCycleAsync(CancellationToken.None)).Rules.Single().Decision);

        Assert.Equal((IncreaseRoute.NeedsApproval, 1), (asked.Route, asked.ApproversRequired));
    }
}
