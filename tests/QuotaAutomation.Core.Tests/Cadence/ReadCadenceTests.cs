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
    public void NoHistory_IsBackfilledInDetail() =>
        Assert.Equal(new CadenceDecision(TimeSpan.FromMinutes(5), CadenceReason.Backfill), Decide([]));

    [Fact]
    public void AnHourlyQuota_WhoseNewestSampleIsAnHourOld_IsNotStale_ButPastItsIntervalPlus15Minutes_IsBackfilled()
    {
        // Flat at 10 %: far and calm, read hourly. A shard that runs hourly finds its newest sample an hour old by design.
        Assert.Equal(new CadenceDecision(TimeSpan.FromHours(1), CadenceReason.Calm), Decide(Day(_ => 100).SkipLast(12).ToList())); // 60 minutes old
        Assert.Equal(new CadenceDecision(TimeSpan.FromHours(1), CadenceReason.Calm), Decide(Day(_ => 100).SkipLast(15).ToList())); // 75: at the limit
        Assert.Equal(new CadenceDecision(TimeSpan.FromMinutes(5), CadenceReason.Backfill), Decide(Day(_ => 100).SkipLast(16).ToList())); // 80
    }

    /// <summary>Near and steady: sampled every cycle, read in detail every 15 minutes.</summary>
    private static readonly CadenceDecision NearSteady = new(TimeSpan.FromMinutes(5), CadenceReason.NearSteady) { DetailEvery = TimeSpan.FromMinutes(15) };

    [Fact]
    public void AQuotaSampledEveryCycle_IsBackfilled_OnceItsNewestSampleIsOlderThan5Plus15Minutes()
    {
        // A 24 h peak of 60 %: near the 70 % warning, sampled every cycle.
        Assert.Equal(NearSteady, Decide(Day(ago => ago == 600 ? 600 : 100).SkipLast(4).ToList())); // 20 minutes old
        Assert.Equal(new CadenceDecision(TimeSpan.FromMinutes(5), CadenceReason.Backfill), Decide(Day(ago => ago == 600 ? 600 : 100).SkipLast(5).ToList())); // 25
    }

    [Fact]
    public void A24HourPeakWithin10PointsOfTheWarning_IsSampledEveryCycle_AndWhileSteady_ReadInDetailEvery15Minutes() =>
        Assert.Equal(NearSteady, Decide(Day(ago => ago == 600 ? 600 : 100)));

    [Fact]
    public void FarAndCalm_IsReadHourly_AndBetweenHalfTheThresholdAndNear_Every30Minutes()
    {
        Assert.Equal(new CadenceDecision(TimeSpan.FromHours(1), CadenceReason.Calm), Decide(Day(_ => 200)));
        Assert.Equal(new CadenceDecision(TimeSpan.FromMinutes(30), CadenceReason.Calm), Decide(Day(_ => 400)));
    }

    /// <summary>A spike far below the warning: sampled every cycle for the spike's hour, read in detail every 15 minutes.</summary>
    private static readonly CadenceDecision FarSpike = new(TimeSpan.FromMinutes(5), CadenceReason.FarSpike) { DetailEvery = TimeSpan.FromMinutes(15) };

    [Fact]
    public void ASampleOfTheLastHourAtTwiceThe24HourMedian_FarBelowTheWarning_IsAFarSpike_SampledEveryCycle_DetailedEvery15Minutes() =>
        // 100 → 250 on a quota of 1,000: 2.5× its median, 25 % at its peak, far below the 70 % warning.
        Assert.Equal(FarSpike, Decide(Day(ago => ago == 30 ? 250 : 100)));

    [Fact]
    public void ASpikeOfAFewUnits_FarBelowTheQuota_IsNotWatchedEveryCycle()
    {
        // 1 → 2 on a quota of 1,000 is 2× its median but 0.1 points of the quota: calm, hourly. 50 → 110 is 2.2× and
        // rises 6 points: a spike, far from the warning. 45 → 90 is 2× and rises 4.5 points: not.
        Assert.Equal(new CadenceDecision(TimeSpan.FromHours(1), CadenceReason.Calm), Decide(Day(ago => ago == 30 ? 2 : 1)));
        Assert.Equal(FarSpike, Decide(Day(ago => ago == 30 ? 110 : 50)));
        Assert.Equal(new CadenceDecision(TimeSpan.FromHours(1), CadenceReason.Calm), Decide(Day(ago => ago == 30 ? 90 : 45))); // 4.5 points
    }

    [Fact]
    public void ASpikeIntoTheNearBand_IsASpike_ReadInDetailEveryCycle() =>
        // 200 → 620: 3.1× its median, and its 24 h peak (62 %) within 10 points of the warning.
        Assert.Equal(new CadenceDecision(TimeSpan.FromMinutes(5), CadenceReason.Spike), Decide(Day(ago => ago == 30 ? 620 : 200)));

    [Fact]
    public void ATrendReachingTheWarningWithin6Hours_IsReadEveryCycle_WithinADay_Every15Minutes()
    {
        // From 250, the last two hours rise 100 units an hour to 450 at now: 700 in 2.5 h. At 30 an hour to 310: 700 in 13 h.
        // Both stay below 2× the 24 h median (250), so neither is a spike.
        Assert.Equal(new CadenceDecision(TimeSpan.FromMinutes(5), CadenceReason.BreachAhead), Decide(Day(ago => ago < 120 ? 450 - 100 * ago / 60.0 : 250)));
        Assert.Equal(new CadenceDecision(TimeSpan.FromMinutes(15), CadenceReason.BreachAhead), Decide(Day(ago => ago < 120 ? 310 - 30 * ago / 60.0 : 250)));
    }

    /// <summary>Three days of 5-minute samples ending now: a daily swing between 250 and 450 (its low at 06:00) plus <paramref name="growthPerDay"/>.</summary>
    private static List<UsageSample> Swing(double growthPerDay) =>
        Enumerable.Range(0, 3 * 288).Select(i => Now.AddMinutes(-5 * (3 * 288 - 1 - i))).Select(t => new UsageSample(t,
            350 - 100 * Math.Cos(2 * Math.PI * (t.TimeOfDay.TotalHours - 6) / 24) + growthPerDay * (t - Now).TotalDays)).ToList();

    [Fact]
    public void TheUpswingOfADailySwing_WithinYesterdaysRange_IsCalm_NotABreachAhead()
    {
        // At 12:00 the swing rises 26 units an hour from 350: the two-hour trend alone reaches 700 in about 13 h (every
        // 15 minutes before). Yesterday it went as high (450) and today's peak is no higher: no growth, so calm, 30 minutes.
        Assert.Equal(new CadenceDecision(TimeSpan.FromMinutes(30), CadenceReason.Calm), Decide(Swing(growthPerDay: 0)));
    }

    [Fact]
    public void ADailySwingThatGrowsSlowly_IsCalm() =>
        // 10 a day (1 % of the quota): the daily peak reaches 700 in about 25 days.
        Assert.Equal(new CadenceDecision(TimeSpan.FromMinutes(30), CadenceReason.Calm), Decide(Swing(growthPerDay: 10)));

    [Fact]
    public void WithinYesterdaysRange_ThePeaksDayOverDayGrowth_SetsTheBreachAhead()
    {
        // Yesterday's peak 450, today's 590 (10 hours ago), now rising 50 an hour to 440: the two-hour trend reaches 700 in
        // about 5 h (every cycle), but usage is within yesterday's range, and the peak's growth (140 a day) reaches 700 in
        // about 19 h: every 15 minutes.
        var history = Enumerable.Range(0, 3 * 288).Select(i => Now.AddMinutes(-5 * (3 * 288 - 1 - i))).Select(t => new UsageSample(t, (Now - t).TotalHours switch
        {
            < 2 => 440 - 50 * (Now - t).TotalHours,
            10 => 590,
            36 => 450,
            _ => 400,
        })).ToList();
        Assert.Equal(new CadenceDecision(TimeSpan.FromMinutes(15), CadenceReason.BreachAhead), Decide(history));
    }

    [Fact]
    public void ARampAboveYesterdaysRange_IsJudgedByItsTwoHourTrend()
    {
        // Two days flat at 250, then the last two hours rise 100 an hour to 450: above yesterday's 250, so the trend counts.
        var history = Enumerable.Range(0, 3 * 288).Select(i => Now.AddMinutes(-5 * (3 * 288 - 1 - i)))
            .Select(t => new UsageSample(t, t > Now.AddHours(-2) ? 450 - 100 * (Now - t).TotalHours : 250)).ToList();
        Assert.Equal(new CadenceDecision(TimeSpan.FromMinutes(5), CadenceReason.BreachAhead), Decide(history));
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
    public void HourlyReads_OfManyShards_SpreadOverTheHour()
    {
        var keys = Enumerable.Range(0, 1200).Select(i => new QuotaKey("ec2", "L-1216C47A", "us-east-1", $"{100000000000 + i}")).ToList();

        var perCycle = Enumerable.Range(0, 12).Select(i => keys.Count(k => Cadence.IsDue(k, TimeSpan.FromHours(1), Now.AddMinutes(5 * i)))).ToList();

        Assert.Equal(1200, perCycle.Sum()); // each once an hour
        Assert.All(perCycle, n => Assert.InRange(n, 60, 140)); // about 100 a cycle, not 1,200 at once
    }

    [Fact]
    public void EveryQuotaOfOneAccountAndRegion_FallsDueInTheSameCycle_PinnedForTheHubsUsEast1()
    {
        var shard = new[] { Quota.Key, new QuotaKey("ec2", "L-1216C47A", "us-east-1"), new QuotaKey("dynamodb", "L-F98FE922", "us-east-1") };
        var cycles = Enumerable.Range(0, 12).Select(i => Now.AddMinutes(5 * i)).ToList();

        var due = shard.Select(k => cycles.Single(t => Cadence.IsDue(k, TimeSpan.FromHours(1), t))).Distinct().ToList();

        Assert.Equal([Now.AddMinutes(DueMinute)], due);
    }

    /// <summary>The hub's us-east-1 shard's hourly cycle after <see cref="Now"/> (12:00), from the FNV-1a hash of "self/us-east-1".</summary>
    private const int DueMinute = 0;

    [Fact]
    public void HourlyDuePoints_AreAlso30And15MinuteDuePoints()
    {
        var keys = Enumerable.Range(0, 200).Select(i => new QuotaKey("ec2", "L-1216C47A", i % 2 == 0 ? "us-east-1" : "eu-west-1", $"{100000000000 + i}")).ToList();
        var cycles = Enumerable.Range(0, 288).Select(i => Now.AddMinutes(5 * i)).ToList();

        var pairs = keys.SelectMany(k => cycles.Select(t => (k, t))).ToList();

        Assert.All(pairs.Where(p => Cadence.IsDue(p.k, TimeSpan.FromHours(1), p.t)), p => Assert.True(Cadence.IsDue(p.k, TimeSpan.FromMinutes(30), p.t)));
        Assert.All(pairs.Where(p => Cadence.IsDue(p.k, TimeSpan.FromMinutes(30), p.t)), p => Assert.True(Cadence.IsDue(p.k, TimeSpan.FromMinutes(15), p.t)));
        Assert.Equal(200 * 24, pairs.Count(p => Cadence.IsDue(p.k, TimeSpan.FromHours(1), p.t)));
    }

    [Fact]
    public void NextDue_IsTheNextCycleInWhichTheReadIsDue_Pinned()
    {
        var hourly = Cadence.NextDue(Quota.Key, TimeSpan.FromHours(1), Now);

        Assert.Equal(Now.AddMinutes(NextHourlyMinute), hourly);
        Assert.True(Cadence.IsDue(Quota.Key, TimeSpan.FromHours(1), hourly));
        Assert.All(Enumerable.Range(1, NextHourlyMinute / 5 - 1).Select(i => Now.AddMinutes(5 * i)), t => Assert.False(Cadence.IsDue(Quota.Key, TimeSpan.FromHours(1), t)));
        Assert.Equal(Now.AddMinutes(5), Cadence.NextDue(Quota.Key, TimeSpan.FromMinutes(5), Now));
    }

    /// <summary>The cycle after <see cref="Now"/> in which the hub's us-east-1 hourly reads fall due (the next hour's, as 12:00 is this hour's).</summary>
    private const int NextHourlyMinute = 60;

    [Fact]
    public void NextDue_FromAnyMomentOfTheHour_IsAtMostAnIntervalAway_AndDue()
    {
        var key = new QuotaKey("ec2", "L-1216C47A", "eu-west-1", "123456789012");
        var moments = Enumerable.Range(0, 120).Select(i => Now.AddSeconds(37 * i)).ToList();

        Assert.All(moments, t =>
        {
            var next = Cadence.NextDue(key, TimeSpan.FromMinutes(30), t);
            Assert.InRange(next - t, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30));
            Assert.True(Cadence.IsDue(key, TimeSpan.FromMinutes(30), next));
            Assert.Equal(TimeSpan.Zero, TimeSpan.FromTicks((next - t).Ticks % TimeSpan.FromMinutes(5).Ticks));
        });
    }

    [Fact]
    public void WhenTheReportCoversCalmQuotas_ACalmQuotaIsNeverReadInDetail_ANearOneStillIs()
    {
        var covered = Cadence with { ReportCoversCalm = true };
        var due = Now.AddMinutes(DueMinute);

        Assert.True(Detailed(Cadence, Day(_ => 200), due)); // its hourly cycle
        Assert.False(Detailed(covered, Day(_ => 200), due));
        Assert.True(Detailed(covered, Day(ago => ago == 30 ? 700 : 100), due.AddMinutes(5))); // at its warning within the hour: every cycle
        Assert.True(Detailed(covered, [], due.AddMinutes(5))); // backfill
    }

    /// <summary>Whether the cycle at <paramref name="now"/> reads the quota in detail, as the engine asks (<see cref="ReadCadence.Query"/>).</summary>
    private static bool Detailed(ReadCadence cadence, List<UsageSample> history, DateTimeOffset now) =>
        cadence.Query(Quota, history, 70, false, now - TimeSpan.FromDays(14), now).Detailed;
}
