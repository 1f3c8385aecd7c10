using FsCheck;
using FsCheck.Xunit;
using QuotaAutomation.Core.Cadence;
using QuotaAutomation.Core.Forecasting;

namespace QuotaAutomation.Core.Tests.Forecasting;

/// <summary>A window backfilled at two resolutions (hourly maxima, then the last day at 5 minutes) on the forecasts' grid.</summary>
public class MixedWindowGridTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Five = TimeSpan.FromMinutes(5);

    /// <summary>What a backfill from <paramref name="from"/> stores of a true 5-minute series: each span's period maxima, stamped at the period's start.</summary>
    private static List<UsageSample> Backfill(Func<DateTimeOffset, double> truth, DateTimeOffset from)
    {
        var stored = new List<UsageSample>();
        foreach (var span in UsageSpan.For(from, Now))
            for (var start = span.Start; start < span.End || (span.Period == Five && start <= span.End); start += span.Period)
            {
                var peak = double.MinValue;
                for (var t = start; t < start + span.Period; t += Five) peak = Math.Max(peak, truth(t));
                stored.Add(new UsageSample(start, span.Period == Five ? truth(start) : peak));
            }
        return stored;
    }

    [Fact]
    public void AMixedWindow_IsResampledAtFiveMinutes_TheHourlyMaximaSpreadOverTheirHours()
    {
        var from = Now - TimeSpan.FromDays(14);
        var spike = from + TimeSpan.FromDays(3) + TimeSpan.FromMinutes(35); // inside an hour of the hourly part
        var stored = Backfill(t => t == spike ? 900 : 100 + (t.Minute % 7), from);

        var step = UsageGrid.RecentStep(stored);
        var grid = UsageGrid.Resample(stored, step);

        var split = UsageSpan.For(from, Now)[1].Start;
        Assert.Equal((311, 300), (stored.Count(s => s.Timestamp < split), stored.Count(s => s.Timestamp >= split))); // 611 rows, not 4,032
        Assert.Equal(TimeSpan.FromHours(1), UsageGrid.Resample(stored).Step); // the whole window's median step would collapse the last day
        Assert.Equal(Five, step);
        var hourOfSpike = stored.Last(s => s.Timestamp <= spike).Timestamp;
        var spread = Enumerable.Range(0, 12).Select(i => grid.Values[(int)((hourOfSpike + Five * i - grid.Start) / Five)]).ToList();
        Assert.All(spread, v => Assert.Equal(900, v)); // the peak covers its whole hour
        Assert.NotEqual(900, grid.Values[(int)((hourOfSpike + TimeSpan.FromHours(1) - grid.Start) / Five)]);
        var lastDay = grid.Values.Skip(grid.Values.Count - 288).ToList();
        Assert.Equal(Enumerable.Range(0, 288).Select(i => 100.0 + (Now - Five * (287 - i)).Minute % 7), lastDay); // the last day keeps its detail
    }

    [Fact]
    public void RecentStep_OfAUniformSeries_IsItsStep_AndOfAnHourlyHistory_AnHour()
    {
        Assert.Equal(Five, UsageGrid.RecentStep(Enumerable.Range(0, 600).Select(i => new UsageSample(Now - Five * (599 - i), i)).ToList()));
        Assert.Equal(TimeSpan.FromHours(1), UsageGrid.RecentStep(Enumerable.Range(0, 100).Select(i => new UsageSample(Now - TimeSpan.FromHours(99 - i), i)).ToList()));
        Assert.Equal(Five, UsageGrid.RecentStep([new UsageSample(Now, 1)]));
    }

    /// <summary>Conservative: over any window of the true 5-minute series, the grid's peak is at least the true peak.</summary>
    [Property(MaxTest = 60, Replay = "(20261130,43)")]
    public bool ResampledPeak_OverAnyWindow_IsAtLeastTheTrueFiveMinutePeak(PositiveInt seed, PositiveInt days, NonNegativeInt a, NonNegativeInt b)
    {
        var random = new Random(seed.Get);
        var from = Now - TimeSpan.FromDays(1 + days.Get % 6) - Five * random.Next(0, 12);
        var truth = new Dictionary<DateTimeOffset, double>();
        for (var t = from; t <= Now; t += Five) truth[t] = random.NextDouble() < 0.02 ? random.Next(500, 1000) : random.Next(0, 100);
        var stored = Backfill(t => truth.GetValueOrDefault(t), from);
        var grid = UsageGrid.Resample(stored, UsageGrid.RecentStep(stored));

        var times = truth.Keys.Where(t => t >= grid.Start).Order().ToList();
        var (i, j) = (a.Get % times.Count, b.Get % times.Count);
        var (first, last) = (times[Math.Min(i, j)], times[Math.Max(i, j)]);
        var truePeak = times.Where(t => t >= first && t <= last).Max(t => truth[t]);
        var gridPeak = Enumerable.Range(0, grid.Values.Count).Where(k => grid.TimeAt(k) + grid.Step > first && grid.TimeAt(k) <= last).Max(k => grid.Values[k]);
        return gridPeak >= truePeak;
    }
}
