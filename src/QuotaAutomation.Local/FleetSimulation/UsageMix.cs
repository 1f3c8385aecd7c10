namespace QuotaAutomation.Local.FleetSimulation;

/// <summary>
/// How the virtual fleet's usage is drawn, per (account, Region, quota): which Regions of an account are its busy
/// <b>home</b> Regions, how a quota's base usage (a fraction of its value) is drawn there and elsewhere, and the ranges of
/// its swing, growth and spikes. Every figure is an assumption about an organization, not a measurement of one
/// (docs/fleet-usage-profile.md says why each was chosen): it is all here so it can be read, changed and tested.
/// </summary>
/// <remarks>
/// A home quota's base is hot (uniform in <see cref="HotLow"/>–<see cref="HotHigh"/>) with probability
/// <see cref="HotShare"/>, else <see cref="BusyLow"/> + (<see cref="BusyHigh"/> − <see cref="BusyLow"/>) × u^<see cref="BusySkew"/>
/// (u uniform in 0–1: a skew above 1 puts most quotas low). Outside its home Regions a quota's base is uniform in
/// 0–<see cref="IdleHigh"/>.
/// </remarks>
public sealed record UsageMix
{
    /// <summary>The default, an assumed organization: a few home Regions busy, the rest nearly idle, most quotas far below their thresholds.</summary>
    public static UsageMix Organization { get; } = new();

    /// <summary>
    /// The stress profile (round 2's generator, now drawn per account, Region and quota): every Region busy, every base
    /// uniform in <paramref name="low"/>–<paramref name="high"/>, no hot minority.
    /// </summary>
    public static UsageMix Uniform(double low, double high)
    {
        if (low < 0 || high > 2 || low >= high) throw new ArgumentOutOfRangeException(nameof(low), (low, high), "0 ≤ low < high ≤ 2");
        return new UsageMix { Name = "uniform", EveryRegionHome = true, HotShare = 0, BusyLow = low, BusyHigh = high, BusySkew = 1 };
    }

    /// <summary>"organization", or "uniform" for <see cref="Uniform"/>.</summary>
    public string Name { get; init; } = "organization";

    /// <summary>Every Region is a home Region (the stress profile).</summary>
    public bool EveryRegionHome { get; init; }

    /// <summary>Accounts whose first home Region is the fleet's first Region (where the landing zone builds accounts); the others' is drawn uniformly from the rest.</summary>
    public double FirstRegionShare { get; init; } = 0.8;

    /// <summary>Weights of 0, 1, 2 … further home Regions an account has (a DR pair, a second market), drawn uniformly from the fleet's other Regions.</summary>
    public IReadOnlyList<double> ExtraHomeRegionWeights { get; init; } = [0.6, 0.3, 0.1];

    /// <summary>Of a home Region's quotas, the share that runs hot: near or above the 70 % warning threshold.</summary>
    public double HotShare { get; init; } = 0.04;

    public double HotLow { get; init; } = 0.55;

    public double HotHigh { get; init; } = 0.9;

    /// <summary>The rest of a home Region's quotas: base in BusyLow–BusyHigh, skewed low by <see cref="BusySkew"/>.</summary>
    public double BusyLow { get; init; }

    public double BusyHigh { get; init; } = 0.4;

    /// <summary>The exponent on u: 2 puts the median at a quarter of the range (10 % of the quota) and the mean at a third.</summary>
    public double BusySkew { get; init; } = 2;

    /// <summary>A quota's base outside its account's home Regions: default VPC resources and a few stray items.</summary>
    public double IdleHigh { get; init; } = 0.05;

    /// <summary>
    /// Outside its home Regions a quota's usage stays at its base: stray items follow no workload's daily cycle, weekend
    /// or spikes. (With the swing and noise, a count of a unit or two rounds between 0 and 1 or 1 and 2, which the read
    /// cadence takes for a spike of 2× its median: every idle shard would then be due for an hour after each flip.)
    /// </summary>
    public bool IdleIsFlat { get; init; } = true;

    /// <summary>The ranges the rest of each draw's shape comes from (round 2's, unchanged): growth a day, daily swing (±), weekend level, spike chance an hour and size, noise.</summary>
    public double MaxGrowthPerDay { get; init; } = 0.01;

    public double MaxDailyAmplitude { get; init; } = 0.2;

    public double MinWeekendFactor { get; init; } = 0.8;

    public double MaxSpikeChancePerHour { get; init; } = 0.01;

    public double MinSpikeSize { get; init; } = 1.2;

    public double MaxSpikeSize { get; init; } = 1.7;

    public double Noise { get; init; } = 0.03;

    /// <summary>
    /// A daily peak (base × (1 + swing)) at or above this is near a threshold for the read cadence: the default warning
    /// threshold (70 %) less the cadence's <c>NearPoints</c> (10). Used to put shards into strata, not to draw usage.
    /// </summary>
    public const double NearFraction = 0.6;

    /// <summary>The expected number of home Regions of an account in a fleet of <paramref name="regions"/> Regions.</summary>
    public double ExpectedHomeRegions(int regions) => EveryRegionHome
        ? regions
        : 1 + ExtraHomeRegionWeights.Select((w, k) => w * Math.Min(k, regions - 1)).Sum() / ExtraHomeRegionWeights.Sum();
}
