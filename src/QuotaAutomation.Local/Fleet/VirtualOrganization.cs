using System.Globalization;
using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Local.Simulation;

namespace QuotaAutomation.Local.Fleet;

/// <summary>An organizational unit of the virtual organization: its id, name and parent (the root or another unit).</summary>
public sealed record VirtualUnit(string Id, string Name, string ParentId);

/// <summary>
/// An AWS Organization on this machine, for running a fleet without one: a management account (the hub) and N member
/// accounts in organizational units nested up to three deep, drawn from the seed. The units are fixed (rule files can
/// name them); the accounts' ids, names and units come from the seed. A few accounts are suspended, closed or pending
/// closure, as in any large organization; some have only half the Regions enabled; and one account in 250 (the 5th,
/// the 255th, …) has no member role, so its shards fail as STS AssumeRole would refuse them. Nothing is stored but
/// the <see cref="VirtualOrganizationSettings"/>: the organization is the same pure function of (seed, settings) in
/// every run.
/// </summary>
public sealed class VirtualOrganization : IOrganization
{
    public const string RootId = "r-fl33";

    /// <summary>The units, parents first: Workloads › Prod › Payments is the deepest path.</summary>
    public static readonly IReadOnlyList<VirtualUnit> Units =
    [
        new("ou-fl33-workload", "Workloads", RootId),
        new("ou-fl33-prodwork", "Prod", "ou-fl33-workload"),
        new("ou-fl33-payments", "Payments", "ou-fl33-prodwork"),
        new("ou-fl33-analytic", "Analytics", "ou-fl33-prodwork"),
        new("ou-fl33-nonprodw", "NonProd", "ou-fl33-workload"),
        new("ou-fl33-infrastr", "Infrastructure", RootId),
        new("ou-fl33-networks", "Network", "ou-fl33-infrastr"),
        new("ou-fl33-sandboxs", "Sandbox", RootId),
    ];

    /// <summary>Where member accounts go, with the share of accounts each gets (cumulative).</summary>
    private static readonly (string Unit, double Upto)[] Placement =
        [("ou-fl33-payments", 0.25), ("ou-fl33-analytic", 0.45), ("ou-fl33-nonprodw", 0.70), ("ou-fl33-networks", 0.80), ("ou-fl33-sandboxs", 1.0)];

    private readonly HashSet<string> _missingRole;

    private VirtualOrganization(VirtualOrganizationSettings settings, Organization organization, HashSet<string> missingRole)
    {
        Settings = settings;
        Organization = organization;
        _missingRole = missingRole;
    }

    public VirtualOrganizationSettings Settings { get; }

    public Organization Organization { get; }

    /// <summary>The accounts whose member role is missing.</summary>
    public IReadOnlyCollection<string> MissingRole => _missingRole;

    public static VirtualOrganization Create(int seed, VirtualOrganizationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var management = Draw(seed, "management", ids);
        var accounts = new List<OrgAccount>(settings.Accounts + 1) { new(management, "management", AccountState.Active, [RootId], settings.Regions) };
        var missingRole = new HashSet<string>(StringComparer.Ordinal);
        var half = settings.Regions.Take((settings.Regions.Count + 1) / 2).ToList();
        for (var i = 0; i < settings.Accounts; i++)
        {
            var id = Draw(seed, "account", ids, i);
            var draw = StableRandom.Uniform(seed, "unit", i);
            var unit = Units.First(u => u.Id == Placement.First(p => draw < p.Upto).Unit);
            var state = (i % 50, i % 100) switch
            {
                (2, _) => AccountState.Suspended,
                (6, _) => AccountState.Closed,
                (_, 9) => AccountState.PendingClosure,
                _ => AccountState.Active,
            };
            if (i % 250 == 4) missingRole.Add(id);
            var name = string.Create(CultureInfo.InvariantCulture, $"{unit.Name.ToLowerInvariant()}-{i + 1:D4}");
            accounts.Add(new OrgAccount(id, name, state, PathTo(unit), i % 10 == 3 ? half : settings.Regions));
        }
        return new VirtualOrganization(settings, new Organization("o-fl33" + management[..6], management, accounts), missingRole);
    }

    public Task<Organization> ReadAsync(CancellationToken ct) => Task.FromResult(Organization);

    /// <summary>Whether the hub can assume the member role in an account (its own account needs none).</summary>
    public bool HasMemberRole(string accountId) => !_missingRole.Contains(accountId);

    /// <summary>
    /// The accounts an id names: an account id itself, or every account in an organizational unit and the units under
    /// it (the root names all of them); empty when the organization has no such id.
    /// </summary>
    public IReadOnlyList<string> AccountsUnder(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return Organization.Accounts.Where(a => a.Id == id || a.Parents.Contains(id)).Select(a => a.Id).ToList();
    }

    /// <summary>The organization's accounts as the simulated AWS serves them; the hub's own account ("") in every Region.</summary>
    public IEnumerable<SimulatedMember> Members() =>
        Organization.Accounts.Select(a => new SimulatedMember(a.Id, HasMemberRole(a.Id), (a.EnabledRegions ?? Settings.Regions).ToHashSet(StringComparer.Ordinal)))
            .Append(new SimulatedMember("", true, Settings.Regions.ToHashSet(StringComparer.Ordinal)));

    private static List<string> PathTo(VirtualUnit unit)
    {
        var path = new List<string> { unit.Id };
        for (var parent = unit.ParentId; parent != RootId; parent = Units.First(u => u.Id == parent).ParentId) path.Insert(0, parent);
        path.Insert(0, RootId);
        return path;
    }

    /// <summary>A 12-digit account id from the seed, never one already drawn.</summary>
    private static string Draw(int seed, string name, HashSet<string> taken, long index = 0)
    {
        for (var attempt = 0L; ; attempt++)
        {
            var id = (100_000_000_000 + (long)(StableRandom.Uniform(seed, name, index + attempt * 1_000_003) * 899_999_999_999)).ToString(CultureInfo.InvariantCulture);
            if (taken.Add(id)) return id;
        }
    }
}
