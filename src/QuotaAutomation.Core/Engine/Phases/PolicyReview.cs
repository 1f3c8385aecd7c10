using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Governance;

namespace QuotaAutomation.Core.Engine.Phases;

/// <summary>
/// Between plan and admit: each increase as the organization's policies allow it (a smaller step, a person's
/// approval; <see cref="PolicyEnforcement.Review"/>). The caps and levels were applied to the rules before they decided.
/// </summary>
internal static class PolicyReview
{
    public static List<RuleResult> Apply(List<RuleResult> results, IReadOnlyList<QuotaPolicy> policies, EngineOptions options)
    {
        if (policies.Count == 0) return results;
        return results.Select(r => r is { Decision: RequestIncrease wanted, Quota: { } quota }
            ? r with { Decision = PolicyEnforcement.Review(wanted, quota, options.PlaceOf(wanted.Quota), policies, options.Costs) }
            : r).ToList();
    }
}
