namespace QuotaAutomation.Local.Simulation;

/// <summary>
/// Uniform numbers as a pure function of (seed, name, index): the same inputs give the same number in every process
/// (unlike <see cref="string.GetHashCode()"/>), so simulated usage can be recomputed for any moment.
/// </summary>
public static class StableRandom
{
    public static double Uniform(int seed, string name, long index)
    {
        ArgumentNullException.ThrowIfNull(name);
        var h = 14695981039346656037UL; // FNV-1a over the name, then SplitMix64 over seed and index
        foreach (var c in name) h = unchecked((h ^ c) * 1099511628211UL);
        var x = unchecked(h ^ ((ulong)(uint)seed << 32) ^ (ulong)index * 0x9E3779B97F4A7C15UL);
        x = unchecked((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL);
        x = unchecked((x ^ (x >> 27)) * 0x94D049BB133111EBUL);
        x ^= x >> 31;
        return (x >> 11) * (1.0 / (1UL << 53));
    }
}
