using QuotaAutomation.Core.Forecasting;

namespace QuotaAutomation.Core.Decisions;

/// <summary>
/// Quantiles of a peak that something announced will raise (an event's expectation, a dependency's growth): what is
/// added is known, not forecast, so it shifts every quantile by the same units and floors each at the usage expected;
/// the organic spread above that floor stays, so risk sizing still buys its margin on top.
/// </summary>
public static class ExpectedQuantiles
{
    /// <summary>Each of <paramref name="organic"/>'s quantiles + <paramref name="addUnits"/>, at least <paramref name="atLeast"/>.</summary>
    public static PeakQuantiles Raise(PeakQuantiles organic, double addUnits, double atLeast)
    {
        ArgumentNullException.ThrowIfNull(organic);
        return PeakQuantiles.Of(
            Math.Max(atLeast, organic.P50 + addUnits),
            Math.Max(atLeast, organic.P90 + addUnits),
            Math.Max(atLeast, organic.P99 + addUnits));
    }
}
