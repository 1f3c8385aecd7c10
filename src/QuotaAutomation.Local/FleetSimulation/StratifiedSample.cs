using QuotaAutomation.Local.Simulation;

namespace QuotaAutomation.Local.FleetSimulation;

/// <summary>A group of shards that behave alike for cost, how many of the plan's shards it holds, and how many of them ran the engine.</summary>
public sealed record FleetStratum(string Name, int Shards, int Samples);

/// <summary>
/// Which shards run the real engine and which executed sample every planned shard replays: up to k shards of each
/// stratum, spread evenly over its members in plan order, run; every other shard replays a sample of its own stratum,
/// chosen by a stable hash of its shard id (the same in every process, whatever the plan's order).
/// </summary>
/// <param name="Executed">The shards that run the engine (indices into the plan), stratum by stratum.</param>
/// <param name="SampleOf">For each planned shard, the index into <paramref name="Executed"/> of the day it replays: its own when it ran.</param>
public sealed record StratifiedSample(IReadOnlyList<FleetStratum> Strata, IReadOnlyList<int> Executed, IReadOnlyList<int> SampleOf)
{
    /// <param name="shardIds">The plan's shards, in its order.</param>
    /// <param name="strata">Each shard's stratum, in the same order.</param>
    /// <param name="perStratum">Samples of each stratum; 0 runs every shard.</param>
    public static StratifiedSample Draw(IReadOnlyList<string> shardIds, IReadOnlyList<string> strata, int perStratum, int seed)
    {
        ArgumentNullException.ThrowIfNull(shardIds);
        ArgumentNullException.ThrowIfNull(strata);
        if (strata.Count != shardIds.Count) throw new ArgumentException("one stratum per shard", nameof(strata));
        ArgumentOutOfRangeException.ThrowIfNegative(perStratum);
        var groups = Enumerable.Range(0, shardIds.Count).GroupBy(i => strata[i], StringComparer.Ordinal).ToList(); // in order of first appearance
        var executed = new List<int>();
        var samplesOf = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var summary = new List<FleetStratum>();
        foreach (var group in groups)
        {
            var members = group.ToList();
            var take = perStratum == 0 ? members.Count : Math.Min(perStratum, members.Count);
            var samples = new List<int>();
            for (var k = 0; k < take; k++)
            {
                samples.Add(executed.Count);
                executed.Add(members[(int)((long)k * members.Count / take)]);
            }
            samplesOf[group.Key] = samples;
            summary.Add(new FleetStratum(group.Key, members.Count, take));
        }
        var own = executed.Select((shard, sample) => (shard, sample)).ToDictionary(x => x.shard, x => x.sample);
        var sampleOf = shardIds.Select((id, i) =>
        {
            if (own.TryGetValue(i, out var sample)) return sample;
            var samples = samplesOf[strata[i]];
            return samples[Math.Min(samples.Count - 1, (int)(StableRandom.Uniform(seed, $"sample/{id}", 0) * samples.Count))];
        }).ToList();
        return new StratifiedSample(summary, executed, sampleOf);
    }
}
