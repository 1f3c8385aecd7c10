namespace QuotaAutomation.Core.Rules;

/// <summary>
/// Where a rule applies: which accounts (ids, OU or root ids, or <c>*</c>) and Regions (names or <c>*</c>), minus
/// exclusions, plus an optional failover standby. A rule that names one account (or none: the hub's own) and one
/// Region is <see cref="IsSingle"/>: a plain cycle runs it as it always did; any other runs in the fleet, one
/// (account, Region) shard at a time.
/// </summary>
/// <param name="Accounts">Account ids, <c>ou-…</c>/<c>r-…</c> ids and/or <c>*</c>; empty means the hub's own account.</param>
/// <param name="Regions">Region names and/or <c>*</c> (the fleet's Regions setting, else each account's enabled Regions).</param>
public sealed record RuleTargets(
    IReadOnlyList<string> Accounts,
    IReadOnlyList<string> Regions,
    IReadOnlyList<string> ExcludeAccounts,
    IReadOnlyList<string> ExcludeRegions,
    Standby? Standby = null)
{
    public const string All = "*";

    /// <summary>One named account (or the hub's own) and one named Region, no standby: the rule's quota key says it all.</summary>
    public bool IsSingle => Accounts.Count <= 1 && (Accounts.Count == 0 || IsAccountId(Accounts[0]))
        && Regions is [var region] && region != All && Standby is null;

    /// <summary>The targets of a rule written the old way: one account (or none) and one Region.</summary>
    public static RuleTargets Exactly(string region, string? accountId) =>
        new(accountId is null ? [] : [accountId], [region], [], []);

    public static bool IsAccountId(string target) => target.Length == 12 && target.All(char.IsAsciiDigit);

    // Lists compare by content, so a rule parsed twice equals itself.
    public bool Equals(RuleTargets? other) => other is not null
        && Accounts.SequenceEqual(other.Accounts, StringComparer.Ordinal) && Regions.SequenceEqual(other.Regions, StringComparer.Ordinal)
        && ExcludeAccounts.SequenceEqual(other.ExcludeAccounts, StringComparer.Ordinal) && ExcludeRegions.SequenceEqual(other.ExcludeRegions, StringComparer.Ordinal)
        && Standby == other.Standby;

    public override int GetHashCode() => HashCode.Combine(string.Join(",", Accounts), string.Join(",", Regions), Standby);

    public static bool IsOrganizationalUnit(string target) => target.StartsWith("ou-", StringComparison.Ordinal) || target.StartsWith("r-", StringComparison.Ordinal);
}

/// <summary>
/// Failover parity (REL01-BP06): the standby Region or account keeps the rule's quota at the primary's recent peak ×
/// <paramref name="Factor"/> all the time, so a failover finds the room already there.
/// </summary>
/// <param name="Region">The standby Region (same account); null when the standby is another account in the same Region.</param>
/// <param name="AccountId">The standby account (same Region); null when the standby is another Region.</param>
/// <param name="PeakWindow">How far back the primary's peak is read.</param>
public sealed record Standby(string? Region, string? AccountId, double Factor, TimeSpan PeakWindow)
{
    public const double DefaultFactor = 1.2;
    public static readonly TimeSpan DefaultPeakWindow = TimeSpan.FromDays(14);
}
