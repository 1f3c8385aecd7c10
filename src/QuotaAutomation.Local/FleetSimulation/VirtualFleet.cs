using System.Globalization;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Local.Catalog;
using QuotaAutomation.Local.Simulation;

namespace QuotaAutomation.Local.FleetSimulation;

/// <summary>One governed quota of the virtual fleet: a real quota of the catalog, with its rule's automation level drawn from the seed.</summary>
public sealed record VirtualQuota(string ServiceCode, string QuotaCode, string QuotaName, double Value, string Level);

/// <summary>
/// N virtual accounts × R Regions × Q governed quotas, all drawn from the seed: the same quotas in every account and
/// Region (a fleet governs the same quotas everywhere), each (account, Region, quota) with a usage shape of its own
/// drawn by <see cref="Usage"/> (<see cref="UsageOf"/>): busy in the account's home Regions, nearly idle elsewhere. Quotas are real
/// ones from the bundled catalog (adjustable, with a known default; each is given a CloudWatch usage metric, as most
/// governed quotas have one), taken round-robin from the
/// <see cref="Services"/> services that have the most such quotas, so a shard lists as many services as a real fleet would.
/// </summary>
public sealed record VirtualFleet(IReadOnlyList<string> AccountIds, IReadOnlyList<string> Regions, IReadOnlyList<VirtualQuota> Quotas, int Seed, UsageMix Usage)
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
    /// <param name="usage">
    /// How usage is drawn (default <see cref="UsageMix.Organization"/>): how close to their thresholds the fleet's quotas
    /// sit, and where, which sets how many are read in detail and how often shards are due.
    /// </param>
    public static VirtualFleet Create(int accounts, int regions, int quotas, int services, int seed, UsageMix? usage = null)
    {
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
        return new VirtualFleet(ids, DefaultRegions.Take(regions).ToList(), chosen.Select(q => Governed(q, seed)).ToList(), seed, usage ?? UsageMix.Organization);
    }

    /// <summary>A quota's rule's automation level, drawn from the seed (the rule is the same in every account and Region).</summary>
    private static VirtualQuota Governed(CatalogQuota q, int seed)
    {
        var level = StableRandom.Uniform(seed, $"{q.ServiceCode}/{q.QuotaCode}/level", 0) switch { < 0.5 => "alert_only", < 0.8 => "monitor_only", _ => "auto_request" };
        return new VirtualQuota(q.ServiceCode, q.QuotaCode, q.QuotaName, q.DefaultValue!.Value, level); // DefaultValue > 0 was filtered above
    }

    /// <summary>
    /// The Regions where <paramref name="accountId"/> runs its workloads, its first home Region first: the fleet's first
    /// Region for <see cref="UsageMix.FirstRegionShare"/> of accounts (else one of the others), then 0, 1, 2 … more drawn
    /// with <see cref="UsageMix.ExtraHomeRegionWeights"/> from the rest; every Region under <see cref="UsageMix.EveryRegionHome"/>.
    /// </summary>
    public IReadOnlyList<string> HomeRegionsOf(string accountId)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        if (Usage.EveryRegionHome) return Regions;
        double U(string what) => StableRandom.Uniform(Seed, $"{accountId}/home/{what}", 0);
        var first = Regions.Count == 1 || U("first") < Usage.FirstRegionShare
            ? Regions[0]
            : Regions[1 + Math.Min(Regions.Count - 2, (int)(U("which") * (Regions.Count - 1)))];
        var weights = Usage.ExtraHomeRegionWeights;
        var (draw, extra) = (U("extra") * weights.Sum(), 0);
        while (extra < weights.Count - 1 && draw >= weights[extra]) draw -= weights[extra++];
        var others = Regions.Where(r => r != first).OrderBy(r => U(r)).ThenBy(r => r, StringComparer.Ordinal).Take(extra);
        return [first, .. others];
    }

    /// <summary>
    /// The usage shape of one quota in one account and Region, drawn from the seed by (account, Region, quota): a base
    /// by <see cref="Usage"/> (busy in a home Region, near zero elsewhere), and its own growth, daily swing, weekend
    /// level, spikes and noise within <see cref="Usage"/>'s ranges.
    /// </summary>
    public UsageProfile UsageOf(string accountId, string region, VirtualQuota quota) => UsageOf(accountId, region, quota, HomeRegionsOf(accountId).Contains(region));

    private UsageProfile UsageOf(string accountId, string region, VirtualQuota quota, bool home)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        ArgumentNullException.ThrowIfNull(quota);
        var m = Usage;
        double U(string what) => StableRandom.Uniform(Seed, $"{accountId}/{region}/{quota.ServiceCode}/{quota.QuotaCode}/{what}", 0);
        var baseFraction = !home ? m.IdleHigh * U("base")
            : U("hot") < m.HotShare ? m.HotLow + (m.HotHigh - m.HotLow) * U("base")
            : m.BusyLow + (m.BusyHigh - m.BusyLow) * Math.Pow(U("base"), m.BusySkew);
        if (!home && m.IdleIsFlat) return new UsageProfile(baseFraction, GrowthPerDay: 0, DailyAmplitude: 0, WeekendFactor: 1, SpikeChancePerHour: 0, SpikeSize: 1, Noise: 0);
        return new UsageProfile(BaseFraction: baseFraction, GrowthPerDay: m.MaxGrowthPerDay * U("growth"), DailyAmplitude: m.MaxDailyAmplitude * U("daily"),
            WeekendFactor: m.MinWeekendFactor + (1 - m.MinWeekendFactor) * U("weekend"), SpikeChancePerHour: m.MaxSpikeChancePerHour * U("spike"),
            SpikeSize: m.MinSpikeSize + (m.MaxSpikeSize - m.MinSpikeSize) * U("size"), Noise: m.Noise);
    }

    /// <summary>
    /// The stratum of a shard for sampling: whether its Region is one of the account's home Regions, and how many of its
    /// quotas' daily peaks (base × (1 + swing)) reach <see cref="UsageMix.NearFraction"/> (0, 1–2, 3 or more): what sets
    /// how often it is due and how many quotas it reads in detail.
    /// </summary>
    public string StratumOf(string accountId, string region)
    {
        var home = HomeRegionsOf(accountId).Contains(region);
        var near = Quotas.Count(q => UsageOf(accountId, region, q, home) is var p && p.BaseFraction * (1 + p.DailyAmplitude) >= UsageMix.NearFraction);
        return $"{(home ? "home" : "other")} Region, {near switch { 0 => "0", <= 2 => "1–2", _ => "3+" }} near";
    }

    /// <summary>
    /// The simulated quotas of one shard, with the metric CloudWatch reports their usage by and the usage drawn for
    /// (<paramref name="accountId"/>, <paramref name="region"/>), keyed as the shard's own embedded backend serves them:
    /// with no account id (a shard's backend is its account).
    /// </summary>
    public IReadOnlyList<(QuotaInfo Quota, UsageProfile Profile)> QuotasOf(string accountId, string region)
    {
        var home = HomeRegionsOf(accountId).Contains(region);
        return [.. Quotas.Select(q => (new QuotaInfo(new QuotaKey(q.ServiceCode, q.QuotaCode, region, null), q.QuotaName, q.Value, Adjustable: true, "None",
            new UsageMetric("AWS/Usage", "ResourceCount", new Dictionary<string, string> { ["Service"] = q.ServiceCode, ["Type"] = "Resource", ["Resource"] = q.QuotaCode, ["Class"] = "None" }, "Maximum")),
            UsageOf(accountId, region, q, home)))];
    }

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
