using QuotaAutomation.Core.Cadence;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Tests.Cadence;

/// <summary>
/// The read cadence on hand-made histories of a quota of 1,000 with a warning threshold of 70 %: "near" is a 24 h peak
/// at or above 60 %; half the threshold is 35 %.
/// </summary>
public class ReadCadenceTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private static readonly QuotaInfo Quota = new(new QuotaKey("lambda", "L-B99A9384", "us-east-1"), "Concurrent executions", 1000, true, "None");
    private static readonly ReadCadence Cadence = ReadCadence.Default;

    /// <summary>A day of 5-minute samples ending now, valued by minutes before now.</summary>
    private static List<UsageSample> Day(Func<int, double> byMinutesAgo) =>
        Enumerable.Range(0, 288).Select(i => 5 * (287 - i)).Select(ago => new UsageSample(Now.AddMinutes(-ago), byMinutesAgo(ago))).ToList();

    private static CadenceDecision Decide(List<UsageSample> history, bool woken = false) => Cadence.Interval(Quota, history, 70, woken, Now);

    [Fact]
    public void AnEvent_WakesACalmQuota_ForThisCycle() =>
        Assert.Equal(new CadenceDecision(TimeSpan.FromMinutes(5), CadenceReason.Woken), Decide(Day(_ => 100), woken: true));

    [Fact]
    public void NoHistory_OrNoneInTheLast15Minutes_IsBackfilledInDetail()
    {
        Assert.Equal(CadenceReason.Backfill, Decide([]).Reason);
        Assert.Equal(new CadenceDecision(TimeSpan.FromMinutes(5), CadenceReason.Backfill), Decide(Day(_ => 100).SkipLast(4).ToList())); // newest 20 minutes old
    }

    [Fact]
    public void A24HourPeakWithin10PointsOfTheWarning_IsReadEveryCycle() =>
        Assert.Equal(new CadenceDecision(TimeSpan.FromMinutes(5), CadenceReason.NearThreshold), Decide(Day(ago => ago == 600 ? 600 : 100)));

    [Fact]
    public void FarAndCalm_IsReadHourly_AndBetweenHalfTheThresholdAndNear_Every30Minutes()
    {
        Assert.Equal(new CadenceDecision(TimeSpan.FromHours(1), CadenceReason.Calm), Decide(Day(_ => 200)));
        Assert.Equal(new CadenceDecision(TimeSpan.FromMinutes(30), CadenceReason.Calm), Decide(Day(_ => 400)));
    }

    [Fact]
    public void ASampleOfTheLastHourAtTwiceThe24HourMedian_IsASpike() =>
        Assert.Equal(new CadenceDecision(TimeSpan.FromMinutes(5), CadenceReason.Spike), Decide(Day(ago => ago == 30 ? 250 : 100)));

    [Fact]
    public void ATrendReachingTheWarningWithin6Hours_IsReadEveryCycle_WithinADay_Every15Minutes()
    {
        // From 250, the last two hours rise 100 units an hour to 450 at now: 700 in 2.5 h. At 30 an hour to 310: 700 in 13 h.
        // Both stay below 2× the 24 h median (250), so neither is a spike.
        Assert.Equal(new CadenceDecision(TimeSpan.FromMinutes(5), CadenceReason.BreachAhead), Decide(Day(ago => ago < 120 ? 450 - 100 * ago / 60.0 : 250)));
        Assert.Equal(new CadenceDecision(TimeSpan.FromMinutes(15), CadenceReason.BreachAhead), Decide(Day(ago => ago < 120 ? 310 - 30 * ago / 60.0 : 250)));
    }

    [Fact]
    public void AnHourlyRead_IsDueInExactlyOneOfTwelveFiveMinuteCycles_TheSameOneInEveryProcess()
    {
        var cycles = Enumerable.Range(0, 12).Select(i => Now.AddMinutes(5 * i)).ToList();

        var due = cycles.Where(t => Cadence.IsDue(Quota.Key, TimeSpan.FromHours(1), t)).ToList();
        var again = cycles.Where(t => new ReadCadence().IsDue(Quota.Key, TimeSpan.FromHours(1), t)).ToList();

        Assert.Single(due);
        Assert.Equal(due, again);
        Assert.All(cycles, t => Assert.True(Cadence.IsDue(Quota.Key, TimeSpan.FromMinutes(5), t)));
    }

    [Fact]
    public void HourlyReads_OfManyQuotas_SpreadOverTheHour()
    {
        var keys = Enumerable.Range(0, 1200).Select(i => new QuotaKey("ec2", $"L-{i:D8}", "us-east-1")).ToList();

        var perCycle = Enumerable.Range(0, 12).Select(i => keys.Count(k => Cadence.IsDue(k, TimeSpan.FromHours(1), Now.AddMinutes(5 * i)))).ToList();

        Assert.Equal(1200, perCycle.Sum()); // each once an hour
        Assert.All(perCycle, n => Assert.InRange(n, 60, 140)); // about 100 a cycle, not 1,200 at once
    }
}
