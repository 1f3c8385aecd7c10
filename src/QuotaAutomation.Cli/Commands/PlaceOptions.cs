using System.CommandLine;
using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Local;

namespace QuotaAutomation.Cli.Commands;

/// <summary>
/// <c>--account</c>, <c>--ou</c> and <c>--region</c> of <c>status</c> and <c>audit</c>: which accounts and Region of a
/// fleet to show. An OU names the accounts under it and its child OUs, read from the organization (the embedded
/// backend's virtual one, or AWS Organizations). The Region is the global <c>--region</c>: on the embedded backend, where
/// it selects nothing else, it filters; on <c>--backend aws</c> it stays the hub's Region (the tables' and the APIs').
/// </summary>
internal sealed class PlaceOptions(CliApp app)
{
    public Option<string?> Account { get; } = new("--account") { Description = "Only this account (a fleet's accounts; the hub's own is its account id)" };

    public Option<string?> Ou { get; } = new("--ou") { Description = "Only the accounts in this OU and the OUs under it (ou-…, or the root r-…)" };

    /// <summary>The Region to show on the embedded backend (<c>--region</c>); null for every Region, and always on AWS.</summary>
    public string? Region(ParseResult parse) => app.IsAws(parse) ? null : parse.GetValue(app.Region);

    /// <summary>True when any of the three selects something.</summary>
    public bool Given(ParseResult parse) => parse.GetValue(Account) is not null || parse.GetValue(Ou) is not null || Region(parse) is not null;

    /// <summary>
    /// The account ids selected, or null for all: <c>--account</c>, the accounts under <c>--ou</c>, or both (those in
    /// both). The hub's own records carry no account id outside a fleet run: its account id selects them too ("").
    /// </summary>
    public async Task<IReadOnlyCollection<string>?> AccountsAsync(ParseResult parse, IOrganization? organization, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var account = parse.GetValue(Account);
        var ou = parse.GetValue(Ou);
        if (account is null && ou is null) return null;
        var org = organization is null ? null : await organization.ReadAsync(ct);
        HashSet<string> selected;
        if (ou is not null)
        {
            if (org is null) throw new InvalidDataException($"--ou {ou} needs an organization: this database has none yet (run --fleet makes its virtual organization)");
            selected = org.Under(ou).Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
            if (selected.Count == 0) throw new InvalidDataException($"--ou {ou}: the organization {org.Id} has no such OU or root, or no account under it");
            if (account is not null) selected.IntersectWith([account]);
        }
        else
        {
            selected = new HashSet<string>([account!], StringComparer.Ordinal); // one of the two is set
        }
        if (org is not null && selected.Contains(org.ManagementAccountId)) selected.Add("");
        return selected;
    }

    /// <summary>The database's virtual organization when a fleet has run on it; null otherwise.</summary>
    public static async Task<IOrganization?> EmbeddedOrganizationAsync(EmbeddedBackend backend, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(backend);
        if (await Local.Fleet.VirtualOrganizationSettings.ReadAsync(backend.Database, ct) is null) return null;
        return (await backend.JoinOrganizationAsync(null, null, ct)).Organization;
    }
}
