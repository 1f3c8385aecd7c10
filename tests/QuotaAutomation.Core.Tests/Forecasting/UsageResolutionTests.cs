using FsCheck;
using FsCheck.Xunit;
using QuotaAutomation.Core.Forecasting;

namespace QuotaAutomation.Core.Tests.Forecasting;

/// <summary>The history's two resolutions (docs/fleet-window.md): older than a day, one maximum per clock hour.</summary>
public class UsageResolutionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 40, 0, TimeSpan.Zero);
    private static readonly TimeSpan Five = TimeSpan.FromMinutes(5);

    [Fact]
    public void FineFrom_IsTheStartOfTheClockHourADayBefore()
    {
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero), UsageResolution.FineFrom(Now));
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 13, 0, 0, TimeSpan.Zero), UsageResolution.FineFrom(new DateTimeOffset(2026, 11, 30, 15, 59, 0, TimeSpan.FromHours(2)))); // clock hours are UTC's
    }

    [Fact]
    public void Compact_AnHourWithMissingSamples_KeepsTheMaxOfThoseItHas_StampedAtTheHour()
    {
        var hour = new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero);
        List<UsageSample> samples = [new(hour + Five * 1, 3), new(hour + Five * 7, 9), new(hour + Five * 11, 4), new(hour + Five * 13, 2), new(Now, 1)];

        var compacted = UsageResolution.Compact(samples, UsageResolution.FineFrom(Now));

        Assert.Equal([new(hour, 9), new(hour.AddHours(1), 2), new(Now, 1)], compacted);
    }

    /// <summary>
    /// A 5-minute series with gaps, compacted by a store at each of a run's boundaries in turn (as appends move it), or at
    /// once, or twice: the same series; every hour before the boundary keeps its peak at its start, and the rest is untouched.
    /// </summary>
    [Property(MaxTest = 100, Replay = "(20261130,47)")]
    public bool Compact_InStepsOrAtOnceOrTwice_KeepsEveryHoursPeak(PositiveInt seed, PositiveInt hours)
    {
        var random = new Random(seed.Get);
        var start = Now - TimeSpan.FromHours(30 + hours.Get % 72) + Five * random.Next(0, 12);
        var samples = new List<UsageSample>();
        for (var t = start; t <= Now; t += Five)
            if (random.NextDouble() > 0.2) samples.Add(new UsageSample(t, random.NextDouble() < 0.02 ? random.Next(500, 1000) : random.Next(0, 100)));
        var fineFrom = UsageResolution.FineFrom(Now);

        var atOnce = UsageResolution.Compact(samples, fineFrom);
        IReadOnlyList<UsageSample> inSteps = samples;
        for (var b = UsageResolution.HourOf(start); b <= fineFrom; b += TimeSpan.FromHours(random.Next(1, 4)))
            inSteps = UsageResolution.Compact(inSteps, b);
        inSteps = UsageResolution.Compact(inSteps, fineFrom);

        var peaks = samples.Where(s => s.Timestamp < fineFrom).GroupBy(s => UsageResolution.HourOf(s.Timestamp)).Select(g => new UsageSample(g.Key, g.Max(s => s.Value)));
        return atOnce.SequenceEqual(inSteps)
            && atOnce.SequenceEqual(UsageResolution.Compact(atOnce, fineFrom))
            && atOnce.SequenceEqual(peaks.Concat(samples.Where(s => s.Timestamp >= fineFrom)))
            && atOnce.Max(s => s.Value) == samples.Max(s => s.Value);
    }
}
