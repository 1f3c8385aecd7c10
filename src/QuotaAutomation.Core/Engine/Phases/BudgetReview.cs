using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Engine.Acting;
using QuotaAutomation.Core.Governance;

namespace QuotaAutomation.Core.Engine.Phases;

/// <summary>
/// After admission, before anything is filed: each increase to be filed directly is charged to every monthly budget
/// that covers it (<see cref="Ports.IBudgetLedger"/>), all or none. One that would go over a budget goes to a person, or
/// waits, and its decision names the budget and by how much. An increase a person approved is charged whatever the
/// budget says. Where the spend cannot be known (no ledger, a ledger that fails), the increase goes to a person: a gate
/// that cannot decide fails closed.
/// </summary>
internal sealed class BudgetReview(EnginePorts ports, EngineOptions options)
{
    public async Task<IReadOnlyList<QuotaDecision>> ApplyAsync(IReadOnlyList<QuotaDecision> decisions, IReadOnlyList<QuotaPolicy> policies, DateTimeOffset now, CancellationToken ct)
    {
        var budgets = policies.Where(p => p.MonthlyBudget is not null).ToList();
        if (budgets.Count == 0) return decisions;
        var month = Budgets.Month(now);
        var reviewed = new List<QuotaDecision>(decisions.Count);
        foreach (var decision in decisions)
            reviewed.Add(decision is RequestIncrease { Route: IncreaseRoute.FileDirectly, EstimatedMonthlyCost: > 0 } wanted ? await ChargeAsync(wanted, budgets, month, ct) : decision);
        return reviewed;
    }

    private async Task<QuotaDecision> ChargeAsync(RequestIncrease wanted, IReadOnlyList<QuotaPolicy> budgets, string month, CancellationToken ct)
    {
        var covering = PolicyEnforcement.Covering(wanted.Quota, options.PlaceOf(wanted.Quota), budgets).OrderBy(p => p.PolicyId, StringComparer.Ordinal).ToList();
        if (covering.Count == 0) return wanted;
        var cost = wanted.EstimatedMonthlyCost;
        if (ports.Budgets is not { } ledger)
            return wanted.ApprovalId is not null ? wanted : ToPerson(wanted, covering[0], $"no budget ledger to check {Budgets.Describe(covering[0], wanted.Quota)} against");
        var charged = new List<string>();
        try
        {
            foreach (var policy in covering)
            {
                var key = Budgets.Key(policy, wanted.Quota);
                var limit = policy.MonthlyBudget!.Value; // covering holds budget policies only
                var charge = await ledger.TryChargeAsync(key, month, cost, wanted.ApprovalId is null ? limit : null, ct);
                if (charge.Charged)
                {
                    charged.Add(key);
                    continue;
                }
                await BudgetRefund.RefundAsync(ledger, charged, month, cost, ct);
                var why = $"{Budgets.Describe(policy, wanted.Quota)}: ${DecisionTable.Num(charge.SpentBefore)} of ${DecisionTable.Num(limit)} spent in {month}; "
                    + $"this increase adds ${DecisionTable.Num(cost)}/month, ${DecisionTable.Num(charge.SpentBefore + cost - limit)} over";
                return policy.OverBudget == OverBudget.Hold
                    ? new Held(wanted.RuleId, wanted.Quota, $"policy '{policy.PolicyId}': {why}: held until the budget allows it; wanted {wanted.Reason}", wanted)
                    : ToPerson(wanted, policy, why);
            }
            return wanted with { Charged = new ChargedBudgets(month, cost, charged) };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await BudgetRefund.RefundAsync(ledger, charged, month, cost, ct);
            return wanted.ApprovalId is not null ? wanted : ToPerson(wanted, covering[0], $"could not check {Budgets.Describe(covering[0], wanted.Quota)} ({e.GetType().Name}: {e.Message})");
        }
    }

    private static RequestIncrease ToPerson(RequestIncrease wanted, QuotaPolicy policy, string why) =>
        wanted with { Route = IncreaseRoute.NeedsApproval, Reason = $"{wanted.Reason}; policy '{policy.PolicyId}': {why}: a person approves" };
}
