namespace QuotaAutomation.Core.Fleet;

/// <summary>One member account of an organization, where it sits in the OU tree, and which Regions it has enabled.</summary>
/// <param name="Parents">Ids from the root down to the direct parent: <c>r-…</c>, then <c>ou-…</c> ids.</param>
/// <param name="EnabledRegions">The Regions the account has enabled (Account <c>ListRegions</c>); null when not read.</param>
public sealed record OrgAccount(string Id, string Name, AccountState State, IReadOnlyList<string> Parents, IReadOnlyList<string>? EnabledRegions = null)
{
    /// <summary>How deep <paramref name="unitId"/> is above the account (0: the root); null when the account is not under it.</summary>
    public int? DepthOf(string unitId)
    {
        for (var i = 0; i < Parents.Count; i++)
            if (string.Equals(Parents[i], unitId, StringComparison.Ordinal)) return i;
        return null;
    }
}
