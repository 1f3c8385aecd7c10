using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Local.Simulation;

namespace QuotaAutomation.Local.Tests;

public class PeriodMaximaTests
{
    private static readonly DateTimeOffset T = new(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Points every 20 minutes from T with values 1, 5, 2, 7, 3, 9, …; none in [2 h, 3 h).</summary>
    private static IEnumerable<double> Points(DateTimeOffset from, DateTimeOffset to)
    {
        double[] values = [1, 5, 2, 7, 3, 9, 0, 0, 0, 6, 8, 2];
        for (var i = 0; i < values.Length; i++)
        {
            var at = T.AddMinutes(20 * i);
            if (at >= from && at < to && at.Hour != 2) yield return values[i];
        }
    }

    [Fact]
    public void Of_EachPeriodsHighestPointAtItsStart_APeriodWithoutPointsHasNoSample()
    {
        var maxima = PeriodMaxima.Of(T, T.AddHours(4), TimeSpan.FromHours(1), Points);

        Assert.Equal([new UsageSample(T, 5), new UsageSample(T.AddHours(1), 9), new UsageSample(T.AddHours(3), 8)], maxima);
    }

    [Fact]
    public void Of_TheLastPeriodReachesPastTheEnd()
    {
        var maxima = PeriodMaxima.Of(T, T.AddMinutes(90), TimeSpan.FromHours(1), Points);

        Assert.Equal([new UsageSample(T, 5), new UsageSample(T.AddHours(1), 9)], maxima); // 9 is at 1 h 40, past the end
    }
}
