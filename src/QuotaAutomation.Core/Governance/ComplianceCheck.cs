using System.Globalization;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Governance;

/// <summary>
/// Compliance of one account and Region, pure (issue 17): observed quotas near their value with no rule, rule items
/// the engine rejects, disabled rules, and rules another rule shadows. Findings are ordered by kind, then subject.
/// </summary>
public static class ComplianceCheck
{
    /// <summary>The utilisation from which an observed quota with no enabled rule is a finding: Service Quotas' own first notification.</summary>
    public const double DefaultNearPercent = 80;

    /// <param name="rules">The rules that parse (enabled or not).</param>
    /// <param name="rejected">Each rule item that does not parse: its name (<see cref="RuleParser.NameOf"/>) and the engine's message.</param>
    /// <param name="governing">Each quota's governing rule there (<see cref="GoverningRule.For"/>).</param>
    /// <param name="observed">The observed quotas with their values and last usage.</param>
    public static IReadOnlyList<ComplianceFinding> Find(IReadOnlyList<QuotaRule> rules, IReadOnlyList<(string RuleId, string Message)> rejected,
        IReadOnlyDictionary<Quotas.QuotaKey, GoverningRule> governing, IReadOnlyList<ObservedUtilization> observed, double nearPercent = DefaultNearPercent)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(rejected);
        ArgumentNullException.ThrowIfNull(governing);
        ArgumentNullException.ThrowIfNull(observed);
        var findings = new List<ComplianceFinding>();
        foreach (var quota in observed)
        {
            if (quota.Percent is not { } percent || percent < nearPercent) continue;
            var rule = governing.GetValueOrDefault(quota.Key) ?? GoverningRule.Nobody;
            if (rule.RuleId is not null && rule.Enabled) continue;
            var why = rule.RuleId is null ? "no rule governs it" : $"its only rule, '{rule.RuleId}', is disabled";
            findings.Add(new(FindingKind.UnruledNearQuota, quota.Key.ToString(),
                string.Create(CultureInfo.InvariantCulture, $"{quota.QuotaName}: {quota.Usage:#,0.##} of {quota.Value:#,0.##} = {percent:0.#}% and {why}")));
        }
        findings.AddRange(rejected.Select(r => new ComplianceFinding(FindingKind.RejectedRule, r.RuleId, r.Message)));
        foreach (var rule in rules.Where(r => !r.Enabled))
            findings.Add(new(FindingKind.DisabledRule, rule.RuleId, $"{rule.Quota} is not automated: the rule is disabled (rules enable {rule.RuleId})"));
        foreach (var wildcard in rules.Where(r => r.Enabled && !r.IsFleetRule && WildcardRules.IsWildcard(r.Quota)))
        {
            var matched = observed.Where(q => q.Key.Region == wildcard.Quota.Region && q.Key.AccountId == wildcard.Quota.AccountId
                && WildcardRules.Matches(wildcard.Quota, q.Key.ServiceCode, q.Key.QuotaCode)).ToList();
            if (matched.Count > 0 && !matched.Any(q => governing.GetValueOrDefault(q.Key)?.RuleId == wildcard.RuleId))
                findings.Add(new(FindingKind.ShadowedRule, wildcard.RuleId, string.Create(CultureInfo.InvariantCulture,
                    $"never runs: each of the {matched.Count} observed quotas it covers is governed by a rule that names it or a narrower wildcard")));
        }
        return findings.OrderBy(f => f.Kind).ThenBy(f => f.Subject, StringComparer.Ordinal).ToList();
    }
}
