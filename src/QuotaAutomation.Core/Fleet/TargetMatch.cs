using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Fleet;

/// <summary>
/// Whether a rule's targets cover an (account, Region), and how specifically: the most specific rule wins a quota
/// there. The account decides first (a named account over an OU, a deeper OU over a shallower one, any OU over
/// <c>*</c>), then the Region (named over <c>*</c>).
/// </summary>
public static class TargetMatch
{
    private const int NamedAccount = 100_000;
    private const int UnderUnit = 1_000; // + the unit's depth: a deeper OU is more specific
    private const int NamedRegion = 1;

    /// <summary>The specificity of <paramref name="targets"/> at (<paramref name="account"/>, <paramref name="region"/>), or null when it does not apply there.</summary>
    /// <param name="allRegions">What <c>*</c> means for this account.</param>
    public static int? Specificity(RuleTargets targets, OrgAccount account, string region, IReadOnlyCollection<string> allRegions, string hubAccountId)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(account);
        if (Excluded(targets, account, region)) return null;
        var accountScore = AccountScore(targets.Accounts, account, hubAccountId);
        if (accountScore is null) return null;
        int regionScore;
        if (targets.Regions.Contains(region, StringComparer.Ordinal)) regionScore = NamedRegion;
        else if (targets.Regions.Contains(RuleTargets.All) && allRegions.Contains(region, StringComparer.Ordinal)) regionScore = 0;
        else return null;
        return accountScore.Value * 10 + regionScore;
    }

    /// <summary>The score of a cell a rule covers as a standby: it names that account and Region.</summary>
    public static int StandbySpecificity => NamedAccount * 10 + NamedRegion;

    public static bool Excluded(RuleTargets targets, OrgAccount account, string region) =>
        targets.ExcludeRegions.Contains(region, StringComparer.Ordinal)
        || targets.ExcludeAccounts.Any(x => string.Equals(x, account.Id, StringComparison.Ordinal) || account.DepthOf(x) is not null);

    private static int? AccountScore(IReadOnlyList<string> accounts, OrgAccount account, string hubAccountId)
    {
        if (accounts.Count == 0) return string.Equals(account.Id, hubAccountId, StringComparison.Ordinal) ? NamedAccount : null;
        int? best = null;
        foreach (var target in accounts)
        {
            int? score = target == RuleTargets.All ? 0
                : string.Equals(target, account.Id, StringComparison.Ordinal) ? NamedAccount
                : account.DepthOf(target) is { } depth ? UnderUnit + depth
                : null;
            if (score > (best ?? -1)) best = score;
        }
        return best;
    }
}
