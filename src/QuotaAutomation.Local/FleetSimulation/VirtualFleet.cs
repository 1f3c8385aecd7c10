using System.Globalization;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Local.Catalog;
using QuotaAutomation.Local.Simulation;

namespace QuotaAutomation.Local.FleetSimulation;

/// <summary>One governed quota of the virtual fleet: a real quota of the catalog, with a usage shape drawn from the seed.</summary>
public sealed record VirtualQuota(string ServiceCode, string QuotaCode, string QuotaName, double Value, UsageProfile Profile, string Level);

/// <summary>
/// N virtual accounts × R Regions × Q governed quotas, all drawn from the seed: the same quotas in every account and
/// Region (a fleet governs the same quotas everywhere), each account and Region with its own usage. Quotas are real
/// ones from the bundled catalog (adjustable, with a known default; each is given a CloudWatch usage metric, as most
/// governed quotas have one), taken round-robin from the
/// <see cref="Services"/> services that have the most such quotas, so a shard lists as many services as a real fleet would.
/// </summary>
public sealed record VirtualFleet(IReadOnlyList<string> AccountIds, IReadOnlyList<string> Regions, IReadOnlyList<VirtualQuota> Quotas, int Seed)
{
    /// <summary>The commercial Regions enabled by default, in the order a fleet takes them (the hub's first).</summary>
    public static IReadOnlyList<string> DefaultRegions { get; } =
    [
        "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1",
        "eu-north-1", "ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "sa-east-1",
    ];

    /// <summary>Where the virtual clock of every shard starts: a fixed Monday, so runs compare.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);

    public int Services => Quotas.Select(q => q.ServiceCode).Distinct().Count();

    /// <summary>Builds a fleet; more Regions than <see cref="DefaultRegions"/> or more quotas than the catalog offers are refused.</summary>
    /// <param name="baseUtilization">
    /// The range each quota's base usage is drawn from, as fractions of its value (default 20–80 %): how close to their
    /// thresholds the fleet's quotas sit, which sets how many are read in detail and how often shards are due.
    /// </param>
    public static VirtualFleet Create(int accounts, int regions, int quotas, int services, int seed, (double Low, double High)? baseUtilization = null)
    {
        var (low, high) = baseUtilization ?? DefaultBaseUtilization;
        if (low < 0 || high > 2 || low >= high) throw new ArgumentOutOfRangeException(nameof(baseUtilization), baseUtilization, "0 ≤ low < high ≤ 2");
        if (accounts < 1) throw new ArgumentOutOfRangeException(nameof(accounts), accounts, "at least one account");
        if (regions < 1 || regions > DefaultRegions.Count) throw new ArgumentOutOfRangeException(nameof(regions), regions, $"1 to {DefaultRegions.Count} Regions");
        if (quotas < 1) throw new ArgumentOutOfRangeException(nameof(quotas), quotas, "at least one quota");
        if (services < 1) throw new ArgumentOutOfRangeException(nameof(services), services, "at least one service");
        var metered = QuotaCatalog.All
            .Where(q => q.Adjustable == true && q.DefaultValue is > 0)
            .GroupBy(q => q.ServiceCode)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Take(services)
            .Select(g => new Queue<CatalogQuota>(g.OrderBy(q => q.QuotaCode, StringComparer.Ordinal)))
            .ToList();
        var chosen = new List<CatalogQuota>();
        while (chosen.Count < quotas && metered.Any(q => q.Count > 0))
            foreach (var queue in metered.Where(q => q.Count > 0))
                if (chosen.Count < quotas) chosen.Add(queue.Dequeue());
        if (chosen.Count < quotas)
            throw new InvalidDataException($"{quotas} quotas from {services} services: the catalog has {chosen.Count} adjustable quotas with a default value in its {services} largest services; ask for fewer quotas or more services");
        var ids = Enumerable.Range(0, accounts).Select(i => (100_000_000_000L + i).ToString(CultureInfo.InvariantCulture)).ToList();
        return new VirtualFleet(ids, DefaultRegions.Take(regions).ToList(), chosen.Select(q => Governed(q, seed, low, high)).ToList(), seed);
    }

    /// <summary>Each quota's base usage by default: 20–80 % of its value.</summary>
    public static readonly (double Low, double High) DefaultBaseUtilization = (0.2, 0.8);

    /// <summary>A quota's usage shape and its rule's automation level, drawn from the seed: most quiet, some growing towards a threshold.</summary>
    private static VirtualQuota Governed(CatalogQuota q, int seed, double low, double high)
    {
        double U(string what) => StableRandom.Uniform(seed, $"{q.ServiceCode}/{q.QuotaCode}/{what}", 0);
        var profile = new UsageProfile(BaseFraction: low + (high - low) * U("base"), GrowthPerDay: 0.01 * U("growth"), DailyAmplitude: 0.2 * U("daily"),
            WeekendFactor: 0.8 + 0.2 * U("weekend"), SpikeChancePerHour: 0.01 * U("spike"), SpikeSize: 1.2 + 0.5 * U("size"), Noise: 0.03);
        var level = U("level") switch { < 0.5 => "alert_only", < 0.8 => "monitor_only", _ => "auto_request" };
        return new VirtualQuota(q.ServiceCode, q.QuotaCode, q.QuotaName, q.DefaultValue!.Value, profile, level); // DefaultValue > 0 was filtered above
    }

    /// <summary>The simulated quotas of one account and Region, with the metric CloudWatch reports their usage by.</summary>
    /// <remarks>The hub's own quotas have no account id: its shards run under its own credentials.</remarks>
    public IReadOnlyList<(QuotaInfo Quota, UsageProfile Profile)> QuotasOf(string? accountId, string region) =>
        [.. Quotas.Select(q => (new QuotaInfo(new QuotaKey(q.ServiceCode, q.QuotaCode, region, accountId), q.QuotaName, q.Value, Adjustable: true, "None",
            new UsageMetric("AWS/Usage", "ResourceCount", new Dictionary<string, string> { ["Service"] = q.ServiceCode, ["Type"] = "Resource", ["Resource"] = q.QuotaCode, ["Class"] = "None" }, "Maximum")),
            q.Profile))];

    /// <summary>ListServiceQuotas pages of a service (100 quotas a page), from the catalog's count of its quotas.</summary>
    public static int ListPages(string serviceCode) => Math.Max(1, (QuotasPerService.Value.GetValueOrDefault(serviceCode) + 99) / 100);

    private static readonly Lazy<Dictionary<string, int>> QuotasPerService =
        new(() => QuotaCatalog.All.GroupBy(q => q.ServiceCode).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal));

    /// <summary>The hub: the organization's management account, where the engine runs (the first virtual account).</summary>
    public string HubAccountId => AccountIds[0];

    /// <summary>
    /// The fleet's rules as stored items, one per governed quota, each for every account (<c>account_id: "*"</c>) and
    /// every Region of the fleet (<c>region: "*"</c>): the plan makes them concrete per shard.
    /// </summary>
    public IReadOnlyList<(string RuleId, IReadOnlyDictionary<string, object?> Item)> Rules() =>
        [.. Quotas.Select(q => ($"{q.ServiceCode}-{q.QuotaCode}", (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["rule_id"] = $"{q.ServiceCode}-{q.QuotaCode}",
            ["service_code"] = q.ServiceCode,
            ["quota_code"] = q.QuotaCode,
            ["region"] = "*",
            ["account_id"] = "*",
            ["automation_level"] = q.Level,
        }))];

    /// <summary>The virtual organization: every account active, in one of ten OUs under the root, the hub as its management account.</summary>
    public Core.Fleet.Organization Organization() => new("o-virtual", HubAccountId,
        [.. AccountIds.Select((id, i) => new Core.Fleet.OrgAccount(id, $"account-{i}", Core.Fleet.AccountState.Active, ["r-virt", $"ou-virt-{i % 10:D8}"]))]);
}
