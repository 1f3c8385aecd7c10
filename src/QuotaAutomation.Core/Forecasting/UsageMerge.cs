namespace QuotaAutomation.Core.Forecasting;

/// <summary>
/// How a usage history takes new samples, in every store and in the engine's windows alike: a new sample replaces a
/// stored one of the same time (a detailed read over periods the report sampled gives their 5-minute maxima), the rest
/// is kept, and the result is in time order.
/// </summary>
public static class UsageMerge
{
    /// <param name="stored">A history in time order.</param>
    /// <param name="added">The new samples.</param>
    public static List<UsageSample> Replacing(IReadOnlyList<UsageSample> stored, IReadOnlyList<UsageSample> added)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(added);
        if (added.Count == 0) return [.. stored];
        if (stored.Count == 0 || added.Min(s => s.Timestamp) > stored[^1].Timestamp) return [.. stored, .. added.OrderBy(s => s.Timestamp)]; // the usual case: after the newest
        var replaced = added.Select(s => s.Timestamp).ToHashSet();
        return [.. stored.Where(s => !replaced.Contains(s.Timestamp)).Concat(added).OrderBy(s => s.Timestamp)];
    }
}
