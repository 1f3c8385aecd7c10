namespace QuotaAutomation.Core.Common;

/// <summary>Order statistics shared by training, backtests and the replay.</summary>
public static class Stats
{
    /// <summary>The <paramref name="q"/> quantile of sorted values, interpolated linearly between neighbours (0 for none).</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0) return 0;
        var position = q * (sorted.Count - 1);
        var low = (int)Math.Floor(position);
        var high = Math.Min(low + 1, sorted.Count - 1);
        return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
    }

    /// <summary>The median of the finite values; null when there are none.</summary>
    public static double? Median(IEnumerable<double> values)
    {
        var sorted = values.Where(double.IsFinite).Order().ToList();
        return sorted.Count == 0 ? null : Quantile(sorted, 0.5);
    }
}
