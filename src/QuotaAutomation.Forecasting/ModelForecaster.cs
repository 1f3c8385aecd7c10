using System.Globalization;
using QuotaAutomation.Core.Forecasting;

namespace QuotaAutomation.Forecasting;

/// <summary>
/// The engine's forecaster: the FastTree model when there is a day of history and the model loaded; otherwise the
/// statistical fallback (<see cref="TrendForecaster"/>). The forecast names which one answered and why, so the decision
/// (and the audit) say what it rests on.
/// </summary>
public sealed class ModelForecaster : IForecaster
{
    private readonly ForecastModel? _model;
    private readonly TrendForecaster _fallback = new();

    private ModelForecaster(ForecastModel? model, string? loadError)
    {
        _model = model;
        LoadError = loadError;
    }

    /// <summary>Why the model is not used at all (missing or unreadable file); null when it loaded.</summary>
    public string? LoadError { get; }

    public ForecastModel? Model => _model;

    public string Name => _model is null ? "trend+daily (model unavailable)" : "fasttree";

    /// <summary>Loads the model once; a missing or broken model is not fatal: every forecast falls back, saying why.</summary>
    public static ModelForecaster Load(string modelPath)
    {
        try
        {
            return new ModelForecaster(ForecastModel.Load(modelPath), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return new ModelForecaster(null, $"model {Path.GetFileName(modelPath)} not loaded: {e.Message}");
        }
    }

    public static ModelForecaster Without(string reason) => new(null, reason);

    public Forecast Predict(IReadOnlyList<UsageSample> history, DateTimeOffset now, TimeSpan horizon)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (_model is null)
            return Fallback(history, now, horizon, LoadError ?? "no model");
        var span = history.Count > 1 ? history[^1].Timestamp - history[0].Timestamp : TimeSpan.Zero;
        if (span < ForecastFeatures.MinHistory)
            return Fallback(history, now, horizon, string.Create(CultureInfo.InvariantCulture, $"{span.TotalHours:0.#}h of history, the model needs {ForecastFeatures.MinHistory.TotalHours:0}h"));

        var grid = UsageGrid.Resample(history);
        var f = _model.PredictPeak(grid, grid.Values.Count - 1, horizon); // never below the newest bucket, which holds the newest sample
        var basis = f.StillDay ? "no movement in a day: yesterday's peak" : string.Create(CultureInfo.InvariantCulture, $"peak ×{Math.Exp(f.Correction):0.###} of yesterday's");
        if (horizon > TimeSpan.FromDays(1)) basis += ", at least the next day's forecast and the last week's peak";
        return new Forecast(f.Peak, f.Lower, f.Upper, "fasttree", string.Create(CultureInfo.InvariantCulture,
            $"{basis} over {horizon.TotalHours:0.#}h, 80% interval {f.Lower:0.##}–{f.Upper:0.##}"));
    }

    private Forecast Fallback(IReadOnlyList<UsageSample> history, DateTimeOffset now, TimeSpan horizon, string why)
    {
        var forecast = _fallback.Predict(history, now, horizon);
        return forecast with { Forecaster = $"{forecast.Forecaster} (fallback: {why})" };
    }
}
