using System.Globalization;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Rules;

/// <summary>What <see cref="WildcardRules.Expand"/> made of one account and Region's wildcard rules: the concrete rules, and per wildcard rule its counts.</summary>
public sealed record WildcardExpansion(IReadOnlyList<QuotaRule> Rules, IReadOnlyList<WildcardCount> Counts);

/// <summary>
/// One wildcard rule in one account and Region: of the <paramref name="Matched"/> observed quotas its pattern matches,
/// <paramref name="Expanded"/> became its rules, <paramref name="LeftToNamed"/> have a rule of their own, and
/// <paramref name="LeftToNarrower"/> went to a narrower wildcard (or an equally narrow one earlier by rule id).
/// </summary>
/// <param name="Pattern">The rule's quota key: account, Region and the <c>*</c>s.</param>
public sealed record WildcardCount(string RuleId, QuotaKey Pattern, int Matched, int Expanded, int LeftToNamed, int LeftToNarrower)
{
    /// <summary>"rule 'all' (*/*@us-east-1): 52 of 57 observed quotas (3 have their own rule, 2 a narrower wildcard)".</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"rule '{RuleId}' ({Pattern}): {Expanded} of {Matched} observed quotas ({LeftToNamed} have their own rule, {LeftToNarrower} a narrower wildcard)");
}
