using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Forecasting;

namespace QuotaAutomation.Forecasting.Tests;

public class BacktestTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);

    private static UsageGrid Grid(int days, Func<int, double> value) =>
        new(Monday, TimeSpan.FromMinutes(5), Enumerable.Range(0, days * 288).Select(value).ToList());

    [Fact]
    public void SeasonalNaive_IsYesterdaysPeakOverTheSameSpan()
    {
        var grid = Grid(3, i => (i % 288) / 12 is >= 12 and < 18 ? 30 : 10); // high 12:00-18:00
        var eightAm = 2 * 288 + 8 * 12;

        Assert.Equal(30, Backtest.SeasonalNaive(grid, eightAm, TimeSpan.FromHours(6)));  // 08:00-14:00 yesterday reached the high
        Assert.Equal(10, Backtest.SeasonalNaive(grid, eightAm, TimeSpan.FromHours(2)));  // 08:00-10:00 did not
    }

    [Fact]
    public void LinearTrend_ExtendsTheLastDaysLine()
    {
        var grid = Grid(2, i => i); // +12 an hour

        Assert.Equal(2 * 288 - 1 + 24 * 12, Backtest.LinearTrend(grid, 2 * 288 - 1, TimeSpan.FromHours(24)), 6);
    }

    [Fact]
    public void Run_OnAKnownSeries_ScoresSeasonalNaiveAtOneAndAPerfectForecastAtZero()
    {
        var samples = Enumerable.Range(0, 10 * 288).Select(i => new UsageSample(Monday.AddMinutes(5 * i), 10 + (i % 288) / 12 + i / 288 % 3)).ToList(); // daily shape, days differ
        var trace = new TraceFile("daily.csv", "-", samples);
        Contender perfect = new("perfect", (g, i, h) => new(g.Values.Skip(i + 1).Take((int)Math.Round(h / g.Step)).Max(), null, null));

        var scores = Backtest.Run([trace], [.. Backtest.Contenders(null), perfect], [24]);

        Assert.Equal(1, scores.Single(s => s.Model == "seasonal-naive").Mase, 9);
        Assert.Equal(0, scores.Single(s => s.Model == "perfect").Mase, 9);
    }

    [Fact]
    public void Run_IsDeterministic()
    {
        var samples = Enumerable.Range(0, 6 * 288).Select(i => new UsageSample(Monday.AddMinutes(5 * i), 50 + 20 * Math.Sin(i / 40.0) + i % 7)).ToList();
        var trace = new TraceFile("wavy.csv", "-", samples);

        Assert.Equal(Backtest.Run([trace], Backtest.Contenders(null), [1, 24]), Backtest.Run([trace], Backtest.Contenders(null), [1, 24]));
    }
}
