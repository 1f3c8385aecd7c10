using QuotaAutomation.Local.FleetSimulation;

namespace QuotaAutomation.Local.Tests.FleetSimulation;

public sealed class StratifiedSampleTests
{
    private static readonly string[] Ids = [.. Enumerable.Range(0, 40).Select(i => $"{100_000_000_000L + i / 4}/r{i % 4}")];

    /// <summary>Three strata of unequal sizes, interleaved as a plan would have them.</summary>
    private static readonly string[] Strata = [.. Enumerable.Range(0, 40).Select(i => i % 10 == 0 ? "home, 3+" : i % 4 == 0 ? "home, 0" : "other")];

    [Fact]
    public void Draw_EveryShardReplaysASampleOfItsOwnStratum()
    {
        var sample = StratifiedSample.Draw(Ids, Strata, perStratum: 2, seed: 42);

        Assert.Equal(40, sample.SampleOf.Count);
        Assert.All(Enumerable.Range(0, 40), i => Assert.Equal(Strata[i], Strata[sample.Executed[sample.SampleOf[i]]]));
        Assert.All(Enumerable.Range(0, sample.Executed.Count), s => Assert.Equal(s, sample.SampleOf[sample.Executed[s]])); // an executed shard replays its own day
        Assert.Equal([("home, 3+", 4, 2), ("other", 28, 2), ("home, 0", 8, 2)], sample.Strata.Select(s => (s.Name, s.Shards, s.Samples)));
        Assert.Equal(6, sample.Executed.Distinct().Count());
    }

    [Fact]
    public void Draw_SameShardsAndSeed_SameSamples()
    {
        var sample = StratifiedSample.Draw(Ids, Strata, perStratum: 3, seed: 42);
        var again = StratifiedSample.Draw(Ids, Strata, perStratum: 3, seed: 42);

        Assert.Equal(sample.SampleOf, again.SampleOf);
        Assert.Equal(sample.Executed, again.Executed);
    }

    [Fact]
    public void Draw_ZeroPerStratum_RunsEveryShard()
    {
        var sample = StratifiedSample.Draw(Ids, Strata, perStratum: 0, seed: 42);

        Assert.Equal(40, sample.Executed.Count);
        Assert.All(Enumerable.Range(0, 40), i => Assert.Equal(i, sample.Executed[sample.SampleOf[i]]));
        Assert.Equal(40, sample.Strata.Sum(s => s.Samples));
    }

    [Fact]
    public void Draw_MoreSamplesThanAStratumHas_RunsItsWholeStratum()
    {
        var sample = StratifiedSample.Draw(Ids, Strata, perStratum: 5, seed: 42);

        Assert.Equal([4, 5, 5], sample.Strata.Select(s => s.Samples));
    }
}
