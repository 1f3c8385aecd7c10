using QuotaAutomation.Core.Forecasting;

namespace QuotaAutomation.Core.Tests.Fakes;

/// <summary>A forecaster that gives quantiles: the test sets them (or a function of the newest sample) and may change them between cycles.</summary>
/// <remarks>The next hour (risk sizing's near-term risk) is the level unless <see cref="NextHour"/> says otherwise.</remarks>
internal sealed class QuantileForecaster(Func<double, PeakQuantiles> quantiles, Func<double, double>? v1Peak = null) : IForecaster
{
    public Func<double, PeakQuantiles>? NextHour { get; set; }

    /// <summary>The forecasts say their tails are the pooled calibration's, not the quota's own (<see cref="Forecast.TailsPooled"/>).</summary>
    public bool TailsPooled { get; set; }

    public string Name => "quantiles";

    public Func<double, PeakQuantiles> Quantiles { get; set; } = quantiles;

    public static QuantileForecaster Fixed(double p50, double p90, double p99) => new(_ => PeakQuantiles.Of(p50, p90, p99));

    public Forecast Predict(IReadOnlyList<UsageSample> history, DateTimeOffset now, TimeSpan horizon)
    {
        var last = history[^1].Value;
        var q = horizon <= TimeSpan.FromHours(1) ? NextHour?.Invoke(last) ?? PeakQuantiles.Point(last) : Quantiles(last);
        return new Forecast(v1Peak?.Invoke(last) ?? q.P90, null, null, Name, "test quantiles") { Quantiles = q, TailsPooled = TailsPooled };
    }
}
