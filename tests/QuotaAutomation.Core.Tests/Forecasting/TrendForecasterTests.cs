using QuotaAutomation.Core.Forecasting;

namespace QuotaAutomation.Core.Tests.Forecasting;

public class TrendForecasterTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly TrendForecaster Forecaster = new();

    private static List<UsageSample> Series(TimeSpan span, Func<DateTimeOffset, double> value, DateTimeOffset? end = null)
    {
        var last = end ?? Now;
        var samples = new List<UsageSample>();
        for (var t = last - span; t <= last; t += TimeSpan.FromMinutes(5)) samples.Add(new UsageSample(t, value(t)));
        return samples;
    }

    [Fact]
    public void Predict_ShortHistory_AnswersCurrentOnlyAndSaysWhy()
    {
        var forecast = Forecaster.Predict(Series(TimeSpan.FromMinutes(30), _ => 42), Now, TimeSpan.FromHours(24));

        Assert.Equal(Forecast.CurrentOnly(42, "7 samples over 0.5h: too short for a trend") with { Quantiles = PeakQuantiles.Point(42) }, forecast);
    }

    [Fact]
    public void Predict_NoHistory_IsZeroFromCurrentOnly()
    {
        Assert.Equal(("current-only", 0.0), (Forecaster.Predict([], Now, TimeSpan.FromHours(1)) is var f ? (f.Forecaster, f.Peak) : default));
    }

    [Fact]
    public void Predict_LinearGrowth_ExtrapolatesTheTrendOverTheHorizon()
    {
        // 100 + 1 per hour for three days; 24 h ahead the line reaches 196.
        var forecast = Forecaster.Predict(Series(TimeSpan.FromDays(3), t => 100 + (t - (Now - TimeSpan.FromDays(3))).TotalHours), Now, TimeSpan.FromHours(24));

        Assert.Equal(196, forecast.Peak, 1);
        Assert.Equal("trend+daily", forecast.Forecaster);
    }

    [Fact]
    public void Predict_TrendIsProjectedNoFurtherThanTheHistorySpan()
    {
        // Two hours of +10/h growth must not become a week of it: the projection stops after two hours.
        var forecast = Forecaster.Predict(Series(TimeSpan.FromHours(2), t => 100 + 10 * (t - (Now - TimeSpan.FromHours(2))).TotalHours), Now, TimeSpan.FromDays(7));

        Assert.Equal(140, forecast.Peak, 1);
    }

    [Fact]
    public void Predict_DailyCycle_PeakIncludesTheDailyHighEvenFromTheTrough()
    {
        // Flat 100 ± 30 with a 15:00 UTC peak, seen for a week; asked at 03:00 (the trough) for the next 24 h.
        static double Daily(DateTimeOffset t) => 100 + 30 * Math.Sin(2 * Math.PI * (t.UtcDateTime.TimeOfDay.TotalHours - 9) / 24);
        var at = new DateTimeOffset(2026, 11, 24, 3, 0, 0, TimeSpan.Zero);
        var history = Series(TimeSpan.FromDays(7), Daily, at);

        var forecast = Forecaster.Predict(history, at, TimeSpan.FromHours(24));

        Assert.InRange(forecast.Peak, 125, 131);
        Assert.InRange(history[^1].Value, 69, 72);
    }

    [Fact]
    public void Predict_SpikyHistory_IsNeverBelowYesterdaysPeakOverTheSameSpan()
    {
        // Flat 100 with one 5-minute spike to 400 a day at 15:00: the hourly mean profile alone would forecast about 125.
        var forecast = Forecaster.Predict(Series(TimeSpan.FromDays(3), t => t.UtcDateTime.Hour == 15 && t.UtcDateTime.Minute == 0 ? 400 : 100, Now.AddHours(-4)), Now.AddHours(-4), TimeSpan.FromHours(24));

        Assert.Equal(400, forecast.Peak);
        Assert.Contains("raised to yesterday's peak", forecast.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void BreachEstimate_TakesTheShortestHorizonThatReachesTheQuota()
    {
        Forecast F(double peak, double lower) => new(peak, lower, peak + 10, "t", "");

        var estimate = BreachEstimate.From(100, [(TimeSpan.FromHours(168), F(150, 120)), (TimeSpan.FromHours(1), F(80, 70)), (TimeSpan.FromHours(24), F(105, 95))]);

        Assert.Equal(new BreachEstimate(TimeSpan.FromHours(24), BreachConfidence.Medium), estimate);
        Assert.Equal("breach expected within 24h (medium confidence)", estimate!.ToString());
        Assert.Equal(BreachConfidence.High, BreachEstimate.From(100, [(TimeSpan.FromHours(1), F(110, 101))])!.Confidence);
        Assert.Null(BreachEstimate.From(100, [(TimeSpan.FromHours(168), F(99, 90))]));
    }

    [Fact]
    public void Predict_Interval_WidensWithNoise()
    {
        var noise = new Random(7);
        var quiet = Forecaster.Predict(Series(TimeSpan.FromDays(1), _ => 100), Now, TimeSpan.FromHours(24));
        var noisy = Forecaster.Predict(Series(TimeSpan.FromDays(1), _ => 100 + noise.Next(-20, 21)), Now, TimeSpan.FromHours(24));

        Assert.Equal(quiet.Peak, quiet.Upper!.Value, 6);
        Assert.True(noisy.Upper - noisy.Lower > 10);
    }
}
