using FsCheck;
using FsCheck.Xunit;
using QuotaAutomation.Core.Cadence;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Tests.Cadence;

/// <summary>
/// A quota near its threshold but steady is sampled every cycle (the report) and read in detail every 15 minutes, each
/// detailed read reaching back to the previous one; rising, at or above the warning, after a spike or woken, every cycle.
/// A quota of 1,000 with a warning at 70 %: near is a 24 h peak of 600 or more.
/// </summary>
public class SteadyDetailTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero); // a 15-minute detail point of the hub's us-east-1
    private static readonly TimeSpan Five = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Window = TimeSpan.FromDays(14);
    private static readonly QuotaInfo Quota = new(new QuotaKey("lambda", "L-B99A9384", "us-east-1"), "Concurrent executions", 1000, true, "None");
    private static readonly ReadCadence Cadence = ReadCadence.Default with { ReportCoversCalm = true };
    private static readonly string[] Regions = ["us-east-1", "eu-west-1", "ap-southeast-2", "sa-east-1"];

    /// <summary>A day of 5-minute samples ending at <paramref name="end"/>, valued by minutes before it.</summary>
    private static List<UsageSample> Day(DateTimeOffset end, Func<int, double> byMinutesAgo) =>
        Enumerable.Range(0, 288).Select(i => 5 * (287 - i)).Select(ago => new UsageSample(end.AddMinutes(-ago), byMinutesAgo(ago))).ToList();

    private static CadenceDecision Decide(List<UsageSample> history) => Cadence.Interval(Quota, history, 70, false, Now);

    [Fact]
    public void NearButSteady_IsSampledEveryCycle_AndReadInDetailEvery15Minutes()
    {
        var decision = Decide(Day(Now, _ => 650));

        var detailed = Enumerable.Range(0, 12).Select(i => Now.AddMinutes(5 * i)).Where(t => Cadence.Query(Quota, Day(t, _ => 650), 70, false, t - Window, t).Detailed).ToList();

        Assert.Equal(new CadenceDecision(Five, CadenceReason.NearSteady) { DetailEvery = TimeSpan.FromMinutes(15) }, decision);
        Assert.Equal([Now, Now.AddMinutes(15), Now.AddMinutes(30), Now.AddMinutes(45)], detailed);
    }

    [Fact]
    public void NearAndAtItsWarningWithinTheHour_IsReadInDetailEveryCycle() =>
        Assert.Equal(new CadenceDecision(Five, CadenceReason.NearThreshold), Decide(Day(Now, ago => ago == 20 ? 720 : 650)));

    /// <summary>Three days of 5-minute samples ending now, valued by minutes before now.</summary>
    private static List<UsageSample> ThreeDays(DateTimeOffset end, Func<int, double> byMinutesAgo) =>
        Enumerable.Range(0, 3 * 288).Select(i => 5 * (3 * 288 - 1 - i)).Select(ago => new UsageSample(end.AddMinutes(-ago), byMinutesAgo(ago))).ToList();

    [Fact]
    public void AboveItsWarning_Steady_WithinYesterdaysRange_IsSampledEveryCycle_AndReadInDetailEvery15Minutes() =>
        // 85 % for three days against a 70 % warning: the last hour's peak (850) is yesterday's; no spike, flat.
        Assert.Equal(new CadenceDecision(Five, CadenceReason.NearSteady) { DetailEvery = TimeSpan.FromMinutes(15) }, Decide(ThreeDays(Now, _ => 850)));

    [Fact]
    public void AboveItsWarning_AboveYesterdaysPeak_FarFromABreach_IsSampledEveryCycle_AndReadInDetailEvery15Minutes() =>
        // 85 %, then 87 % for the last 30 minutes: above anything yesterday, but its trend reaches 100 % only in about 9 h.
        Assert.Equal(new CadenceDecision(Five, CadenceReason.AboveWarningRising) { DetailEvery = TimeSpan.FromMinutes(15) },
            Decide(ThreeDays(Now, ago => ago <= 30 ? 870 : 850)));

    [Fact]
    public void AboveItsWarning_ItsDailyPeakGrowingToTheQuotaWithin6Hours_IsReadInDetailEveryCycle() =>
        // Yesterday's peak 85 %, today's 98 % (10 hours ago), the last two hours flat at 90 %: no trend, but the daily
        // peak's growth (13 points a day) reaches 100 % in about 4 h.
        Assert.Equal(new CadenceDecision(Five, CadenceReason.NearThreshold), Decide(ThreeDays(Now, ago => ago switch { 600 => 980, < 120 => 900, _ => 850 })));

    [Fact]
    public void AboveItsWarning_AfterASpike_IsReadInDetailEveryCycle() =>
        // A median of 350 (yesterday's peak 800, 30 hours ago); 30 minutes ago 750: above the warning, 2.1× the median.
        Assert.Equal(new CadenceDecision(Five, CadenceReason.Spike), Decide(ThreeDays(Now, ago => ago switch { 30 => 750, 1800 => 800, _ => 350 })));

    [Fact]
    public void AboveItsWarning_TrendingToTheQuotaWithin6Hours_IsReadInDetailEveryCycle() =>
        // 85 % (yesterday's peak 95 %, 30 hours ago), the last two hours rising 50 an hour to 900: 1,000 in about 2 h.
        Assert.Equal(new CadenceDecision(Five, CadenceReason.NearThreshold),
            Decide(ThreeDays(Now, ago => ago switch { 1800 => 950, < 120 => 900 - 50 * ago / 60.0, _ => 850 })));

    [Fact]
    public void AboveItsWarning_WithNoHistoryOfYesterday_IsReadInDetailEveryCycle() =>
        // A new quota: a day of 85 %, nothing to say its level is its usual range.
        Assert.Equal(new CadenceDecision(Five, CadenceReason.NearThreshold), Decide(Day(Now, _ => 850)));

    [Fact]
    public void AboveItsWarning_OverTheQuotaEveryAfternoon_BackWithinItsRangeAndFlat_IsSteady() =>
        // A quota its rule only monitors: at 105 % ten hours ago and 34 hours ago, 85 % the rest of the time, flat now.
        Assert.Equal(new CadenceDecision(Five, CadenceReason.NearSteady) { DetailEvery = TimeSpan.FromMinutes(15) },
            Decide(ThreeDays(Now, ago => ago is 600 or 2040 ? 1050 : 850)));

    [Fact]
    public void AtOrOverTheQuotaNow_IsReadInDetailEveryCycle() =>
        // Three days at 85 %, the last 30 minutes at 101 %: not a spike (1.2× the median), over the quota now.
        Assert.Equal(new CadenceDecision(Five, CadenceReason.NearThreshold), Decide(ThreeDays(Now, ago => ago <= 30 ? 1010 : 850)));

    [Fact]
    public void NearAndRisingTowardsItsWarning_IsReadInDetailEveryCycle() =>
        // 620, then the last two hours rise 20 an hour to 690: the warning (700) in half an hour.
        Assert.Equal(new CadenceDecision(Five, CadenceReason.BreachAhead), Decide(Day(Now, ago => ago < 120 ? 690 - 20 * ago / 60.0 : 620)));

    /// <summary>Three days of 5-minute samples ending now: a daily swing between 520 and 680 (its low at 06:00) plus <paramref name="growthPerDay"/>.</summary>
    private static List<UsageSample> Swing(double growthPerDay) =>
        Enumerable.Range(0, 3 * 288).Select(i => Now.AddMinutes(-5 * (3 * 288 - 1 - i))).Select(t => new UsageSample(t,
            600 - 80 * Math.Cos(2 * Math.PI * (t.TimeOfDay.TotalHours - 6) / 24) + growthPerDay * (t - Now).TotalDays)).ToList();

    [Fact]
    public void NearInTheUpswingOfADailySwing_ThatStayedBelowTheWarningYesterday_IsSteady_GrowingTowardsIt_IsRising()
    {
        // At 12:00 the swing rises about 21 an hour from 600: the two-hour trend alone reaches 700 in under 5 h.
        Assert.Equal(CadenceReason.NearSteady, Decide(Swing(growthPerDay: 0)).Reason); // yesterday's peak 680, today's no higher
        Assert.Equal(CadenceReason.BreachAhead, Decide(Swing(growthPerDay: 60)).Reason); // now above yesterday's peak: the trend counts, 700 in about 4 h
    }

    [Fact]
    public void NearAndAfterASpike_IsReadInDetailEveryCycle() =>
        // The 24 h peak (620, 10 hours ago) is near; 30 minutes ago 260 against a median of 120.
        Assert.Equal(new CadenceDecision(Five, CadenceReason.Spike), Decide(Day(Now, ago => ago switch { 600 => 620, 30 => 260, _ => 120 })));

    [Fact]
    public void AtADetailPoint_TheReadReachesBackToThePreviousOne_OverTheReportsSamples_BetweenIt_TakesTheReport()
    {
        var history = Day(Now.AddMinutes(10), _ => 650); // report samples at 12:05 and 12:10 after the 12:00 detail

        var between = Cadence.Query(Quota, history.SkipLast(1).ToList(), 70, false, Now - Window, Now.AddMinutes(10));
        var due = Cadence.Query(Quota, history, 70, false, Now - Window, Now.AddMinutes(15));

        Assert.Equal((false, Now.AddMinutes(5)), (between.Detailed, between.From));
        Assert.Equal((true, Now), (due.Detailed, due.From)); // 12:05, 12:10 and 12:15 at 5-minute detail
    }

    [Fact]
    public void AQuotaReadEveryCycle_AsksOnlyForWhatCameAfterItsNewestSample() =>
        Assert.Equal((true, Now.AddMinutes(10)), Cadence.Query(Quota, Day(Now.AddMinutes(10), ago => ago == 20 ? 720 : 650), 70, false, Now - Window, Now.AddMinutes(15)) is var q ? (q.Detailed, q.From) : default);

    [Fact]
    public void AFirstRead_BackfillsTheWindow() =>
        Assert.Equal((true, Now - Window), Cadence.Query(Quota, [], 70, false, Now - Window, Now) is var q ? (q.Detailed, q.From) : default);

    /// <summary>
    /// A spike that stays far below the warning (its 24 h peak, the spike included, under 60 %), at any size from 2× the
    /// median and 5 points up, in any account and Region: sampled every cycle, read in detail every 15 minutes.
    /// </summary>
    [Property(MaxTest = 100, Replay = "(20261201,23)")]
    public bool AFarSpike_IsSampledEveryCycle_AndReadInDetailEvery15Minutes(PositiveInt account, NonNegativeInt cycle, byte baseByte, byte sizeByte)
    {
        var quota = QuotaOf(account);
        var now = Now.AddMinutes(5 * (cycle.Get % 288));
        var median = 50 + baseByte % 200; // 5 % to 24.9 %
        var peak = Math.Min(599, 2 * median + 50 + sizeByte); // at least 2× and 5 points up, below the near band
        var minutesAgo = 5 * (sizeByte % 11); // within the last hour (the history ends a cycle ago)
        var history = ThreeDays(now - Five, ago => ago == minutesAgo ? peak : median);

        return Cadence.Interval(quota, history, 70, false, now) == new CadenceDecision(Five, CadenceReason.FarSpike) { DetailEvery = TimeSpan.FromMinutes(15) };
    }

    private static QuotaInfo QuotaOf(PositiveInt account) =>
        Quota with { Key = new QuotaKey("ec2", "L-1216C47A", Regions[account.Get % Regions.Length], $"{100000000000L + account.Get}") };

    /// <summary>
    /// Any account and Region (so any detail grid), any steady level in the near band below the warning or at or above
    /// it within yesterday's range (three days flat), or a level at or above the warning that rose a little above
    /// yesterday's in the last hour and stays there, far from a breach, any start: no three cycles in a row without a
    /// detailed read, and each detailed read starts no later than the previous one ran, so every 5-minute period is read
    /// in detail.
    /// </summary>
    [Property(MaxTest = 100, Replay = "(20261201,19)")]
    public bool ASteadyNearQuota_IsNeverLeftWithoutDetailLongerThan15Minutes(PositiveInt account, NonNegativeInt startCycle, byte levelByte, bool rose)
    {
        var quota = QuotaOf(account);
        var yesterday = rose ? 700 + levelByte % 100 : 605 + levelByte % 390; // rose: 70 % to 79.9 %; else 60.5 % to 99.4 %: below the 70 % warning, at it or above
        var level = rose ? yesterday + 1 + levelByte % 20 : yesterday; // rose: up to 2 points above yesterday's, 100 % more than 6 h away
        var start = Now.AddMinutes(5 * (startCycle.Get % 288));
        var history = ThreeDays(start - Five, ago => ago < 45 ? level : yesterday);
        DateTimeOffset? previousDetail = null;
        var withoutDetail = 0;
        for (var t = start; t < start.AddHours(2); t += Five)
        {
            var query = Cadence.Query(quota, history, 70, false, t - Window, t);
            if (query.Detailed)
            {
                if (previousDetail is { } previous && query.From > previous) return false;
                previousDetail = t;
                withoutDetail = 0;
            }
            else if (++withoutDetail >= 3) return false;
            history.Add(new UsageSample(t, level));
        }
        return previousDetail is not null;
    }

    /// <summary>
    /// Near and woken, at or above its warning within the hour with no history of yesterday (a day of samples) or
    /// trending to the quota's value within 6 hours, rising towards it, or after a spike: in detail every cycle, from its
    /// newest sample.
    /// </summary>
    [Property(MaxTest = 200, Replay = "(20261201,21)")]
    public bool ANearQuota_WokenAtItsWarningRisingOrAfterASpike_IsReadInDetailEveryCycle(PositiveInt account, NonNegativeInt cycle, byte kind, byte size)
    {
        var quota = QuotaOf(account);
        var now = Now.AddMinutes(5 * (cycle.Get % 288));
        var minutesAgo = 5 * (size % 11); // within the last hour (the history ends a cycle ago)
        var baseLevel = 120 + size % 60;
        var history = (kind % 4) switch
        {
            0 => Day(now - Five, _ => 650),
            1 => (size % 2 == 0 ? Day(now - Five, ago => ago == minutesAgo ? 700 + size % 100 : 650) // above the warning, new
                : ThreeDays(now - Five, ago => ago < 120 ? 900 - (40 + size % 60) * ago / 60.0 : 750)), // above the warning, 100 % within 2.5 h
            2 => Day(now - Five, ago => ago < 120 ? 690 - (10 + size % 40) * ago / 60.0 : 620), // the warning within an hour
            _ => Day(now - Five, ago => ago == 600 ? 620 : ago == minutesAgo ? 2 * baseLevel + 60 : baseLevel),
        };

        var query = Cadence.Query(quota, history, 70, woken: kind % 4 == 0, now - Window, now);

        return query.Detailed && query.From == history[^1].Timestamp;
    }
}
