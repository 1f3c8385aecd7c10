namespace QuotaAutomation.Core.Forecasting;

/// <summary>
/// Quantiles of the peak usage over a horizon: the honest estimate (<see cref="P50"/>) kept apart from the risk
/// (<see cref="P90"/>, <see cref="P99"/>), so a rule's <c>breach_risk</c> picks how much margin it buys. Ordered:
/// P50 ≤ P90 ≤ P99 (<see cref="Of"/> sorts what it is given).
/// </summary>
public sealed record PeakQuantiles
{
    private PeakQuantiles(double p50, double p90, double p99) => (P50, P90, P99) = (p50, p90, p99);

    public double P50 { get; }

    public double P90 { get; }

    public double P99 { get; }

    /// <summary>The levels every forecaster gives.</summary>
    public static IReadOnlyList<double> Levels { get; } = [0.5, 0.9, 0.99];

    /// <summary>Quantiles from three values, made monotone (a calibration can cross them) and never negative.</summary>
    public static PeakQuantiles Of(double p50, double p90, double p99)
    {
        var p = new[] { p50, p90, p99 }.Select(v => double.IsFinite(v) ? Math.Max(0, v) : throw new ArgumentOutOfRangeException(nameof(p50), "a quantile must be finite")).ToArray();
        return new PeakQuantiles(p[0], Math.Max(p[0], p[1]), Math.Max(Math.Max(p[0], p[1]), p[2]));
    }

    /// <summary>The same value at every level (a forecaster that knows no spread: current-only, an event's expectation).</summary>
    public static PeakQuantiles Point(double value) => Of(value, value, value);

    /// <summary>
    /// The quantile at <paramref name="level"/> (0.5 ≤ level ≤ 0.99; outside, the nearest end): linear in the logit of
    /// the level between the known ones, which keeps p95 nearer p90 than p99, as a peak's tail is.
    /// </summary>
    public double At(double level)
    {
        if (level <= 0.5) return P50;
        if (level >= 0.99) return P99;
        var (lo, hi, a, b) = level <= 0.9 ? (0.5, 0.9, P50, P90) : (0.9, 0.99, P90, P99);
        var t = (Logit(level) - Logit(lo)) / (Logit(hi) - Logit(lo));
        return a + t * (b - a);
    }

    /// <summary>Every quantile times <paramref name="factor"/> (a dependency's or an event's share).</summary>
    public PeakQuantiles Scale(double factor) => Of(P50 * factor, P90 * factor, P99 * factor);

    private static double Logit(double p) => Math.Log(p / (1 - p));
}
