using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Core.Fleet;
using FleetOrganization = QuotaAutomation.Core.Fleet.Organization;

namespace QuotaAutomation.Aws.Adapters;

/// <summary>
/// The organization as AWS Organizations has it, read afresh each fleet run from the management account (or a
/// delegated administrator): <c>DescribeOrganization</c>, then the tree from each root down, every parent asked for
/// its accounts (<c>ListAccountsForParent</c>) and its OUs (<c>ListChildren</c> ORGANIZATIONAL_UNIT).
/// </summary>
/// <remarks>
/// The walk costs 2 + 2P + N/20 calls for P parents (roots and OUs) and N accounts: 152 for 1,000 accounts in 50
/// OUs. The other way, <c>ListAccounts</c> then <c>ListParents</c> for every account and OU, costs N/20 + N + P (1,100
/// there), and Organizations throttles early (it publishes no rate; <c>ListParents</c> and <c>ListRoots</c> are the
/// ones reported throttled in organizations of 250 accounts). Calls go one at a time for the same reason.
/// </remarks>
/// <param name="enabledRegions">When given, each active account's enabled Regions fill <see cref="OrgAccount.EnabledRegions"/>.</param>
public sealed class AwsOrganization(OrganizationsClient organizations, AwsEnabledRegions? enabledRegions = null) : IOrganization
{
    public async Task<FleetOrganization> ReadAsync(CancellationToken ct)
    {
        var described = (await organizations.DescribeOrganizationAsync(new DescribeOrganizationRequest(), ct)).Organization;
        if (described?.Id is not { Length: > 0 } id || described.MasterAccountId is not { Length: > 0 } management)
            throw new AwsServiceException("MalformedResponse", "the organization has no Id or MasterAccountId", System.Net.HttpStatusCode.OK, "DescribeOrganization", null);

        var accounts = new List<OrgAccount>();
        var parents = new Queue<IReadOnlyList<string>>((await RootsAsync(ct)).Select(root => (IReadOnlyList<string>)[root]));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (parents.TryDequeue(out var path))
        {
            var parent = path[^1];
            if (!seen.Add(parent)) continue; // a tree never repeats a parent; a reply that did would loop
            foreach (var account in await AccountsAsync(parent, ct))
                if (Read(account, path) is { } read) accounts.Add(read);
            foreach (var ou in await OrganizationalUnitsAsync(parent, ct))
                parents.Enqueue([.. path, ou]);
        }
        accounts.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        if (enabledRegions is not null)
            for (var i = 0; i < accounts.Count; i++)
                if (accounts[i].State == AccountState.Active)
                    accounts[i] = accounts[i] with { EnabledRegions = await enabledRegions.ForAsync(accounts[i].Id, ct) };
        return new FleetOrganization(id, management, accounts);
    }

    /// <summary>
    /// The account's state from <c>State</c>, else the older <c>Status</c> (retired by AWS on 9 September 2026, still
    /// sent by older endpoints and by moto). An account still being created (<c>PENDING_ACTIVATION</c>) or in a state
    /// this code does not know is left out: nothing can be governed there yet, and guessing "active" would fail open.
    /// </summary>
    internal static OrgAccount? Read(Account account, IReadOnlyList<string> parents)
    {
        if (account.Id is not { Length: > 0 } id) return null;
        AccountState? state = (account.State ?? account.Status) switch
        {
            "ACTIVE" => AccountState.Active,
            "SUSPENDED" => AccountState.Suspended,
            "PENDING_CLOSURE" => AccountState.PendingClosure,
            "CLOSED" => AccountState.Closed,
            _ => null,
        };
        return state is { } known ? new OrgAccount(id, account.Name ?? id, known, parents) : null;
    }

    private async Task<List<string>> RootsAsync(CancellationToken ct)
    {
        var roots = new List<string>();
        string? next = null;
        do
        {
            var page = await organizations.ListRootsAsync(new ListRootsRequest { NextToken = next, MaxResults = OrganizationsClient.MaxPageSize }, ct);
            roots.AddRange((page.Roots ?? []).Select(r => r.Id).OfType<string>());
            next = Paging.Next(next, page.NextToken, "ListRoots");
        }
        while (next is not null);
        return roots;
    }

    private async Task<List<Account>> AccountsAsync(string parent, CancellationToken ct)
    {
        var accounts = new List<Account>();
        string? next = null;
        do
        {
            var page = await organizations.ListAccountsForParentAsync(new ListAccountsForParentRequest { ParentId = parent, NextToken = next, MaxResults = OrganizationsClient.MaxPageSize }, ct);
            accounts.AddRange(page.Accounts ?? []);
            next = Paging.Next(next, page.NextToken, "ListAccountsForParent");
        }
        while (next is not null);
        return accounts;
    }

    private async Task<List<string>> OrganizationalUnitsAsync(string parent, CancellationToken ct)
    {
        var units = new List<string>();
        string? next = null;
        do
        {
            var page = await organizations.ListChildrenAsync(new ListChildrenRequest { ParentId = parent, ChildType = "ORGANIZATIONAL_UNIT", NextToken = next, MaxResults = OrganizationsClient.MaxPageSize }, ct);
            units.AddRange((page.Children ?? []).Select(c => c.Id).OfType<string>());
            next = Paging.Next(next, page.NextToken, "ListChildren");
        }
        while (next is not null);
        return units;
    }
}
