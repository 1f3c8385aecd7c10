using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Governance;

/// <summary>Whether a list of account targets names a place: yes, no, or cannot tell (the account's OUs are not known).</summary>
public enum PlaceMatch
{
    No,
    Unknown,
    Yes,
}

/// <summary>
/// Where a quota's account sits, for policies that name accounts or OUs: its id and its parents from the root down
/// (<see cref="Fleet.OrgAccount.Parents"/>). Either may be unknown: an engine run for one account without the
/// organization's tree knows neither, and a policy it cannot place is applied if it restricts and ignored if it
/// permits (<see cref="PolicyEnforcement"/>): a gate that cannot decide fails closed.
/// </summary>
/// <param name="AccountId">The account; null when not known (a rule for "this account" in a single-account run).</param>
/// <param name="Parents">Root and OU ids above the account; null when not known.</param>
public sealed record AccountPlace(string? AccountId, IReadOnlyList<string>? Parents)
{
    public static readonly AccountPlace Unknown = new(null, null);

    /// <summary>Whether <paramref name="targets"/> (account ids, <c>ou-…</c>/<c>r-…</c> ids, <c>*</c>) name this place.</summary>
    public PlaceMatch In(IReadOnlyList<string> targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var result = PlaceMatch.No;
        foreach (var target in targets)
        {
            var match = target == RuleTargets.All ? PlaceMatch.Yes
                : RuleTargets.IsOrganizationalUnit(target) ? Parents is null ? PlaceMatch.Unknown : Parents.Contains(target, StringComparer.Ordinal) ? PlaceMatch.Yes : PlaceMatch.No
                : AccountId is null ? PlaceMatch.Unknown : string.Equals(target, AccountId, StringComparison.Ordinal) ? PlaceMatch.Yes : PlaceMatch.No;
            if (match > result) result = match;
        }
        return result;
    }

    /// <summary>Whether <paramref name="policy"/> covers this place: named by its accounts and not surely excluded.</summary>
    public PlaceMatch Covered(QuotaPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var named = In(policy.Accounts);
        var excluded = In(policy.ExcludeAccounts);
        if (named == PlaceMatch.No || excluded == PlaceMatch.Yes) return PlaceMatch.No;
        return named == PlaceMatch.Yes && excluded == PlaceMatch.No ? PlaceMatch.Yes : PlaceMatch.Unknown;
    }
}
