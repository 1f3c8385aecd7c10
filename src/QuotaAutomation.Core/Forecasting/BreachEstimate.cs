using System.Globalization;

namespace QuotaAutomation.Core.Forecasting;

/// <summary>How sure a breach estimate is: the interval's lower bound reaches the quota (high), or only the peak (medium).</summary>
public enum BreachConfidence
{
    Medium,
    High,
}

/// <summary>The quota is expected to be reached within <paramref name="Within"/>, with a confidence.</summary>
public sealed record BreachEstimate(TimeSpan Within, BreachConfidence Confidence)
{
    /// <summary>The confidence as a number, for prediction-alert events (0.9 high, 0.7 medium).</summary>
    public double Score => Confidence == BreachConfidence.High ? 0.9 : 0.7;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"breach expected within {Within.TotalHours:0.#}h ({Confidence.ToString().ToLowerInvariant()} confidence)");

    /// <summary>
    /// The first horizon (shortest first) whose forecast peak reaches <paramref name="quota"/>; null when none does.
    /// </summary>
    public static BreachEstimate? From(double quota, IEnumerable<(TimeSpan Horizon, Forecast Forecast)> forecasts)
    {
        ArgumentNullException.ThrowIfNull(forecasts);
        foreach (var (horizon, forecast) in forecasts.OrderBy(f => f.Horizon))
        {
            if (forecast.Peak < quota) continue;
            return new BreachEstimate(horizon, forecast.Lower is { } lower && lower >= quota ? BreachConfidence.High : BreachConfidence.Medium);
        }
        return null;
    }
}
