using QuotaAutomation.Local.FleetSimulation;

namespace QuotaAutomation.Local.Tests.FleetSimulation;

/// <summary>
/// The virtual fleet's usage, drawn per (account, Region, quota): deterministic for a seed, different between accounts
/// and Regions, and over a large fleet the organization profile's home Regions and hot quotas come out at the shares
/// its <see cref="UsageMix"/> names (within four standard errors of the analytic expectation).
/// </summary>
public sealed class VirtualFleetUsageTests
{
    private static readonly UsageMix Mix = UsageMix.Organization;

    [Fact]
    public void UsageOf_IsDrawnPerAccountRegionAndQuota()
    {
        var fleet = VirtualFleet.Create(2, 2, 10, 3, 42, UsageMix.Uniform(0.2, 0.8)); // every Region busy: the bases are comparable
        var (a, b) = (fleet.AccountIds[0], fleet.AccountIds[1]);
        var (east1, east2) = (fleet.Regions[0], fleet.Regions[1]);

        var ofA = fleet.Quotas.Select(q => fleet.UsageOf(a, east1, q)).ToList();
        var ofB = fleet.Quotas.Select(q => fleet.UsageOf(b, east1, q)).ToList();
        var ofAElsewhere = fleet.Quotas.Select(q => fleet.UsageOf(a, east2, q)).ToList();

        Assert.All(ofA.Zip(ofB), p => Assert.NotEqual(p.First, p.Second));
        Assert.All(ofA.Zip(ofAElsewhere), p => Assert.NotEqual(p.First, p.Second));
        Assert.Equal(10, ofA.Select(p => p.BaseFraction).Distinct().Count()); // and quota by quota
    }

    [Fact]
    public void UsageOf_IsTheSameForOneSeed_OtherForAnother()
    {
        var fleet = VirtualFleet.Create(20, 17, 50, 10, 42);
        var again = VirtualFleet.Create(20, 17, 50, 10, 42);
        var other = VirtualFleet.Create(20, 17, 50, 10, 43);

        var shards = fleet.AccountIds.SelectMany(a => fleet.Regions.Select(r => (a, r))).ToList();
        Assert.Equal(shards.Select(s => fleet.QuotasOf(s.a, s.r).Select(q => q.Profile)).SelectMany(p => p), shards.Select(s => again.QuotasOf(s.a, s.r).Select(q => q.Profile)).SelectMany(p => p));
        Assert.Equal(fleet.AccountIds.Select(fleet.HomeRegionsOf).SelectMany(h => h), again.AccountIds.Select(again.HomeRegionsOf).SelectMany(h => h));
        Assert.NotEqual(shards.Select(s => fleet.QuotasOf(s.a, s.r)[0].Profile), shards.Select(s => other.QuotasOf(s.a, s.r)[0].Profile));
    }

    [Fact]
    public void Organization_HomeRegions_ComeOutAtTheMixsShares()
    {
        const int accounts = 4000;
        var fleet = VirtualFleet.Create(accounts, 17, 1, 1, 42);

        var homes = fleet.AccountIds.Select(fleet.HomeRegionsOf).ToList();

        // The first home Region is the fleet's first with probability FirstRegionShare (a Bernoulli share).
        var firstShare = homes.Count(h => h[0] == fleet.Regions[0]) / (double)accounts;
        Assert.InRange(firstShare, Mix.FirstRegionShare - FourSe(Mix.FirstRegionShare, accounts), Mix.FirstRegionShare + FourSe(Mix.FirstRegionShare, accounts));
        // Home Regions an account: 1 + the weights' mean number of extras (0, 1, 2 with 0.6, 0.3, 0.1: 1.5), variance of the extras' count.
        var weights = Mix.ExtraHomeRegionWeights.Select(w => w / Mix.ExtraHomeRegionWeights.Sum()).ToList();
        var expected = Mix.ExpectedHomeRegions(17);
        var variance = weights.Select((w, k) => w * (1 + k - expected) * (1 + k - expected)).Sum();
        Assert.Equal(1.5, expected, 9);
        Assert.InRange(homes.Average(h => h.Count), expected - 4 * Math.Sqrt(variance / accounts), expected + 4 * Math.Sqrt(variance / accounts));
        Assert.All(homes, h => Assert.Equal(h.Count, h.Distinct().Count()));
        Assert.All(homes, h => Assert.InRange(h.Count, 1, weights.Count));
    }

    [Fact]
    public void Organization_QuotasNearTheThreshold_AndIdleRegions_ComeOutAtTheMixsShares()
    {
        var fleet = VirtualFleet.Create(1000, 17, 50, 10, 42);
        var home = new List<double>();
        var idle = new List<double>();
        foreach (var account in fleet.AccountIds)
        {
            var homes = fleet.HomeRegionsOf(account);
            foreach (var region in fleet.Regions)
                (homes.Contains(region) ? home : idle).AddRange(fleet.QuotasOf(account, region).Select(q => q.Profile.BaseFraction));
        }

        // In a home Region a quota is hot (base HotLow–HotHigh, near or above the 70 % warning) with probability HotShare, else busy but low.
        var hot = home.Where(b => b >= Mix.HotLow).ToList();
        var busy = home.Where(b => b < Mix.HotLow).ToList();
        Assert.InRange(hot.Count / (double)home.Count, Mix.HotShare - FourSe(Mix.HotShare, home.Count), Mix.HotShare + FourSe(Mix.HotShare, home.Count));
        Assert.All(hot, b => Assert.InRange(b, Mix.HotLow, Mix.HotHigh));
        Assert.All(busy, b => Assert.InRange(b, Mix.BusyLow, Mix.BusyHigh));
        // Busy bases are BusyLow + range × u^skew: mean range / (skew + 1), variance range² × (1/(2 skew + 1) − 1/(skew + 1)²).
        var range = Mix.BusyHigh - Mix.BusyLow;
        var mean = Mix.BusyLow + range / (Mix.BusySkew + 1);
        var se = range * Math.Sqrt((1 / (2 * Mix.BusySkew + 1) - 1 / ((Mix.BusySkew + 1) * (Mix.BusySkew + 1))) / busy.Count);
        Assert.InRange(busy.Average(), mean - 4 * se, mean + 4 * se);
        // Elsewhere uniform in 0–IdleHigh: every idle quota far below any threshold.
        Assert.All(idle, b => Assert.InRange(b, 0, Mix.IdleHigh));
        Assert.InRange(idle.Average(), Mix.IdleHigh / 2 - 4 * Mix.IdleHigh / Math.Sqrt(12 * idle.Count), Mix.IdleHigh / 2 + 4 * Mix.IdleHigh / Math.Sqrt(12 * idle.Count));
        // The home/other split: ExpectedHomeRegions (1.5) of 17 Regions an account; the count's variance is 0.45 for weights 0.6, 0.3, 0.1.
        var homeShare = home.Count / (double)(home.Count + idle.Count);
        var fourSe = 4 * Math.Sqrt(0.45 / 1000) / 17;
        Assert.InRange(homeShare, Mix.ExpectedHomeRegions(17) / 17 - fourSe, Mix.ExpectedHomeRegions(17) / 17 + fourSe);
    }

    [Fact]
    public void Organization_IdleRegions_AreFlat()
    {
        var fleet = VirtualFleet.Create(50, 17, 50, 10, 42);

        var idle = fleet.AccountIds.SelectMany(a => fleet.Regions.Except(fleet.HomeRegionsOf(a)).SelectMany(r => fleet.QuotasOf(a, r))).Select(q => q.Profile).ToList();

        Assert.NotEmpty(idle);
        Assert.All(idle, p => Assert.Equal((0.0, 0.0, 1.0, 0.0, 0.0), (p.GrowthPerDay, p.DailyAmplitude, p.WeekendFactor, p.SpikeChancePerHour, p.Noise)));
    }

    [Fact]
    public void Uniform_EveryRegionIsBusy_BasesInTheRange()
    {
        var fleet = VirtualFleet.Create(30, 4, 50, 5, 42, UsageMix.Uniform(0.05, 0.4));

        Assert.All(fleet.AccountIds, a => Assert.Equal(fleet.Regions, fleet.HomeRegionsOf(a)));
        var bases = fleet.AccountIds.SelectMany(a => fleet.Regions.SelectMany(r => fleet.QuotasOf(a, r))).Select(q => q.Profile.BaseFraction).ToList();
        Assert.All(bases, b => Assert.InRange(b, 0.05, 0.4));
        Assert.InRange(bases.Average(), 0.225 - 4 * 0.35 / Math.Sqrt(12 * bases.Count), 0.225 + 4 * 0.35 / Math.Sqrt(12 * bases.Count));
        Assert.Equal(VirtualFleet.Create(1, 1, 50, 5, 42).Quotas.Select(q => q.QuotaCode), fleet.Quotas.Select(q => q.QuotaCode));
    }

    [Fact]
    public void StratumOf_NamesTheRegionKindAndTheNearQuotas()
    {
        var fleet = VirtualFleet.Create(200, 17, 50, 10, 42);

        var strata = fleet.AccountIds.SelectMany(a => fleet.Regions.Select(r => (Home: fleet.HomeRegionsOf(a).Contains(r), Stratum: fleet.StratumOf(a, r)))).ToList();

        Assert.All(strata.Where(s => !s.Home), s => Assert.Equal("other Region, 0 near", s.Stratum)); // idle quotas never reach 60 %
        Assert.All(strata.Where(s => s.Home), s => Assert.StartsWith("home Region, ", s.Stratum, StringComparison.Ordinal));
        Assert.Equal(["home Region, 0 near", "home Region, 1–2 near", "home Region, 3+ near", "other Region, 0 near"], strata.Select(s => s.Stratum).Distinct().Order(StringComparer.Ordinal));
    }

    private static double FourSe(double p, int n) => 4 * Math.Sqrt(p * (1 - p) / n);
}
