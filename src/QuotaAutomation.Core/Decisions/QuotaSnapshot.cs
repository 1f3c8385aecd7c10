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
    /// Under risk sizing, the rule's (1 − breach_risk) quantile of the next hour's peak: an increase asked now lands in
    /// about half an hour, so a risk the rule does not accept within the hour is acted on now, whatever the horizon's
    /// p50 says. Null: not known (v1, a snapshot built by hand, a forecaster without quantiles).
    /// </summary>
    public double? NearTermRisk { get; init; }

    /// <summary>
    /// The usage the band is judged on: under risk sizing the largest of now, the honest estimate of the horizon's peak
    /// (its p50) and <see cref="NearTermRisk"/>; under v1 the larger of now and its forecast peak (the higher of the
    /// direct model and the week's floor).
    /// </summary>
    public double PeakUsage => Quantiles is { } q
        ? Math.Max(Math.Max(CurrentUsage, q.P50), NearTermRisk ?? 0)
        : Math.Max(CurrentUsage, Forecast.Peak);

    /// <summary>Peak usage as a percentage of the quota; a zero quota with any usage is infinitely full.</summary>
    public double UtilizationPercent => Quota.Value > 0
        ? 100 * PeakUsage / Quota.Value
        : PeakUsage > 0 ? double.PositiveInfinity : 0;
}
