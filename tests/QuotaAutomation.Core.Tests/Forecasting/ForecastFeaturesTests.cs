using QuotaAutomation.Core.Forecasting;

namespace QuotaAutomation.Core.Tests.Forecasting;

public class ForecastFeaturesTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);

    private static UsageGrid Grid(int days, Func<int, double> value) =>
        new(Monday, TimeSpan.FromMinutes(5), Enumerable.Range(0, days * 288).Select(value).ToList());

    [Fact]
    public void Resample_TakesTheMedianStep_TheMaxOfABucket_AndFillsGapsForward()
    {
        var samples = new List<UsageSample>
        {
            new(Monday, 1), new(Monday.AddMinutes(5), 3), new(Monday.AddMinutes(6), 7), new(Monday.AddMinutes(10), 2), new(Monday.AddMinutes(25), 5),
        };

        var grid = UsageGrid.Resample(samples);

        Assert.Equal(TimeSpan.FromMinutes(5), grid.Step);
        Assert.Equal([1.0, 7, 2, 2, 2, 5], grid.Values);
    }

    [Fact]
    public void Extract_FlatSeries_HasUnitRatiosAndNoTrend()
    {
        var f = ForecastFeatures.Extract(Grid(8, _ => 40), 8 * 288 - 1, TimeSpan.FromHours(24));

        Assert.Equal(ForecastFeatures.Names.Count, f.Length);
        Assert.Equal([1f, 1f, 1f, 1f, 0f, 0f, 1f, 1f, 1f], f[1..10]);
        Assert.Equal(2303 / 288f, f[14], 4); // history in days
    }

    [Fact]
    public void Extract_LinearGrowth_SlopeIsGrowthPerHourOverTheMean()
    {
        // +1 per 5 minutes = +12 per hour; the last day's mean is about 2160 at the end of day 8.
        var grid = Grid(8, i => i);
        var i = 8 * 288 - 1;

        var f = ForecastFeatures.Extract(grid, i, TimeSpan.FromHours(1));

        Assert.Equal(12 / 2159.5, f[6], 4);
        Assert.Equal(MathF.Log(1), f[0], 2);
    }

    [Fact]
    public void Extract_DailyCycle_YesterdaysPeakSeesTheComingHigh()
    {
        // Low at night (10), high 12:00-18:00 (30); asked at 08:00 for the next 12 hours.
        var grid = Grid(3, i => (i % 288) / 12 is >= 12 and < 18 ? 30 : 10);
        var at = 2 * 288 + 8 * 12;

        var f = ForecastFeatures.Extract(grid, at, TimeSpan.FromHours(12));

        Assert.Equal(3f, f[7]); // yesterday's peak over the same 12 hours ÷ now
        Assert.Equal(30, ForecastFeatures.SeasonalNaivePeak(grid, at, TimeSpan.FromHours(12)));
        Assert.Equal(0f, ForecastFeatures.Target(grid, at, TimeSpan.FromHours(12)), 4); // today repeats yesterday: no correction to learn
    }

    [Fact]
    public void Extract_NeverReadsTheFuture()
    {
        var grid = Grid(3, i => i < 600 ? 5 : 500);

        Assert.Equal(ForecastFeatures.Extract(Grid(3, _ => 5), 599, TimeSpan.FromHours(24)), ForecastFeatures.Extract(grid, 599, TimeSpan.FromHours(24)));
    }

    [Fact]
    public void Extract_ZeroUsage_StaysFinite()
    {
        var f = ForecastFeatures.Extract(Grid(2, i => i % 2 == 0 ? 0 : 10), 2 * 288 - 2, TimeSpan.FromHours(1));

        Assert.All(f, x => Assert.True(float.IsFinite(x)));
    }

    [Fact]
    public void Extract_DailyGrid_CountsWindowsInDays_NotIn24Steps()
    {
        // One value a day, falling by 1 a day. Before issue 16 a "day" here was 24 samples and a week 168.
        var grid = new UsageGrid(Monday, TimeSpan.FromDays(1), Enumerable.Range(0, 30).Select(i => 100.0 - i).ToList());

        var f = ForecastFeatures.Extract(grid, 20, TimeSpan.FromDays(1));

        Assert.Equal(1f, f[2]); // last ÷ the last day's mean: the day is one sample
        Assert.Equal(86 / 80f, f[9], 5); // the week's max (day 14) ÷ last (day 20), not day 0's 100
        Assert.Equal(20f, f[14]); // history in days
        Assert.Equal(80, ForecastFeatures.SeasonalNaivePeak(grid, 20, TimeSpan.FromDays(1)));
        Assert.Equal(7, ForecastFeatures.Steps(grid, TimeSpan.FromDays(7)));
    }

    [Fact]
    public void Steps_IsAtLeastOne()
    {
        var daily = new UsageGrid(Monday, TimeSpan.FromDays(1), [1.0]);

        Assert.Equal((1, 1, 2), (ForecastFeatures.Steps(daily, TimeSpan.FromHours(1)), ForecastFeatures.Steps(daily, TimeSpan.FromHours(30)), ForecastFeatures.Steps(daily, TimeSpan.FromHours(36))));
    }
}
