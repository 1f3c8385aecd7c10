using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Governance;

/// <summary>A rule as the policies let it run (<see cref="PolicyEnforcement.Govern"/>), and what they changed; no overrides: the rule as written.</summary>
public sealed record GovernedRule(QuotaRule Rule, IReadOnlyList<PolicyOverride> Overrides);
