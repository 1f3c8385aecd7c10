using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Engine.Phases;

/// <summary>
/// One cycle's forecasts, made once per quota and horizon. Rules on the same quota share its history, so the 770
/// rules of one quota in a 10,000-rule shard ask for at most a handful of distinct forecasts (their horizons, and the
/// 1 h and 24 h of the time-to-breach estimate), not 3 × 770. A forecaster is pure: the same history, time and
/// horizon give the same forecast, so sharing changes no decision (the model keeps each quota's past origins' corrections
/// between cycles, computed from the history as it was then: <c>ForecastModel.SeriesPast</c>).
/// </summary>
internal sealed class CycleForecasts(IForecaster forecaster, DateTimeOffset now)
{
    private readonly Dictionary<(QuotaKey, TimeSpan), Forecast> _forecasts = [];
    private readonly Dictionary<QuotaKey, Events.SpikeAssessment?> _spikes = [];

    /// <summary>The forecast of <paramref name="quota"/>'s <paramref name="history"/> (this cycle's, the same for every call) over <paramref name="horizon"/>.</summary>
    public Forecast For(QuotaKey quota, IReadOnlyList<UsageSample> history, TimeSpan horizon)
    {
        if (_forecasts.TryGetValue((quota, horizon), out var known)) return known;
        Forecast made;
        try
        {
            made = forecaster.Predict(quota.ToString(), history, now, horizon);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            made = Forecast.CurrentOnly(history[^1].Value, $"{forecaster.Name} failed: {e.Message}");
        }
        _forecasts[(quota, horizon)] = made;
        return made;
    }

    /// <summary>A spike seen for the first time: the newest sample is ≥ 2× the 24 h median and the one before was not.</summary>
    public Events.SpikeAssessment? NewSpike(QuotaKey quota, IReadOnlyList<UsageSample> history)
    {
        if (_spikes.TryGetValue(quota, out var known)) return known;
        var spike = Classify(history);
        _spikes[quota] = spike;
        return spike;
    }

    private Events.SpikeAssessment? Classify(IReadOnlyList<UsageSample> history)
    {
        if (history.Count < 3) return null;
        var earlier = new Common.ListPrefix<UsageSample>(history, history.Count - 1);
        var spike = Events.SpikeClassifier.Classify(history[^1].Value, earlier, now);
        var before = Events.SpikeClassifier.Classify(earlier[^1].Value, new Common.ListPrefix<UsageSample>(history, history.Count - 2), earlier[^1].Timestamp);
        return spike.Level >= Events.SpikeLevel.Medium && before.Level == Events.SpikeLevel.Low ? spike : null;
    }
}
