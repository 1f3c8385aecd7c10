using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Rules;

/// <summary>
/// Rules with <c>service_code: "*"</c> and/or <c>quota_code: "*"</c>: each stands for one rule per quota of its account
/// and Region that some usage source observes (<see cref="IUsageCoverage"/>), made concrete each cycle by
/// <see cref="Expand"/>. The narrowest rule of a quota wins it: a rule that names the quota (enabled or not: a disabled
/// rule is how one quota is left out of a wildcard), then <c>*/L-…</c> (one code in any service), then <c>ec2/*</c>
/// (one service), then <c>*/*</c>; equally narrow wildcards by rule id, as the fleet breaks its ties.
/// </summary>
public static class WildcardRules
{
    public const string All = "*";

    public static bool IsWildcard(QuotaKey quota)
    {
        ArgumentNullException.ThrowIfNull(quota);
        return quota.ServiceCode == All || quota.QuotaCode == All;
    }

    /// <summary>3 for a rule naming its quota, 2 for <c>*/L-…</c>, 1 for <c>ec2/*</c>, 0 for <c>*/*</c>: the larger wins a quota.</summary>
    public static int Narrowness(QuotaKey pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return (pattern.ServiceCode == All, pattern.QuotaCode == All) switch
        {
            (false, false) => 3,
            (true, false) => 2,
            (false, true) => 1,
            (true, true) => 0,
        };
    }

    public static bool Matches(QuotaKey pattern, string serviceCode, string quotaCode)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return Matches(pattern.ServiceCode, pattern.QuotaCode, serviceCode, quotaCode);
    }

    /// <summary>Whether a service and quota code pattern (each a code or <c>*</c>) covers <paramref name="serviceCode"/>/<paramref name="quotaCode"/>.</summary>
    public static bool Matches(string servicePattern, string quotaPattern, string serviceCode, string quotaCode) =>
        (servicePattern == All || string.Equals(servicePattern, serviceCode, StringComparison.Ordinal))
        && (quotaPattern == All || string.Equals(quotaPattern, quotaCode, StringComparison.Ordinal));

    /// <summary>The wildcard rule that wins a quota among <paramref name="wildcards"/> (narrowest, then by rule id); null when none matches.</summary>
    public static QuotaRule? Winner(IEnumerable<QuotaRule> wildcards, string serviceCode, string quotaCode)
    {
        ArgumentNullException.ThrowIfNull(wildcards);
        return wildcards.Where(r => IsWildcard(r.Quota) && Matches(r.Quota, serviceCode, quotaCode))
            .OrderByDescending(r => Narrowness(r.Quota)).ThenBy(r => r.RuleId, StringComparer.Ordinal).FirstOrDefault();
    }

    /// <summary>The id of a wildcard rule's instance for one quota (<c>all-quotas/vpc/L-407747CB</c>): its decisions, alerts and requests name it.</summary>
    public static string ExpandedId(string ruleId, string serviceCode, string quotaCode) => $"{ruleId}/{serviceCode}/{quotaCode}";

    /// <summary>
    /// The stored rule an engine rule id comes from: a wildcard's expansion (<c>all/vpc/L-407747CB</c>) is its wildcard's
    /// (<c>all</c>), whose settings (its <c>approvers</c>, above all) it carries; any other id is itself (rule ids have no '/').
    /// </summary>
    public static string SourceRuleId(string ruleId)
    {
        ArgumentNullException.ThrowIfNull(ruleId);
        var slash = ruleId.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? ruleId : ruleId[..slash];
    }

    /// <summary>
    /// The wildcard rules of one account and Region made concrete over the quotas observed there: one rule per observed
    /// quota some wildcard matches and no narrower rule holds. Pure.
    /// </summary>
    /// <param name="wildcards">Wildcard rules, all of the same account and Region (their quota keys').</param>
    /// <param name="namedQuotas">The quotas rules name (enabled or disabled): a wildcard leaves them to those rules.</param>
    /// <param name="observed">What the coverage port listed for the account and Region; quotas nothing observes are skipped.</param>
    public static WildcardExpansion Expand(IReadOnlyList<QuotaRule> wildcards, IReadOnlySet<QuotaKey> namedQuotas, IReadOnlyList<ObservableQuota> observed)
    {
        ArgumentNullException.ThrowIfNull(wildcards);
        ArgumentNullException.ThrowIfNull(namedQuotas);
        ArgumentNullException.ThrowIfNull(observed);
        var ordered = wildcards.OrderByDescending(r => Narrowness(r.Quota)).ThenBy(r => r.RuleId, StringComparer.Ordinal).ToList();
        var counts = ordered.ToDictionary(r => r.RuleId, _ => new int[4], StringComparer.Ordinal); // matched, expanded, named, narrower
        var rules = new List<QuotaRule>();
        var seen = new HashSet<(string, string)>();
        foreach (var quota in observed.Where(q => q.Source != Usage.UsageSourceKind.None).OrderBy(q => q.Key.ServiceCode, StringComparer.Ordinal).ThenBy(q => q.Key.QuotaCode, StringComparer.Ordinal))
        {
            var (service, code) = (quota.Key.ServiceCode, quota.Key.QuotaCode);
            if (!seen.Add((service, code))) continue;
            var matching = ordered.Where(r => Matches(r.Quota, service, code)).ToList();
            if (matching.Count == 0) continue;
            foreach (var rule in matching) counts[rule.RuleId][0]++;
            var winner = matching[0];
            var key = winner.Quota with { ServiceCode = service, QuotaCode = code };
            if (namedQuotas.Contains(key))
            {
                foreach (var rule in matching) counts[rule.RuleId][2]++;
                continue;
            }
            counts[winner.RuleId][1]++;
            foreach (var loser in matching.Skip(1)) counts[loser.RuleId][3]++;
            rules.Add(winner with { RuleId = ExpandedId(winner.RuleId, service, code), Quota = key });
        }
        return new WildcardExpansion(rules, ordered.Select(r => new WildcardCount(r.RuleId, r.Quota, counts[r.RuleId][0], counts[r.RuleId][1], counts[r.RuleId][2], counts[r.RuleId][3])).ToList());
    }
}
