namespace QuotaAutomation.Core.Fleet;

/// <summary>An AWS Organization as the fleet sees it at the start of a run: every account, active or not.</summary>
public sealed record Organization(string Id, string ManagementAccountId, IReadOnlyList<OrgAccount> Accounts)
{
    /// <summary>The accounts under <paramref name="unitId"/> (an OU or root id, children included), or the one account it names.</summary>
    public IEnumerable<OrgAccount> Under(string unitId) =>
        Accounts.Where(a => string.Equals(a.Id, unitId, StringComparison.Ordinal) || a.DepthOf(unitId) is not null);
}
