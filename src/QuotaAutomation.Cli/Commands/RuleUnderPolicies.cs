using System.Globalization;
using QuotaAutomation.Core.Governance;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Cli.Commands;

/// <summary>One row of <c>policy test</c>: a rule as written and as the policies let it run.</summary>
/// <param name="EachRequest">What the policies do to each increase the rule files: the largest step and when a person approves.</param>
internal sealed record RuleUnderPolicies(
    string RuleId,
    string Quota,
    string RuleLevel,
    string Level,
    double RuleCap,
    double Cap,
    string EachRequest,
    IReadOnlyList<string> Overrides)
{
    public static RuleUnderPolicies Of(QuotaRule rule, AccountPlace place, IReadOnlyList<QuotaPolicy> policies)
    {
        var governed = PolicyEnforcement.Govern(rule, place, policies);
        var covering = PolicyEnforcement.Covering(rule.Quota, place, policies).ToList();
        var each = new List<string>();
        if (PolicyEnforcement.SmallestStep(covering) is { MaxStep: { } step } stepPolicy)
            each.Add(string.Create(CultureInfo.InvariantCulture, $"at most ×{step} ('{stepPolicy.PolicyId}')"));
        foreach (var p in covering)
        {
            if (p.ApprovalAlways) each.Add($"always approved by a person ('{p.PolicyId}')");
            if (p.ApprovalAboveValue is { } v) each.Add(string.Create(CultureInfo.InvariantCulture, $"a person approves above {v:#,0.##} ('{p.PolicyId}')"));
            if (p.ApprovalAboveMonthlyCost is { } c) each.Add(string.Create(CultureInfo.InvariantCulture, $"a person approves above ${c:#,0.##}/month ('{p.PolicyId}')"));
            if (p.ChainLength > 1 || p.ApproverGroups.Count > 0)
                each.Add($"approved by {p.ChainLength} different {(p.ChainLength == 1 ? "person" : "people")}"
                    + (p.ApproverGroups.Count == 0 ? "" : $", {Core.Approvals.ApproverGroup.FromEach(p.ApproverGroups.Select(g => g.Name))}") + $" ('{p.PolicyId}')");
            if (p.MonthlyBudget is { } b)
                each.Add(string.Create(CultureInfo.InvariantCulture, $"charged to {Budgets.Describe(p, rule.Quota)}, ${b:#,0.##}/month, over it {(p.OverBudget == OverBudget.Hold ? "held" : "a person approves")} ('{p.PolicyId}')"));
        }
        var quota = rule.IsFleetRule
            ? $"{rule.Quota.ServiceCode}/{rule.Quota.QuotaCode} in {string.Join(",", rule.Targets.Accounts)} / {string.Join(",", rule.Targets.Regions)}"
            : rule.Quota.ToString();
        return new(rule.RuleId, quota, rule.Level.ToRuleName(), governed.Rule.Level.ToRuleName(), rule.MaxAutoIncrease, governed.Rule.MaxAutoIncrease,
            each.Count == 0 ? "as the rule says" : string.Join("; ", each), governed.Overrides.Select(o => o.ToString()).ToList());
    }
}
