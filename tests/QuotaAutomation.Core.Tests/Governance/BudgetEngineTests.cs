using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Governance;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Tests.Engine;
using QuotaAutomation.Core.Tests.Fakes;
using static QuotaAutomation.Core.Tests.Fakes.TestRules;

namespace QuotaAutomation.Core.Tests.Governance;

/// <summary>
/// Monthly budgets through whole cycles: a full_auto rule's emergency ×2 of 100 vCPUs adds 100 vCPUs, $3,456 a month at
/// the cost model's $0.048 a vCPU-hour; what fits is filed and charged, what does not goes to a person or waits, and the
/// decision names the budget and by how much.
/// </summary>
public class BudgetEngineTests
{
    private const double Cost = 100 * 0.048 * 720; // 3,456 (the cost model's month is 720 hours)

    private static readonly string Month = Budgets.Month(EngineFixture.Start);

    private static async Task<(QuotaDecision Decision, EngineFixture Fixture)> DecideAsync(IBudgetLedger? ledger, params QuotaPolicy[] policies)
    {
        var f = BusyAccount(ledger, policies);
        var report = await f.Engine.RunCycleAsync(CancellationToken.None);
        var decision = report.Rules.Single().Decision;
        Assert.Contains(f.Stores.Audit, r => r.Action == decision.Kind && r.Message == decision.Reason); // audited as decided
        return (decision, f);
    }

    /// <summary>The account's 100 vCPUs at 97 in use, under a full_auto rule: an emergency × 2 each cycle, $3,456 a month.</summary>
    private static EngineFixture BusyAccount(IBudgetLedger? ledger, params QuotaPolicy[] policies)
    {
        var f = new EngineFixture(new EngineOptions { Policies = policies }, budgets: ledger);
        f.Account.Add("ec2", "L-1216C47A", 100, _ => 97);
        f.Stores.Rules.Add(Item("vcpus", "ec2", "L-1216C47A", "full_auto"));
        return f;
    }

    private static QuotaPolicy Budget(string id, double monthly) => new(id, "ec2", "*", ["*"], []) { MonthlyBudget = monthly };

    [Fact]
    public void TheCostModel_PricesTheIncreaseAsThisTestSays()
    {
        Assert.Equal(Cost, CostModel.SeedDefaults.MonthlyCost(new QuotaKey("ec2", "L-1216C47A", "us-east-1"), 100, 200), 6);
    }

    [Fact]
    public async Task WithinTheBudget_TheIncreaseIsFiled_AndCharged()
    {
        var ledger = new InMemoryBudgetLedger();

        var (decision, f) = await DecideAsync(ledger, Budget("ec2-spend", 5000));

        Assert.Equal(IncreaseRoute.FileDirectly, Assert.IsType<RequestIncrease>(decision).Route);
        Assert.Single(f.Account.Requests);
        Assert.Equal(Cost, ledger.Spent[("ec2-spend", Month)], 6);
    }

    [Fact]
    public async Task OverTheBudget_TheIncreaseGoesToAPerson_NamingTheBudgetAndByHowMuch()
    {
        var ledger = new InMemoryBudgetLedger();
        await ledger.TryChargeAsync("ec2-spend", Month, 1000, null, CancellationToken.None);

        var (decision, f) = await DecideAsync(ledger, Budget("ec2-spend", 4000));

        var asked = Assert.IsType<RequestIncrease>(decision);
        Assert.Equal(IncreaseRoute.NeedsApproval, asked.Route);
        Assert.EndsWith("; policy 'ec2-spend': budget 'ec2-spend' (organization): $1,000 of $4,000 spent in 2026-11; this increase adds $3,456/month, $456 over: a person approves", asked.Reason, StringComparison.Ordinal);
        Assert.Empty(f.Account.Requests);
        Assert.Single(f.Stores.Approvals);
        Assert.Equal(1000, ledger.Spent[("ec2-spend", Month)]); // nothing charged for what was not filed
    }

    [Fact]
    public async Task AnIncreaseAwsRefuses_GivesItsChargesBack_AndTheTrailSaysSo()
    {
        var ledger = new InMemoryBudgetLedger();
        var f = BusyAccount(ledger, Budget("ec2-spend", 5000), Budget("org-spend", 50_000) with { ServiceCode = "*" });
        f.Account.Fail = (operation, _) => operation == "RequestServiceQuotaIncrease" ? new QuotaServiceException("AccessDeniedException", "not authorized to perform servicequotas:RequestServiceQuotaIncrease") : null;

        var report = await f.Engine.RunCycleAsync(CancellationToken.None);

        Assert.Equal(ActionOutcome.Failed, report.Actions.Single(a => a.Action == "request_increase").Outcome);
        Assert.Equal((0d, 0d), (ledger.Spent[("ec2-spend", Month)], ledger.Spent[("org-spend", Month)]));
        var refund = Assert.Single(f.Stores.Audit, r => r.Action == "budget_refund");
        Assert.Equal("$3,456/month refunded to 'ec2-spend', 'org-spend' for 2026-11: nothing was filed (AWS refused it: AccessDeniedException: not authorized to perform servicequotas:RequestServiceQuotaIncrease)", refund.Message);
    }

    [Fact]
    public async Task AnIncreaseAwsDenies_GivesItsChargeBackWhenTheDenialIsSeen()
    {
        var ledger = new InMemoryBudgetLedger();
        var f = BusyAccount(ledger, Budget("ec2-spend", 5000));

        await f.CycleAsync();
        var charged = ledger.Spent[("ec2-spend", Month)];
        f.Account.Decide(Assert.Single(f.Account.Requests).Id, approve: false);
        await f.CycleAsync();

        Assert.Equal(Cost, charged, 6);
        Assert.Equal(0, ledger.Spent[("ec2-spend", Month)], 6);
        Assert.Single(f.Account.Requests); // not asked again inside the denial's quiet period
        var refund = Assert.Single(f.Stores.Audit, r => r.Action == "budget_refund");
        Assert.Equal("$3,456/month refunded to 'ec2-spend' for 2026-11: request fake-1 ended DENIED: no quota was added", refund.Message);
    }

    [Fact]
    public async Task AFilingThatMayHaveReachedAws_KeepsItsCharge()
    {
        var ledger = new InMemoryBudgetLedger();
        var f = BusyAccount(ledger, Budget("ec2-spend", 5000));
        f.Account.TimeOutAfterFiling = true;

        await f.Engine.RunCycleAsync(CancellationToken.None);

        Assert.Equal(Cost, ledger.Spent[("ec2-spend", Month)], 6); // over-counted rather than under: AWS may have it
        Assert.DoesNotContain(f.Stores.Audit, r => r.Action == "budget_refund");
    }

    [Fact]
    public async Task AFilingThatTimedOutAndNeverReachedAws_IsRefundedWhenFollowed_SoTheRetryIsChargedOnce()
    {
        var ledger = new InMemoryBudgetLedger();
        var f = BusyAccount(ledger, Budget("ec2-spend", 50_000));
        f.Account.Fail = (operation, _) => operation == "RequestServiceQuotaIncrease" ? new TimeoutException("RequestServiceQuotaIncrease timed out after 10 s") : null;

        await f.CycleAsync(); // charged; the filing's answer is lost
        f.Account.Fail = (_, _) => null;
        for (var i = 0; i < 3; i++) await f.CycleAsync(); // after 10 minutes the reservation is found never filed, and filed again

        Assert.Single(f.Account.Requests);
        Assert.Equal(Cost, ledger.Spent[("ec2-spend", Month)], 6); // the retry's charge only
        var refund = Assert.Single(f.Stores.Audit, r => r.Action == "budget_refund");
        Assert.EndsWith("ended FAILED (reservation never reached AWS): no quota was added", refund.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OverABudgetThatHolds_TheIncreaseWaits()
    {
        var (decision, f) = await DecideAsync(new InMemoryBudgetLedger(), Budget("tight", 100) with { OverBudget = OverBudget.Hold, BudgetPer = BudgetPer.Account });

        var held = Assert.IsType<Held>(decision);
        Assert.StartsWith("policy 'tight': budget 'tight' (account self): $0 of $100 spent in 2026-11; this increase adds $3,456/month, $3,356 over: held until the budget allows it", held.Reason, StringComparison.Ordinal);
        Assert.Empty(f.Account.Requests);
        Assert.Empty(f.Stores.Approvals);
    }

    [Fact]
    public async Task TwoBudgets_AreChargedAllOrNone()
    {
        var ledger = new InMemoryBudgetLedger();

        var (decision, _) = await DecideAsync(ledger, Budget("a-roomy", 10_000), Budget("b-tight", 3000));

        Assert.Equal(IncreaseRoute.NeedsApproval, Assert.IsType<RequestIncrease>(decision).Route);
        Assert.Equal(0, ledger.Spent[("a-roomy", Month)]); // charged, then refunded when b-tight refused
        Assert.False(ledger.Spent.ContainsKey(("b-tight", Month)));
    }

    [Fact]
    public async Task WithoutALedger_ABudgetedIncreaseGoesToAPerson()
    {
        var (decision, _) = await DecideAsync(null, Budget("ec2-spend", 1e6));

        var asked = Assert.IsType<RequestIncrease>(decision);
        Assert.Equal(IncreaseRoute.NeedsApproval, asked.Route);
        Assert.Contains("no budget ledger to check budget 'ec2-spend' (organization) against: a person approves", asked.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABudgetOfAnotherService_DoesNotApply()
    {
        var ledger = new InMemoryBudgetLedger();

        var (decision, _) = await DecideAsync(ledger, Budget("vpc-spend", 0) with { ServiceCode = "vpc" });

        Assert.Equal(IncreaseRoute.FileDirectly, Assert.IsType<RequestIncrease>(decision).Route);
        Assert.Empty(ledger.Spent);
    }

    [Fact]
    public async Task AnIncreaseAPersonApproved_IsFiledAndCharged_WhateverTheBudget()
    {
        var ledger = new InMemoryBudgetLedger();
        var (_, f) = await DecideAsync(ledger, Budget("ec2-spend", 100));
        var waiting = Assert.Single(f.Stores.Approvals);
        f.Stores.Approvals[0] = waiting with { Status = ApprovalStatus.Approved, DecidedBy = "arn:aws:iam::111111111111:role/finance", DecidedAt = f.Time.GetUtcNow() };
        f.Time.Advance(TimeSpan.FromMinutes(5));

        var report = await f.Engine.RunCycleAsync(CancellationToken.None);

        Assert.Single(f.Account.Requests);
        Assert.Equal(Cost, ledger.Spent[("ec2-spend", Month)], 6);
        Assert.Contains(report.Actions, a => a.Outcome == ActionOutcome.Done && a.Detail.StartsWith("filed request", StringComparison.Ordinal));
    }
}
