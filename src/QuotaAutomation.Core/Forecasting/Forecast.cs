namespace QuotaAutomation.Core.Forecasting;

/// <summary>One timestamped usage observation.</summary>
public readonly record struct UsageSample(DateTimeOffset Timestamp, double Value);

/// <summary>
/// The expected peak usage over a horizon, with an optional interval, and which forecaster answered and why,
/// so the decision and the audit can say what the number rests on.
/// </summary>
public sealed record Forecast(double Peak, double? Lower, double? Upper, string Forecaster, string Note)
{
    /// <summary>
    /// Quantiles of the horizon's peak (issue 16): the honest estimate and the risk apart. Null from a forecaster that
    /// gives none; <see cref="Peak"/> stays the value <c>quota-automation-v1</c>'s sizing acts on.
    /// </summary>
    public PeakQuantiles? Quantiles { get; init; }

    /// <summary>
    /// True when the tails are not this quota's own (too little history: the model's pooled calibration over other
    /// series). Risk sizing then asks one step at a time and records no step plan: a plan commits the next requests,
    /// and the pooled tails of a new quota that switches on and off put its week's p99 at 25 × its p50.
    /// </summary>
    public bool TailsPooled { get; init; }

    public static Forecast CurrentOnly(double current, string note) => new(current, null, null, "current-only", note);
}

/// <summary>Forecasts a quota's peak usage over a horizon from its history. Pure: no clock, no I/O.</summary>
public interface IForecaster
{
    string Name { get; }

    /// <param name="history">Samples in time order, the newest last.</param>
    Forecast Predict(IReadOnlyList<UsageSample> history, DateTimeOffset now, TimeSpan horizon);

    /// <summary>
    /// The same forecast, for a named series (the engine names the quota): a forecaster may keep what it computed for the
    /// series' past between calls (the model keeps its past origins' corrections), where each call would otherwise
    /// recompute them from the whole history.
    /// </summary>
    Forecast Predict(string series, IReadOnlyList<UsageSample> history, DateTimeOffset now, TimeSpan horizon) => Predict(history, now, horizon);
}
