using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Fleet;

/// <summary>
/// Which rules may govern the same quota in the same (account, Region), read from the rules alone (no
/// organization at hand: an OU may or may not contain an account), and which one wins where both apply. With an
/// organization, <see cref="FleetPlanner"/> counts the exact cells instead.
/// </summary>
public static class RuleOverlaps
{
    public static IReadOnlyList<string> Find(IReadOnlyList<QuotaRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var found = new List<string>();
        var byQuota = rules.Where(r => r.Enabled).GroupBy(r => (r.Quota.ServiceCode, r.Quota.QuotaCode));
        foreach (var group in byQuota)
        {
            var list = group.OrderBy(r => r.RuleId, StringComparer.Ordinal).ToList();
            for (var i = 0; i < list.Count; i++)
                for (var j = i + 1; j < list.Count; j++)
                    if (Describe(list[i], list[j]) is { } text) found.Add(text);
        }
        return found;
    }

    private static string? Describe(QuotaRule a, QuotaRule b)
    {
        var regions = SharedRegions(a.Targets, b.Targets);
        var accounts = SharedAccounts(a.Targets, b.Targets);
        if (regions is null || accounts is null) return null;
        var (rankA, rankB) = (Rank(a.Targets), Rank(b.Targets));
        var quota = $"{a.Quota.ServiceCode}/{a.Quota.QuotaCode}";
        var where = $"{accounts} in {regions}";
        if (rankA == rankB)
            return rankA.Account == 1 && a.Targets.Accounts.Intersect(b.Targets.Accounts).Count() < Math.Min(a.Targets.Accounts.Count, b.Targets.Accounts.Count)
                ? $"rules '{a.RuleId}' and '{b.RuleId}' may both govern {quota} for {where}: where they do, the deeper OU wins; if equally deep, '{a.RuleId}' wins by rule id"
                : $"rules '{a.RuleId}' and '{b.RuleId}' both govern {quota} for {where} and are equally specific: '{a.RuleId}' wins by rule id; make one more specific";
        var (winner, loser) = rankA.CompareTo(rankB) > 0 ? (a, b) : (b, a);
        return $"rule '{winner.RuleId}' overrides '{loser.RuleId}' for {quota} for {where}: it names {Reason(Rank(winner.Targets), Rank(loser.Targets))}";
    }

    /// <summary>Account specificity (2 named, 1 OU, 0 '*'), then Region (1 named, 0 '*').</summary>
    private static (int Account, int Region) Rank(RuleTargets t) => (
        t.Accounts.Count == 0 || t.Accounts.Any(RuleTargets.IsAccountId) ? 2 : t.Accounts.Any(RuleTargets.IsOrganizationalUnit) ? 1 : 0,
        t.Regions.Contains(RuleTargets.All) ? 0 : 1);

    private static string Reason((int Account, int Region) winner, (int Account, int Region) loser) =>
        winner.Account != loser.Account ? (winner.Account == 2 ? "the account itself" : "an OU, not '*'") : "the Region, not '*'";

    private static string? SharedRegions(RuleTargets a, RuleTargets b)
    {
        var aAll = a.Regions.Contains(RuleTargets.All);
        var bAll = b.Regions.Contains(RuleTargets.All);
        var shared = aAll && bAll ? ["every Region"] : aAll ? b.Regions.Except(a.ExcludeRegions) : bAll ? a.Regions.Except(b.ExcludeRegions) : a.Regions.Intersect(b.Regions);
        var list = shared.ToList();
        return list.Count == 0 ? null : string.Join(", ", list);
    }

    private static string? SharedAccounts(RuleTargets a, RuleTargets b)
    {
        static IReadOnlyList<string> Of(RuleTargets t) => t.Accounts.Count == 0 ? ["the hub"] : t.Accounts;
        var (aa, bb) = (Of(a), Of(b));
        if (aa.Contains(RuleTargets.All)) return bb.Contains(RuleTargets.All) ? "every account" : Name(bb.Except(a.ExcludeAccounts).ToList());
        if (bb.Contains(RuleTargets.All)) return Name(aa.Except(b.ExcludeAccounts).ToList());
        var exact = aa.Intersect(bb).ToList();
        if (exact.Count > 0) return Name(exact);
        // An OU of one and an account or OU of the other may nest: say so rather than guess.
        var maybe = aa.Any(RuleTargets.IsOrganizationalUnit) || bb.Any(RuleTargets.IsOrganizationalUnit);
        return maybe ? $"accounts of {Name(aa.Concat(bb).Where(RuleTargets.IsOrganizationalUnit).ToList())} (if they nest)" : null;
    }

    private static string? Name(List<string> targets) => targets.Count == 0 ? null : string.Join(", ", targets);
}
