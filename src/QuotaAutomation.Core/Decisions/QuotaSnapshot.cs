using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Decisions;

/// <summary>Everything the decision needs to know about one quota at one moment.</summary>
public sealed record QuotaSnapshot(QuotaInfo Quota, double CurrentUsage, Forecast Forecast)
{
    /// <summary>
    /// How the decision sizes. V1 (the default of a snapshot built by hand, as before issue 16) reads
    /// <see cref="Forecast.Peak"/>; the engine passes <see cref="Engine.EngineOptions.Sizing"/>.
    /// </summary>
    public SizingPolicy Sizing { get; init; } = SizingPolicy.V1;

    /// <summary>The quantiles risk sizing acts on; null under V1 or when the forecaster gave none (the decision is then v1's).</summary>
    public PeakQuantiles? Quantiles => Sizing == SizingPolicy.Risk ? Forecast.Quantiles : null;

    /// <summary>
    /// The usage the band is judged on: the larger of now and the honest estimate of the horizon's peak (its p50) under
    /// risk sizing, or v1's forecast peak (the higher of the direct model and the week's floor).
    /// </summary>
    public double PeakUsage => Math.Max(CurrentUsage, Quantiles?.P50 ?? Forecast.Peak);

    /// <summary>Peak usage as a percentage of the quota; a zero quota with any usage is infinitely full.</summary>
    public double UtilizationPercent => Quota.Value > 0
        ? 100 * PeakUsage / Quota.Value
        : PeakUsage > 0 ? double.PositiveInfinity : 0;
}
