using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Forecasting;

namespace QuotaAutomation.Forecasting.Tests;

/// <summary>Issue 16: quantiles of the horizon's peak from the model, the backtest's pinball loss and coverage.</summary>
public sealed class QuantileTests : IDisposable
{
    private static readonly string Shipped = Path.Combine(Testing.Repository.Root, "models", ModelTrainer.ModelFile);
    private static readonly DateTimeOffset Monday = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);
    private readonly string _folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "qa-quantiles-" + Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static List<UsageSample> FiveMinutes(int hours, Func<int, double> value) =>
        Enumerable.Range(0, hours * 12).Select(i => new UsageSample(Monday.AddMinutes(5 * i), value(i))).ToList();

    [Fact]
    public void Pinball_WorkedByHand()
    {
        // Under the quantile: (1 − τ) × the excess; over it: τ × the shortfall.
        Assert.Equal(1.8, Backtest.Pinball(0.9, actual: 10, quantile: 8), 12);
        Assert.Equal(0.2, Backtest.Pinball(0.9, actual: 8, quantile: 10), 12);
        Assert.Equal(1.0, Backtest.Pinball(0.5, actual: 8, quantile: 10), 12);
        Assert.Equal(0.0, Backtest.Pinball(0.99, actual: 10, quantile: 10), 12);
    }

    [Fact]
    public void Run_ScoresPinballPerLevel_DividedByTheMeanActualPeak()
    {
        // Every hour's peak is 10 (a flat series); a contender that always says 8 / 12 / 20: per origin the pinball loss
        // is 0.5 × 2 = 1 at p50, 0.1 × 2 = 0.2 at p90, 0.01 × 10 = 0.1 at p99; ÷ the mean actual peak 10.
        var trace = new TraceFile("flat.csv", "-", FiveMinutes(10 * 24, _ => 10));
        Contender fixedQuantiles = new("fixed", (g, i, h) => new(8, null, null, PeakQuantiles.Of(8, 12, 20)));

        var score = Backtest.Run([trace], [.. Backtest.Contenders(null), fixedQuantiles], [1]).Single(s => s.Model == "fixed");

        Assert.NotNull(score.Quantiles);
        var q = score.Quantiles.Value;
        Assert.Equal((0.1, 0.02, 0.01), (Math.Round(q.Pinball50, 12), Math.Round(q.Pinball90, 12), Math.Round(q.Pinball99, 12)));
        Assert.Equal((0.0, 1.0, 1.0), (q.Coverage50, q.Coverage90, q.Coverage99));
    }

    [Fact]
    public void SeasonalNaiveQuantiles_OnAStationarySeries_CoverAboutTheirLevels()
    {
        var random = new Random(42);
        var trace = new TraceFile("noise.csv", "-", FiveMinutes(40 * 24, _ => 100 * (1 + 0.3 * random.NextDouble())));

        var score = Backtest.Run([trace], Backtest.Contenders(null), [1]).Single(s => s.Model == Backtest.QuantileBaseline);

        Assert.NotNull(score.Quantiles);
        Assert.InRange(score.Quantiles.Value.Coverage50, 0.4, 0.6);
        Assert.InRange(score.Quantiles.Value.Coverage90, 0.85, 0.95);
        Assert.InRange(score.Quantiles.Value.Coverage99, 0.95, 1);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(24)]
    [InlineData(72)]
    [InlineData(168)]
    public void ShippedModel_GivesOrderedQuantilesAtEveryHorizon(double hours)
    {
        var random = new Random(3);
        var history = FiveMinutes(10 * 24, i => 200 + 60 * Math.Sin(2 * Math.PI * i / 288) + 20 * random.NextDouble());

        var forecast = ModelForecaster.Load(Shipped).Predict(history, history[^1].Timestamp, TimeSpan.FromHours(hours));

        Assert.Equal("fasttree", forecast.Forecaster);
        Assert.NotNull(forecast.Quantiles);
        Assert.True(forecast.Quantiles.P50 > 0 && forecast.Quantiles.P50 <= forecast.Quantiles.P90 && forecast.Quantiles.P90 <= forecast.Quantiles.P99, $"{forecast.Quantiles}");
        Assert.True(forecast.Quantiles.P99 > forecast.Quantiles.P50, $"a noisy series has a tail: {forecast.Quantiles}");
    }

    [Fact]
    public void ShippedModel_P50BeyondADay_IsTheDirectModel_NotTheWeeksFloor()
    {
        // One burst to 900 six days ago: v1's peak (the engine's Peak) keeps it, the honest p50 does not.
        var history = FiveMinutes(8 * 24, i => i / 288 == 2 && i % 288 == 100 ? 900 : 300 + 20 * Math.Sin(2 * Math.PI * i / 288));

        var forecast = ModelForecaster.Load(Shipped).Predict(history, history[^1].Timestamp, TimeSpan.FromDays(7));

        Assert.True(forecast.Peak >= 900, $"v1 peak {forecast.Peak}");
        Assert.InRange(forecast.Quantiles!.P50, 250, 899);
    }

    [Fact]
    public void ShippedModel_AStillQuota_HasNoTail()
    {
        var history = FiveMinutes(48, _ => 4);

        var forecast = ModelForecaster.Load(Shipped).Predict(history, history[^1].Timestamp, TimeSpan.FromHours(24));

        Assert.Equal(PeakQuantiles.Point(4), forecast.Quantiles);
    }

    [Fact]
    public void ShippedModel_ADailySeries_IsNotStill_AndGetsTails()
    {
        // A daily series (14 samples, the engine's window): its day is one sample, which never moves. Called still, its
        // p99 was its current value, and a page-view series that jumps fivefold breached for three more days than the
        // physical limit in the replay.
        var history = Enumerable.Range(0, 14).Select(d => new UsageSample(Monday.AddDays(d), d % 7 == 6 ? 900 : 300 + 10 * d)).ToList();

        var forecast = ModelForecaster.Load(Shipped).Predict(history, history[^1].Timestamp, TimeSpan.FromHours(1));

        Assert.DoesNotContain("no movement", forecast.Note, StringComparison.Ordinal);
        Assert.True(forecast.Quantiles!.P99 > 1.2 * forecast.Quantiles.P50, forecast.Note);
    }

    [Fact]
    public void ShippedModel_AnOnOffSeries_NextHoursP99IsAboutItsUsualDailyPeak()
    {
        // 14 days of a CPU that idles at 1 and runs at 670 for a few hours at varying times: as a ratio to the p50, an
        // off-hour followed by an on-hour is a residual of hundreds, and the next hour's p99 at an on-hour was 222,003.
        // As a ratio to the usual daily peak it is about 1.
        var history = FiveMinutes(14 * 24, i => (i / 12 + i / 288 * 5) % 24 is >= 9 and < 13 ? 670 : 1);

        var model = ModelForecaster.Load(Shipped);
        var off = model.Predict(history, history[^1].Timestamp, TimeSpan.FromHours(1)); // idle for the last 4 hours
        var on = model.Predict(history[..^60], history[^61].Timestamp, TimeSpan.FromHours(1)); // running

        Assert.Contains("tails from its own", on.Note, StringComparison.Ordinal);
        Assert.InRange(on.Quantiles!.P99, 600, 1000);
        Assert.InRange(off.Quantiles!.P99, 600, 1000);
    }

    [Fact]
    public void ShortPast_BeyondADay_TakesTheDaysPooledTails_NotTheWeeks()
    {
        // 36 h of a calm series: no past residuals of its own at 168 h and too short for its span ratios. The day's pooled
        // p99 is e^(0.635 × (0.02 + 2)) ≈ 3.6 × the p50; the week's would be e^(0.967 × 2.02) ≈ 7.
        var history = FiveMinutes(36, i => 200 + 5 * Math.Sin(2 * Math.PI * i / 288));

        var forecast = ModelForecaster.Load(Shipped).Predict(history, history[^1].Timestamp, TimeSpan.FromDays(7));

        Assert.EndsWith("(tails from the pooled calibration)", forecast.Note, StringComparison.Ordinal);
        Assert.InRange(forecast.Quantiles!.P99 / forecast.Quantiles.P50, 3, 4);
    }

    [Fact]
    public void ShortHistory_FallsBackWithTheCurrentValueAtEveryLevel()
    {
        var history = FiveMinutes(6, i => 100 + i % 3);

        var forecast = ModelForecaster.Load(Shipped).Predict(history, history[^1].Timestamp, TimeSpan.FromHours(24));

        Assert.Equal(PeakQuantiles.Point(history[^1].Value), forecast.Quantiles);
    }

    [Fact]
    public void Train_WritesACalibrationPerHorizon_OrderedAndChecked()
    {
        var traces = new[] { "elb_request_count_8c0756.csv", "Twitter_volume_AMZN.csv", "nyc_taxi.csv", "ec2_cpu_utilization_5f5533.csv" }
            .Select(f => TraceFile.Read(Path.Combine(Testing.Repository.Traces, f))).ToList();

        var metadata = ModelTrainer.Train(traces, new TrainingOptions { Trees = 20 }, _folder, "test");

        Assert.Equal(ForecastModel.CalibrationName, metadata.QuantileCalibration);
        Assert.True(metadata.CalibrationRows > 0);
        Assert.All(metadata.Interval.Values, i =>
        {
            Assert.True(i.Q10 <= 0 && 0 <= i.Q90 && i.Q90 <= i.Q99, $"{i}");
            Assert.Contains(i.SpreadFloor, ForecastFeatures.SpreadFloors);
            Assert.InRange(i.Shrink, 0, 1);
            Assert.True(i.P50Coverage <= i.P90Coverage && i.P90Coverage <= i.P99Coverage, $"{i}");
        });
    }
}
