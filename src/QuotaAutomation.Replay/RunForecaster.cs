using QuotaAutomation.Core.Forecasting;

namespace QuotaAutomation.Replay;

/// <summary>
/// One replay run's view of the shared forecaster: the series it names are the run's own. Every trace is replayed as
/// the same quota (<see cref="ReplayAccount.Key"/>), and the model keeps a series' past corrections by origin time; the
/// bundled traces share their dates (the Twitter and EC2 series each cover the same weeks), so without a name of its
/// own one trace's forecast read another's past (a flat CPU series went to the cap in a full run and to 4,000 alone).
/// </summary>
public sealed class RunForecaster(IForecaster inner, string run) : IForecaster
{
    public string Name => inner.Name;

    public Forecast Predict(IReadOnlyList<UsageSample> history, DateTimeOffset now, TimeSpan horizon) => inner.Predict(history, now, horizon);

    public Forecast Predict(string series, IReadOnlyList<UsageSample> history, DateTimeOffset now, TimeSpan horizon) =>
        inner.Predict(run + "|" + series, history, now, horizon);
}
