using QuotaAutomation.Core.Forecasting;

namespace QuotaAutomation.Core.Tests.Forecasting;

public class RatioQuantilesTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Four days hourly at 10, but for noon on days 1-3 at 20 (day 0's noon was 10).</summary>
    private static UsageGrid NoonHighFromDayOne() =>
        new(Monday, TimeSpan.FromHours(1), Enumerable.Range(0, 96).Select(i => i % 24 == 12 && i >= 24 ? 20.0 : 10).ToList());

    [Fact]
    public void Fallback_OneHourAhead_IsSeasonalNaiveTimesItsRatioQuantiles_WorkedByHand()
    {
        // Origins 24…94 (a day of history first, the next hour known): 71 ratios next hour ÷ the same hour yesterday.
        // Day 1's noon is 20 ÷ 10 = 2, every other ratio 1 (days 2 and 3: 20 ÷ 20). Sorted: seventy 1s, one 2.
        // p50 = p90 = 1; p99 at position 0.99 × 70 = 69.3: 1 + 0.3 × (2 − 1) = 1.3. At hour 23 of day 3, seasonal naive
        // for the next hour is yesterday's midnight hour: 10.
        var quantiles = RatioQuantiles.Fallback(NoonHighFromDayOne(), TimeSpan.FromHours(1));

        Assert.NotNull(quantiles);
        Assert.Equal((10.0, 10.0, 13.0), (quantiles.P50, quantiles.P90, Math.Round(quantiles.P99, 9)));
    }

    [Fact]
    public void Ratios_LeaveOutAZeroBaseline()
    {
        var grid = new UsageGrid(Monday, TimeSpan.FromHours(1), [0.0, 5, 10, 10, 10]);

        var ratios = RatioQuantiles.Ratios(grid, 0, 4, TimeSpan.FromHours(1), (g, j) => g.Values[j]);

        Assert.Equal([2.0, 1, 1], ratios); // 0 → 5 says nothing; 5 → 10, 10 → 10, 10 → 10
    }

    [Fact]
    public void Fallback_TooShortAHistory_IsNull()
    {
        var day = new UsageGrid(Monday, TimeSpan.FromHours(1), Enumerable.Range(0, 30).Select(i => 10.0 + i).ToList());

        Assert.Null(RatioQuantiles.Fallback(day, TimeSpan.FromHours(1))); // 5 origins after the first day: under 24
        Assert.Null(RatioQuantiles.Fallback(day, TimeSpan.FromDays(7))); // a third of 29 h is under a day
    }

    [Fact]
    public void TrendForecaster_ShortHistory_GivesThePointOfTheCurrentValue()
    {
        var start = Monday;
        var history = Enumerable.Range(0, 13 * 12).Select(i => new UsageSample(start.AddMinutes(5 * i), 40 + i % 5)).ToList();

        var forecast = new TrendForecaster().Predict(history, history[^1].Timestamp, TimeSpan.FromHours(24));

        Assert.Equal(PeakQuantiles.Point(history[^1].Value), forecast.Quantiles);
    }

    [Fact]
    public void TrendForecaster_WeekOfHistory_GivesOrderedQuantilesFromItsOwnRatios()
    {
        var random = new Random(7);
        var history = Enumerable.Range(0, 7 * 288).Select(i => new UsageSample(Monday.AddMinutes(5 * i), 100 + 30 * Math.Sin(2 * Math.PI * i / 288) + 10 * random.NextDouble())).ToList();
        var now = history[^1].Timestamp;

        var day = new TrendForecaster().Predict(history, now, TimeSpan.FromHours(24)).Quantiles!;
        var grid = UsageGrid.Resample(history);

        Assert.True(day.P50 < day.P90 && day.P90 <= day.P99, $"{day}"); // a sine's daily peaks vary little: p90 and p99 may meet
        Assert.Equal(RatioQuantiles.Fallback(grid, TimeSpan.FromHours(24)), day);
        Assert.InRange(day.P50, 125, 145); // yesterday's peak of about 140 × a median ratio near 1
    }
}
