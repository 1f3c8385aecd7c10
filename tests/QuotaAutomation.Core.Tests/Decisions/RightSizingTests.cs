using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Tests.Decisions;

public class RightSizingTests
{
    private static readonly QuotaKey Key = new("ec2", "L-1216C47A", "us-east-1");
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private static QuotaInfo Count(double value) => new(Key, "vCPUs", value, true, "None");

    [Fact]
    public void Of_HourlyCounts_NeedIsTheP99OverWarningRoundedUp()
    {
        // 100 hours at 1, 2, …, 100: p99 sits at position 0.99 × 99 = 98.01 → 99 + 0.01 × (100 − 99) = 99.01;
        // 99.01 ÷ 0.70 = 141.44 → 142; 1,000 ÷ 142 = 7.04.
        var usage = Enumerable.Range(1, 100).Select(i => new UsageSample(Start.AddHours(i - 1), i)).ToList();

        var sized = RightSizing.Of(Count(1000), 70, usage)!;

        Assert.Equal((99.01, 142.0, 100, TimeSpan.FromHours(99)), (Math.Round(sized.UsageP99, 6), sized.Needed, sized.Hours, sized.Span));
        Assert.Equal((7.04, 858.0, true), (Math.Round(sized.Ratio!.Value, 2), sized.Excess, sized.IsOversized(2)));
    }

    [Fact]
    public void Of_FiveMinuteSamples_AreTakenAsHourlyMaxima()
    {
        // Hour 0: 10, 11, …, 21 (maximum 21); hour 1: twelve samples of 5. Hourly maxima [21, 5]: p99 = 5 + 0.99 × 16 =
        // 20.84; ÷ 0.80 = 26.05 → 27. 50 ÷ 27 = 1.85: not listed at × 2, listed at × 1.5.
        var usage = Enumerable.Range(0, 24).Select(i => new UsageSample(Start.AddMinutes(5 * i), i < 12 ? 10 + i : 5)).Reverse().ToList();

        var sized = RightSizing.Of(Count(50), RightSizing.NoRuleWarningPercent, usage)!;

        Assert.Equal((20.84, 27.0, 2), (Math.Round(sized.UsageP99, 6), sized.Needed, sized.Hours));
        Assert.Equal((Start, Start.AddMinutes(115)), (sized.FirstSample, sized.LastSample));
        Assert.Equal((false, true), (sized.IsOversized(2), sized.IsOversized(1.5)));
    }

    [Fact]
    public void Of_NonCountQuota_NeedsHundredths()
    {
        var storage = new QuotaInfo(Key, "storage", 100, true, "Gigabytes");

        var sized = RightSizing.Of(storage, 70, [new UsageSample(Start, 9)])!;

        Assert.Equal(12.86, sized.Needed); // 9 ÷ 0.7 = 12.857…
    }

    [Fact]
    public void Of_FloatNoise_DoesNotAddAUnit()
    {
        var sized = RightSizing.Of(Count(5000), 70, [new UsageSample(Start, 700)])!;

        Assert.Equal(1000.0, sized.Needed); // 700 ÷ 0.7 is 1000.0000000000001 in floating point
    }

    [Fact]
    public void Of_UnusedQuota_NeedsNothing_AndIsListedUnlessItIsZero()
    {
        var idle = Enumerable.Range(0, 3).Select(i => new UsageSample(Start.AddHours(i), 0)).ToList();

        var ten = RightSizing.Of(Count(10), 70, idle)!;
        var zero = RightSizing.Of(Count(0), 70, idle)!;

        Assert.Equal((0.0, (double?)null, true), (ten.Needed, ten.Ratio, ten.IsOversized(2)));
        Assert.False(zero.IsOversized(2));
    }

    [Fact]
    public void Of_NoUsage_IsNull()
    {
        Assert.Null(RightSizing.Of(Count(10), 70, []));
    }

    [Fact]
    public void Oversized_ListsUnusedFirst_ThenByRatio_AndLeavesOutWhatIsWithinTheFactor()
    {
        RightSizing Sized(double value, double needed) => new(value, 70, needed * 0.7, needed, 1, Start, Start);
        var rows = new[] { ("a", Sized(300, 100)), ("b", Sized(10, 0)), ("c", Sized(50, 10)), ("d", Sized(150, 100)), ("e", Sized(600, 200)) };

        var listed = RightSizing.Oversized(rows, r => r.Item2, 2).Select(r => r.Item1);

        Assert.Equal(["b", "c", "e", "a"], listed); // ∞, 5, 3 (400 above), 3 (200 above); d is 1.5
    }
}
