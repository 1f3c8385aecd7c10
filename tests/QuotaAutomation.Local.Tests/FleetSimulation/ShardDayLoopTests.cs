using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Local.FleetSimulation;

namespace QuotaAutomation.Local.Tests.FleetSimulation;

/// <summary>A shard's day runs it only in the cycles its previous run's NextDue makes due; null runs it every cycle.</summary>
public sealed class ShardDayLoopTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Every = TimeSpan.FromMinutes(5);

    private static async Task<(List<int> Ran, TimeSpan Advanced)> DayAsync(int steadyCycles, Func<int, DateTimeOffset?> nextDue)
    {
        var ran = new List<int>();
        var advanced = TimeSpan.Zero;
        await ShardDayLoop.RunAsync(Start, Every, steadyCycles, (cycle, _) =>
        {
            ran.Add(cycle);
            Assert.Equal(Start + cycle * Every, Start + advanced); // the clock is at the cycle's time when the shard runs
            var result = new ShardResult("a/r", "a", "r", ShardResult.Ok, 1, 0, 0, null, NextDue: nextDue(cycle));
            return Task.FromResult(new ShardProfile(cycle, result, [], TimeSpan.Zero));
        }, (by, _) =>
        {
            advanced += by;
            return Task.CompletedTask;
        }, CancellationToken.None);
        return (ran, advanced);
    }

    [Fact]
    public async Task NoNextDue_RunsEveryCycle()
    {
        var (ran, advanced) = await DayAsync(12, _ => null);

        Assert.Equal(Enumerable.Range(0, 13), ran);
        Assert.Equal(TimeSpan.FromHours(1), advanced);
    }

    [Fact]
    public async Task NextDue_SkipsTheCyclesBeforeIt_AndRunsInTheFirstAtOrAfterIt()
    {
        // The first run asks for 00:20; from then on, hourly at :20 (a calm shard's phase); 00:07 between cycles runs at 00:10.
        var (ran, advanced) = await DayAsync(24, cycle => cycle switch
        {
            0 => Start + TimeSpan.FromMinutes(7),
            2 => Start + TimeSpan.FromMinutes(20),
            _ => Start + TimeSpan.FromMinutes(20) + TimeSpan.FromHours(1) * ((cycle * 5 + 40) / 60),
        });

        Assert.Equal([0, 2, 4, 16], ran);
        Assert.Equal(TimeSpan.FromMinutes(80), advanced); // moved only up to the last run
    }

    [Fact]
    public void Due_IsAtOrAfterNextDue_OrEveryCycleWithoutIt()
    {
        Assert.True(ShardDayLoop.Due(null, Start));
        Assert.True(ShardDayLoop.Due(Start, Start));
        Assert.False(ShardDayLoop.Due(Start + TimeSpan.FromTicks(1), Start));
    }
}
