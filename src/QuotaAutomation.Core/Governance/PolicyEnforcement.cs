using QuotaAutomation.Core.Approvals;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Governance;

/// <summary>
/// Policies over rules, pure. Before a rule decides, <see cref="Govern"/> narrows it (a lower cap, a lower automation
/// level); after, <see cref="Review"/> narrows the increase it wants (a smaller step, a person's approval). The most
/// restrictive policy wins each field. A policy that may cover the quota's account but cannot be placed (its OUs are
/// not known here) restricts as if it did, and permits nothing: a gate that cannot decide fails closed.
/// </summary>
public static class PolicyEnforcement
{
    public static GovernedRule Govern(QuotaRule rule, AccountPlace place, IReadOnlyList<QuotaPolicy> policies)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(place);
        ArgumentNullException.ThrowIfNull(policies);
        var overrides = new List<PolicyOverride>();
        var governed = rule;
        foreach (var policy in Covering(rule.Quota, place, policies))
        {
            if (policy.MaxValue is { } cap && cap < governed.MaxAutoIncrease)
            {
                overrides.Add(new(policy.PolicyId, "max_auto_increase", $"caps {QuotaOf(rule)} at {DecisionTable.Num(cap)} (rule '{rule.RuleId}': {DecisionTable.Num(rule.MaxAutoIncrease)})"));
                governed = governed with { MaxAutoIncrease = cap };
            }
            if (policy.NeverRaise && governed.Level > AutomationLevel.AlertOnly)
            {
                overrides.Add(new(policy.PolicyId, "automation_level", $"never raises {QuotaOf(rule)}: alert_only (rule '{rule.RuleId}': {rule.Level.ToRuleName()})"));
                governed = governed with { Level = AutomationLevel.AlertOnly };
            }
            if (policy.AutoApproveAccounts is { } allowed && governed.Level >= AutomationLevel.AutoApprove && place.In(allowed) != PlaceMatch.Yes)
            {
                var where = place.In(allowed) == PlaceMatch.Unknown ? "cannot place the account in" : "does not include the account in";
                overrides.Add(new(policy.PolicyId, "automation_level", $"{where} auto_approve_accounts: auto_request, a person approves (rule '{rule.RuleId}': {rule.Level.ToRuleName()})"));
                governed = governed with { Level = AutomationLevel.AutoRequest };
            }
        }
        return new GovernedRule(governed, overrides);
    }

    /// <summary>
    /// The increase <paramref name="wanted"/> as the policies allow it: at most the smallest <c>max_step</c> × the quota
    /// in force (so a step plan climbs in smaller steps, each re-asked as the last is granted), and to a person when a
    /// policy requires approval for it. Returns it unchanged when no policy covers it.
    /// </summary>
    public static RequestIncrease Review(RequestIncrease wanted, QuotaInfo quota, AccountPlace place, IReadOnlyList<QuotaPolicy> policies, CostModel costs)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        ArgumentNullException.ThrowIfNull(quota);
        ArgumentNullException.ThrowIfNull(costs);
        var covering = Covering(wanted.Quota, place, policies).ToList();
        if (covering.Count == 0) return wanted;
        var reviewed = wanted;
        var notes = new List<PolicyOverride>();
        if (SmallestStep(covering) is { MaxStep: { } step } stepPolicy)
        {
            var allowed = Sizing.FirstStep(quota, reviewed.DesiredValue, step);
            if (allowed < reviewed.DesiredValue && allowed > quota.Value)
            {
                notes.Add(new(stepPolicy.PolicyId, "value", $"max_step ×{DecisionTable.Num(step)}: asks {DecisionTable.Num(allowed)} of {DecisionTable.Num(reviewed.DesiredValue)}"));
                reviewed = reviewed with { DesiredValue = allowed, EstimatedMonthlyCost = costs.MonthlyCost(wanted.Quota, quota.Value, allowed) };
            }
        }
        if (reviewed.Route == IncreaseRoute.FileDirectly)
        {
            foreach (var policy in covering)
            {
                var why = policy.ApprovalAlways ? "approval_required"
                    : policy.ApprovalAboveValue is { } v && reviewed.DesiredValue > v ? $"approval above {DecisionTable.Num(v)}: asks {DecisionTable.Num(reviewed.DesiredValue)}"
                    : policy.ApprovalAboveMonthlyCost is { } c && reviewed.EstimatedMonthlyCost > c ? $"approval above ${DecisionTable.Num(c)}/month: est. ${DecisionTable.Num(reviewed.EstimatedMonthlyCost)}/month"
                    : null;
                if (why is null) continue;
                notes.Add(new(policy.PolicyId, "route", $"{why}: a person approves"));
                reviewed = reviewed with { Route = IncreaseRoute.NeedsApproval };
                break; // one policy is enough to send it to a person; the first covering one is named
            }
        }
        if (reviewed.Route == IncreaseRoute.NeedsApproval)
        {
            // Every chain that applies binds: the most approvers any asks for, and one from each group any names.
            var chains = covering.Where(p => (p.ChainLength > 1 || p.ApproverGroups.Count > 0) && ApprovalConditionMet(p, reviewed)).ToList();
            var groups = ChainGroups(chains);
            foreach (var chain in chains)
                notes.Add(new(chain.PolicyId, "approvers", chain.ApproverGroups.Count == 0
                    ? $"{chain.ChainLength} distinct approvers"
                    : $"approvers {ApproverGroup.FromEach(chain.ApproverGroups.Select(g => g.Name))}" + (chain.ChainLength > chain.ApproverGroups.Count ? $", {chain.ChainLength} in all" : "")));
            if (chains.Count > 0)
                reviewed = reviewed with { ApproversRequired = Math.Max(chains.Max(p => p.ChainLength), groups.Count), ApproverGroups = groups };
        }
        return notes.Count == 0 ? reviewed : reviewed with { Reason = $"{reviewed.Reason}; {string.Join("; ", notes)}" };
    }

    /// <summary>
    /// The groups of every chain that applies, each once; two policies' groups of one name but different members are
    /// both kept (named after their policies), so neither policy's group is skipped.
    /// </summary>
    private static IReadOnlyList<ApproverGroup> ChainGroups(IReadOnlyList<QuotaPolicy> chains)
    {
        var named = chains.SelectMany(p => p.ApproverGroups.Select(g => (Policy: p.PolicyId, Group: g)))
            .DistinctBy(x => (x.Group.Name, string.Join('\n', x.Group.Patterns))).ToList();
        return [.. named.Select(x => named.Count(y => y.Group.Name == x.Group.Name) > 1 ? x.Group with { Name = $"{x.Policy}:{x.Group.Name}" } : x.Group)];
    }

    /// <summary>A policy's approval condition holds for the increase; a policy that sets none holds for every increase that goes to a person.</summary>
    private static bool ApprovalConditionMet(QuotaPolicy policy, RequestIncrease increase) =>
        (policy.ApprovalAboveValue is null && policy.ApprovalAboveMonthlyCost is null)
        || policy.ApprovalAlways
        || increase.DesiredValue > policy.ApprovalAboveValue
        || increase.EstimatedMonthlyCost > policy.ApprovalAboveMonthlyCost;

    /// <summary>The rule's quota as people read it: its key, or for a fleet rule (not yet made concrete per shard) its service and code.</summary>
    private static string QuotaOf(QuotaRule rule) => rule.IsFleetRule ? $"{rule.Quota.ServiceCode}/{rule.Quota.QuotaCode}" : rule.Quota.ToString();

    /// <summary>Of <paramref name="covering"/>, the policy whose <c>max_step</c> binds (the smallest); null when none sets one.</summary>
    public static QuotaPolicy? SmallestStep(IEnumerable<QuotaPolicy> covering) => covering.Where(p => p.MaxStep is not null).MinBy(p => p.MaxStep);

    /// <summary>The enabled policies that cover <paramref name="quota"/> where it is (or may: <see cref="PlaceMatch.Unknown"/>), in the order given.</summary>
    public static IEnumerable<QuotaPolicy> Covering(QuotaKey quota, AccountPlace place, IReadOnlyList<QuotaPolicy> policies)
    {
        ArgumentNullException.ThrowIfNull(place);
        ArgumentNullException.ThrowIfNull(policies);
        return policies.Where(p => p.Enabled && p.CoversQuota(quota) && place.Covered(p) != PlaceMatch.No);
    }
}
