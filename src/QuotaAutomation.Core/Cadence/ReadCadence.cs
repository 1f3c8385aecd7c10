using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Cadence;

/// <summary>
/// When each quota's usage is next read in detail (one CloudWatch <c>GetMetricData</c> metric, 5-minute periods), rather
/// than taken from the account's Service Quotas utilization report, which costs one report per account and Region
/// whatever the number of quotas. GetMetricData is billed per metric requested ($0.01 per 1,000): reading every quota
/// every 5 minutes is 8,640 metrics a quota a month. A quota rising towards its warning threshold, at or above it with a
/// breach of its value within 6 hours (or new), after a spike near its threshold, woken by an event, or with no recent
/// history is read in detail every cycle; one near or above its threshold but steady, above it and rising but far from
/// a breach, or after a spike far below its threshold is sampled every cycle (the report) and read in detail every 15
/// minutes; a far and calm one hourly.
/// </summary>
/// <remarks>
/// Stateless on purpose: whether a read is due is worked out from the stored history and the clock alone, so a cold
/// Lambda container, a fleet shard on another container, or a replay gets the same answer as a warm process. A quota
/// read every <c>interval</c> is due in the one cycle whose <see cref="Cycle"/>-long window holds a multiple of the
/// interval, shifted by a stable hash of the quota's account and Region: every quota of one fleet shard (account,
/// Region) falls due in the same cycle, so a calm shard runs once an hour, and shards spread over the hour. The shift
/// is the same hash modulo each interval, so the hourly points are a subset of the 30-minute and 15-minute ones.
/// </remarks>
public sealed record ReadCadence
{
    /// <summary>The cadence the issue asks for: 5 minutes near a threshold, up to hourly when far and calm.</summary>
    public static ReadCadence Default { get; } = new();

    /// <summary>How often cycles run (the schedule): the shortest interval, and the width of the window a due read falls in.</summary>
    public TimeSpan Cycle { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest interval between detailed reads: a far and calm quota.</summary>
    public TimeSpan Calm { get; init; } = TimeSpan.FromHours(1);

    /// <summary>A quota whose 24 h peak came within this many points of its lowest warning threshold is near it.</summary>
    public double NearPoints { get; init; } = 10;

    /// <summary>
    /// How often a quota near its threshold but steady (<see cref="CadenceReason.NearSteady"/>) is read in detail; the
    /// report samples it every cycle between, and each detailed read fetches every 5-minute period since the previous
    /// one (<see cref="Query"/>), so its history keeps 5-minute maxima.
    /// </summary>
    public TimeSpan SteadyDetail { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// A breach of the warning threshold this close, at the last two hours' trend (or, while usage stays within
    /// yesterday's range, at the daily peak's growth from yesterday to today: a daily upswing is not a breach ahead), is
    /// read every cycle…
    /// </summary>
    public TimeSpan BreachSoon { get; init; } = TimeSpan.FromHours(6);

    /// <summary>…and this close, every <see cref="Cycle"/> × 3.</summary>
    public TimeSpan BreachAhead { get; init; } = TimeSpan.FromHours(24);

    /// <summary>
    /// With no sample within the quota's own interval plus this (a report that omits the quota or is stale, a gap), the
    /// next read is detailed: it backfills. Relative to the interval because a calm shard runs hourly: its newest sample
    /// is an hour old by design.
    /// </summary>
    public TimeSpan StaleAfter { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The utilization report gives every quota a sample each time its shard runs: a <see cref="CadenceReason.Calm"/>
    /// quota then needs no detailed (GetMetricData) read at all; its interval still says when the shard next runs.
    /// False: a calm quota is read in detail once per interval (a source without the report).
    /// </summary>
    public bool ReportCoversCalm { get; init; }

    /// <summary>A sample this recent at ≥ 2× the 24 h median (<see cref="Events.SpikeClassifier"/>'s medium level) is a recent spike.</summary>
    public TimeSpan SpikeMemory { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// …when it also rose at least this many points of the quota above that median. A ratio alone makes a spike of a
    /// count of one or two: a quota of 1,000 going from 1 to 2 is "2×", and would keep an idle Region's shard on the
    /// 5-minute cadence for an hour, while a quota of 5 going from 1 to 2 (20 points) is worth watching.
    /// </summary>
    public double SpikeMinPoints { get; init; } = 5;

    /// <summary>How often <paramref name="quota"/>'s usage should be read in detail now, and why.</summary>
    /// <param name="history">The quota's stored samples in time order (the cycle's window).</param>
    /// <param name="warningPercent">The lowest warning threshold of the rules on this quota.</param>
    /// <param name="woken">An event (AWS Health threshold breach, spike, scaling, failover) names this quota.</param>
    public CadenceDecision Interval(QuotaInfo quota, IReadOnlyList<UsageSample> history, double warningPercent, bool woken, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(quota);
        ArgumentNullException.ThrowIfNull(history);
        if (woken) return new(Cycle, CadenceReason.Woken);
        if (history.Count == 0) return new(Cycle, CadenceReason.Backfill);
        var decision = FromHistory(quota, history, warningPercent, now);
        return now - history[^1].Timestamp > decision.Every + StaleAfter ? new(Cycle, CadenceReason.Backfill) : decision;
    }

    private CadenceDecision FromHistory(QuotaInfo quota, IReadOnlyList<UsageSample> history, double warningPercent, DateTimeOffset now)
    {
        if (quota.Value <= 0) return new(Cycle, CadenceReason.NearThreshold); // no headroom to measure: watch it closely

        var peakPercent = 100 * PeakSince(history, now - Events.SpikeClassifier.BaselineWindow) / quota.Value;
        var recentPeak = PeakSince(history, now - SpikeMemory);
        var spike = RecentSpike(quota, history, recentPeak, now);
        var level = quota.Value * warningPercent / 100;
        if (peakPercent >= warningPercent - NearPoints) return Near(quota, history, level, recentPeak, spike, now);
        if (spike) return Sampled(CadenceReason.FarSpike);

        var toWarning = TimeToReach(history, now, level);
        if (toWarning <= BreachAhead && WithinYesterdaysRange(history, now) is { } yesterdayPeak)
            toWarning = DayOverDay(history, now, level, yesterdayPeak);
        if (toWarning <= BreachSoon) return new(Cycle, CadenceReason.BreachAhead);
        if (toWarning <= BreachAhead) return new(Cycle * 3, CadenceReason.BreachAhead);
        return peakPercent >= warningPercent / 2
            ? new(Max(Cycle, Calm / 2), CadenceReason.Calm)
            : new(Max(Cycle, Calm), CadenceReason.Calm);
    }

    /// <summary>
    /// Sampled every cycle (the report: the decisions act on it), read in detail every <see cref="SteadyDetail"/>: each
    /// detailed read reaches back to the previous detail point (<see cref="Query"/>), so the history keeps every 5-minute
    /// maximum, at most <see cref="SteadyDetail"/> late.
    /// </summary>
    private CadenceDecision Sampled(CadenceReason reason) => new(Cycle, reason) { DetailEvery = Max(Cycle, SteadyDetail) };

    /// <summary>
    /// A quota near its threshold: every cycle in detail after a spike; when the last hour reached the warning, only when
    /// a breach of the quota's value is soon or the quota is new (<see cref="AtWarning"/>); or when it is rising towards
    /// the warning: the last two hours' trend reaches it within <see cref="BreachSoon"/> (while usage stays within
    /// yesterday's range, the daily peak's growth from yesterday to today, as for a far quota: the upswing of a daily
    /// swing that stayed below the warning yesterday is not a rise towards it). Otherwise steady: sampled every cycle
    /// (the report), detailed every <see cref="SteadyDetail"/>.
    /// </summary>
    private CadenceDecision Near(QuotaInfo quota, IReadOnlyList<UsageSample> history, double level, double recentPeak, bool spike, DateTimeOffset now)
    {
        if (spike) return new(Cycle, CadenceReason.Spike);
        if (recentPeak >= level) return AtWarning(quota, history, recentPeak, now);
        var toWarning = TimeToReach(history, now, level);
        if (toWarning <= BreachSoon && WithinYesterdaysRange(history, now) is { } yesterdayPeak)
            toWarning = DayOverDay(history, now, level, yesterdayPeak);
        if (toWarning <= BreachSoon) return new(Cycle, CadenceReason.BreachAhead);
        return Sampled(CadenceReason.NearSteady);
    }

    /// <summary>
    /// A quota whose last hour reached its warning (no recent spike: checked first). 5-minute detail every cycle only
    /// when it can matter: a new quota (no history of yesterday: nothing says its level is its usual range), or a breach
    /// of the quota's value within <see cref="BreachSoon"/> at the last two hours' trend (at or over it now included) or at
    /// the daily peak's growth from yesterday to today (while today's peak is below the value: a quota that went over it
    /// earlier today and is back within its range, as a monitored one over its value every afternoon, is judged by its
    /// trend). Otherwise the decisions act every cycle on the report's sample, and the detail every
    /// <see cref="SteadyDetail"/> still stores every 5-minute maximum: <see cref="CadenceReason.NearSteady"/> when the
    /// last hour's peak is no higher than yesterday's peak (24 to 48 hours ago: a level it already had),
    /// <see cref="CadenceReason.AboveWarningRising"/> when it is higher.
    /// </summary>
    private CadenceDecision AtWarning(QuotaInfo quota, IReadOnlyList<UsageSample> history, double recentPeak, DateTimeOffset now)
    {
        if (YesterdaysPeak(history, now) is not { } yesterdayPeak) return new(Cycle, CadenceReason.NearThreshold);
        var toBreach = TimeToReach(history, now, quota.Value);
        if (PeakSince(history, now - Day) < quota.Value) toBreach = Min(toBreach, DayOverDay(history, now, quota.Value, yesterdayPeak));
        if (toBreach <= BreachSoon) return new(Cycle, CadenceReason.NearThreshold);
        return Sampled(recentPeak <= yesterdayPeak ? CadenceReason.NearSteady : CadenceReason.AboveWarningRising);
    }

    /// <summary>Whether a read every <paramref name="interval"/> falls in the cycle that runs at <paramref name="now"/>.</summary>
    public bool IsDue(QuotaKey key, TimeSpan interval, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (interval <= Cycle) return true;
        var offset = Offset(key, interval);
        return (now.UtcTicks - offset) / interval.Ticks != (now.UtcTicks - Cycle.Ticks - offset) / interval.Ticks;
    }

    /// <summary>
    /// The start of the next cycle after <paramref name="now"/> (cycles every <see cref="Cycle"/> from now) in which
    /// <see cref="IsDue"/> holds for a read every <paramref name="interval"/>: the next cycle when the interval is one
    /// cycle or less.
    /// </summary>
    public DateTimeOffset NextDue(QuotaKey key, TimeSpan interval, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (interval <= Cycle) return now + Cycle;
        var offset = Offset(key, interval);
        var nextPoint = ((now.UtcTicks - offset) / interval.Ticks + 1) * interval.Ticks + offset; // the first multiple (shifted) after now
        var cycles = (nextPoint - now.UtcTicks + Cycle.Ticks - 1) / Cycle.Ticks; // the cycle whose window (t − Cycle, t] holds it
        return now + TimeSpan.FromTicks(Cycle.Ticks * cycles);
    }

    /// <summary>
    /// This cycle's usage query for <paramref name="quota"/>. From the report (not detailed): what came after its newest
    /// stored sample (<paramref name="windowStart"/> with none). In detail (its <see cref="CadenceDecision.DetailEvery"/> due by <see cref="IsDue"/>; never a calm quota when
    /// <see cref="ReportCoversCalm"/>): also every
    /// period since its previous detail point, <see cref="CadenceDecision.DetailEvery"/> ago, when that is earlier: the
    /// report's samples stood in for those periods, and the detailed read gives their 5-minute maxima (GetMetricData bills
    /// per metric, not per period, so the longer span costs nothing more).
    /// </summary>
    /// <remarks>
    /// Detail points every <c>DetailEvery</c> are a fixed grid (<see cref="IsDue"/>), so consecutive detailed reads of a
    /// steady quota meet end to start, whatever reads came between; a quota read every cycle asks only for what came
    /// after its newest sample, as before.
    /// </remarks>
    public UsageQuery Query(QuotaInfo quota, IReadOnlyList<UsageSample> history, double warningPercent, bool woken, DateTimeOffset windowStart, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(quota);
        ArgumentNullException.ThrowIfNull(history);
        var newest = history is [.., var last] ? last.Timestamp : windowStart;
        var decision = Interval(quota, history, warningPercent, woken, now);
        if (!DetailDue(quota.Key, decision, now)) return new UsageQuery(quota, newest) { Detailed = false, Reason = decision.Reason };
        var previousDetail = now - decision.DetailEvery;
        return new UsageQuery(quota, previousDetail < newest && previousDetail > windowStart ? previousDetail : newest) { Reason = decision.Reason };
    }

    private bool DetailDue(QuotaKey key, CadenceDecision decision, DateTimeOffset now) =>
        !(ReportCoversCalm && decision.Reason == CadenceReason.Calm) && IsDue(key, decision.DetailEvery, now);

    /// <summary>The shift of a read's due points: per account and Region (one fleet shard), the same in every process.</summary>
    private static long Offset(QuotaKey key, TimeSpan interval) => (long)(StableHash($"{key.AccountOrSelf}/{key.Region}") % (ulong)interval.Ticks);

    private static double PeakSince(IReadOnlyList<UsageSample> history, DateTimeOffset from)
    {
        var peak = history[^1].Value;
        for (var i = history.Count - 1; i >= 0 && history[i].Timestamp > from; i--) peak = Math.Max(peak, history[i].Value);
        return peak;
    }

    /// <summary>Whether <paramref name="recentPeak"/> (the peak within <see cref="SpikeMemory"/>) is a spike: at least the classifier's medium level, and <see cref="SpikeMinPoints"/> above its baseline.</summary>
    private bool RecentSpike(QuotaInfo quota, IReadOnlyList<UsageSample> history, double recentPeak, DateTimeOffset now)
    {
        var spike = Events.SpikeClassifier.Classify(recentPeak, history, now);
        return spike.Level >= Events.SpikeLevel.Medium && 100 * (recentPeak - spike.Baseline) / quota.Value >= SpikeMinPoints;
    }

    /// <summary>
    /// Yesterday's peak (24 to 48 hours ago) when the history covers it and the newest sample is no higher: usage is then
    /// moving within a range it already had, so a rising two-hour trend is the daily swing's upswing, not growth. A
    /// ramp that leaves yesterday's range is judged by its two-hour trend. Null otherwise.
    /// </summary>
    private static double? WithinYesterdaysRange(IReadOnlyList<UsageSample> history, DateTimeOffset now) =>
        YesterdaysPeak(history, now) is { } peak && history[^1].Value <= peak ? peak : null;

    /// <summary>The peak of 24 to 48 hours ago when the history covers it (its oldest sample at least 48 hours old); null otherwise.</summary>
    private static double? YesterdaysPeak(IReadOnlyList<UsageSample> history, DateTimeOffset now)
    {
        if (history[0].Timestamp > now - 2 * Day) return null;
        var peak = double.NegativeInfinity;
        foreach (var s in history)
            if (s.Timestamp > now - 2 * Day && s.Timestamp <= now - Day) peak = Math.Max(peak, s.Value);
        return double.IsFinite(peak) ? peak : null;
    }

    /// <summary>When the daily peak, growing as it grew from yesterday to today, reaches <paramref name="level"/>; MaxValue when it did not grow.</summary>
    private static TimeSpan DayOverDay(IReadOnlyList<UsageSample> history, DateTimeOffset now, double level, double yesterdayPeak)
    {
        var todayPeak = PeakSince(history, now - Day);
        var growthPerDay = todayPeak - yesterdayPeak;
        if (todayPeak >= level) return TimeSpan.Zero;
        if (growthPerDay <= 0) return TimeSpan.MaxValue;
        var days = (level - todayPeak) / growthPerDay;
        return days >= TimeSpan.MaxValue.TotalDays / 2 ? TimeSpan.MaxValue : TimeSpan.FromDays(days);
    }

    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    /// <summary>When the last two hours' least-squares trend reaches <paramref name="level"/>; MaxValue when it falls or is flat.</summary>
    private static TimeSpan TimeToReach(IReadOnlyList<UsageSample> history, DateTimeOffset now, double level)
    {
        var from = now - TimeSpan.FromHours(2);
        double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (var i = history.Count - 1; i >= 0 && history[i].Timestamp > from; i--)
        {
            var x = (history[i].Timestamp - now).TotalHours;
            var y = history[i].Value;
            n++;
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
        }
        var denominator = n * sxx - sx * sx;
        if (n < 3 || denominator <= 0) return TimeSpan.MaxValue;
        var slope = (n * sxy - sx * sy) / denominator; // units per hour
        var atNow = (sy - slope * sx) / n;
        if (atNow >= level) return TimeSpan.Zero;
        if (slope <= 0) return TimeSpan.MaxValue;
        var hours = (level - atNow) / slope;
        return hours >= TimeSpan.MaxValue.TotalHours / 2 ? TimeSpan.MaxValue : TimeSpan.FromHours(hours);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>FNV-1a: the same in every process (string.GetHashCode is randomised per process).</summary>
    private static ulong StableHash(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash ^= c;
            hash = unchecked(hash * 1099511628211UL);
        }
        return hash;
    }
}
