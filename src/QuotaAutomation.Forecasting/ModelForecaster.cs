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
    private readonly Lazy<(ForecastModel? Model, string? Error)> _loaded;
    private readonly TrendForecaster _fallback = new();

    private ModelForecaster(Func<(ForecastModel?, string?)> load) => _loaded = new(load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Why the model is not used at all (missing or unreadable file); null when it loaded.</summary>
    public string? LoadError => _loaded.Value.Error;

    public ForecastModel? Model => _loaded.Value.Model;

    /// <summary>True once the model file has been read (or found unreadable).</summary>
    public bool IsLoaded => _loaded.IsValueCreated;

    public string Name => Model is null ? "trend+daily (model unavailable)" : "fasttree";

    /// <summary>Loads the model once; a missing or broken model is not fatal: every forecast falls back, saying why.</summary>
    public static ModelForecaster Load(string modelPath)
    {
        var forecaster = LoadWhenNeeded(modelPath);
        _ = forecaster._loaded.Value;
        return forecaster;
    }

    /// <summary>
    /// Like <see cref="Load"/>, but the model is read at the first forecast that needs it (a day of history) or when
    /// <see cref="LoadError"/> is asked: a command that forecasts only short histories never pays for starting
    /// ML.NET (about half a second of a CLI command).
    /// </summary>
    public static ModelForecaster LoadWhenNeeded(string modelPath) => new(() =>
    {
        try
        {
            return (ForecastModel.Load(modelPath), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return (null, $"model {Path.GetFileName(modelPath)} not loaded: {e.Message}");
        }
    });

    public static ModelForecaster Without(string reason) => new(() => (null, reason));

    public Forecast Predict(IReadOnlyList<UsageSample> history, DateTimeOffset now, TimeSpan horizon) => Predict(null, history, now, horizon);

    public Forecast Predict(string? series, IReadOnlyList<UsageSample> history, DateTimeOffset now, TimeSpan horizon)
    {
        ArgumentNullException.ThrowIfNull(history);
        var span = history.Count > 1 ? history[^1].Timestamp - history[0].Timestamp : TimeSpan.Zero;
        if (span < ForecastFeatures.MinHistory) // a model not read yet is not read for this
            return Fallback(history, now, horizon, IsLoaded && Model is null ? LoadError ?? "no model"
                : string.Create(CultureInfo.InvariantCulture, $"{span.TotalHours:0.#}h of history, the model needs {ForecastFeatures.MinHistory.TotalHours:0}h"));
        if (Model is not { } model)
            return Fallback(history, now, horizon, LoadError ?? "no model");

        var grid = UsageGrid.Resample(history, UsageGrid.RecentStep(history)); // the model's 5-minute features, a backfill's hourly part spread
        var f = model.PredictPeak(grid, grid.Values.Count - 1, horizon, series); // never below the newest bucket, which holds the newest sample
        var basis = f.StillDay ? "no movement in a day: yesterday's peak" : string.Create(CultureInfo.InvariantCulture, $"peak ×{Math.Exp(f.Correction):0.###} of yesterday's");
        if (horizon > TimeSpan.FromDays(1)) basis += ", at least the next day's forecast and the last week's peak";
        return new Forecast(f.Peak, f.Lower, f.Upper, "fasttree", string.Create(CultureInfo.InvariantCulture,
            $"{basis} over {horizon.TotalHours:0.#}h, 80% interval {f.Lower:0.##}–{f.Upper:0.##}; p50 {f.Quantiles.P50:0.##}, p90 {f.Quantiles.P90:0.##}, p99 {f.Quantiles.P99:0.##} ({f.Tails})"))
        {
            Quantiles = f.Quantiles,
            TailsPooled = f.Tails == ForecastModel.PooledTails,
        };
    }

    private Forecast Fallback(IReadOnlyList<UsageSample> history, DateTimeOffset now, TimeSpan horizon, string why)
    {
        var forecast = _fallback.Predict(history, now, horizon);
        return forecast with { Forecaster = $"{forecast.Forecaster} (fallback: {why})" };
    }
}
