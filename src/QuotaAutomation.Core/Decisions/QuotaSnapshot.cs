using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Decisions;

/// <summary>Everything the decision needs to know about one quota at one moment.</summary>
public sealed record QuotaSnapshot(QuotaInfo Quota, double CurrentUsage, Forecast Forecast)
{
    /// <summary>The usage the decision plans for: the larger of now and the forecast peak.</summary>
    public double PeakUsage => Math.Max(CurrentUsage, Forecast.Peak);

    /// <summary>Peak usage as a percentage of the quota; a zero quota with any usage is infinitely full.</summary>
    public double UtilizationPercent => Quota.Value > 0
        ? 100 * PeakUsage / Quota.Value
        : PeakUsage > 0 ? double.PositiveInfinity : 0;
}
