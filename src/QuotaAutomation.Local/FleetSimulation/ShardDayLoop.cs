namespace QuotaAutomation.Local.FleetSimulation;

/// <summary>
/// A shard's day as the fleet's schedule runs it: the first cycle, then one cycle every <c>every</c>, in which the shard
/// runs only when it is due: its previous run's <see cref="Core.Fleet.ShardResult.NextDue"/> has come (null: every cycle).
/// The clock is moved only up to a cycle the shard runs in.
/// </summary>
public static class ShardDayLoop
{
    /// <summary>Whether a shard whose last run said <paramref name="nextDue"/> runs in the cycle at <paramref name="now"/>.</summary>
    public static bool Due(DateTimeOffset? nextDue, DateTimeOffset now) => nextDue is null || nextDue <= now;

    /// <param name="run">Runs the shard in a cycle (its index: 0 is the first), on a clock already at that cycle's time.</param>
    /// <param name="advance">Moves the shard's clock forward.</param>
    public static async Task<IReadOnlyList<ShardProfile>> RunAsync(DateTimeOffset start, TimeSpan every, int steadyCycles,
        Func<int, CancellationToken, Task<ShardProfile>> run, Func<TimeSpan, CancellationToken, Task> advance, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(advance);
        if (every <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(every), every, "cycles must be apart");
        ArgumentOutOfRangeException.ThrowIfNegative(steadyCycles);
        var runs = new List<ShardProfile> { await run(0, ct) };
        var clock = start;
        for (var cycle = 1; cycle <= steadyCycles; cycle++)
        {
            var now = start + cycle * every;
            if (!Due(runs[^1].Result.NextDue, now)) continue;
            await advance(now - clock, ct);
            clock = now;
            runs.Add(await run(cycle, ct));
        }
        return runs;
    }
}
