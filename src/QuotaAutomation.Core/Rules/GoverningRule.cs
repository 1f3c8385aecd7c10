using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Rules;

/// <summary>How a rule reaches a quota: it names it, a wildcard covers it, or nothing does.</summary>
public enum RuleReach
{
    Explicit,
    Wildcard,
    None,
}

/// <summary>The rule that governs one quota (<see cref="RuleReach.None"/>: none; <paramref name="Enabled"/> false: a disabled rule names it, so no rule runs on it).</summary>
public sealed record GoverningRule(string? RuleId, RuleReach Reach, bool Enabled = true)
{
    public static readonly GoverningRule Nobody = new(null, RuleReach.None);

    /// <summary>
    /// For each quota of one account and Region, the rule a cycle there runs on it, as the engine picks it: a rule
    /// naming the quota (enabled or not), else the narrowest wildcard (<see cref="WildcardRules"/>) if some source
    /// observes the quota, else none. Only rules of that one account and Region count (a fleet rule runs per shard).
    /// </summary>
    public static IReadOnlyDictionary<QuotaKey, GoverningRule> For(IReadOnlyList<QuotaRule> rules, IReadOnlyList<ObservableQuota> quotas)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(quotas);
        var governing = new Dictionary<QuotaKey, GoverningRule>();
        foreach (var quota in quotas)
        {
            var here = rules.Where(r => !r.IsFleetRule && r.Quota.Region == quota.Key.Region && r.Quota.AccountId == quota.Key.AccountId).ToList();
            var named = here.Where(r => r.Quota == quota.Key).OrderBy(r => r.RuleId, StringComparer.Ordinal).FirstOrDefault();
            var wildcard = quota.Source == Usage.UsageSourceKind.None ? null : WildcardRules.Winner(here.Where(r => r.Enabled), quota.Key.ServiceCode, quota.Key.QuotaCode);
            governing[quota.Key] = named is not null ? new GoverningRule(named.RuleId, RuleReach.Explicit, named.Enabled)
                : wildcard is not null ? new GoverningRule(wildcard.RuleId, RuleReach.Wildcard)
                : Nobody;
        }
        return governing;
    }
}
