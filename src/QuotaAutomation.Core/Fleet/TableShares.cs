namespace QuotaAutomation.Core.Fleet;

/// <summary>
/// Each due shard's share of the hub's usage table (<see cref="FleetShard.TableShare"/>): the table's read and write
/// units a second divided among the shards a fleet cycle runs, a new shard (its first run writes its 14-day backfill)
/// weighing <see cref="BackfillWeight"/> times a shard that ran before (which reads its window and writes a row). The
/// shares of one cycle add up to 1, so whichever of its shards run at once, each pacing itself to its share, stay
/// within the table's throughput between them. Pure.
/// </summary>
/// <remarks>
/// The weight: a backfill writes about 600 rows of about 1 KB (600–1,200 write units), a window read returns about
/// as many rows at half a unit per 4 KB (about 75 read units): the backfill's units are about ten window reads'.
/// Dividing among every due shard, not only those running at once, is conservative: with more due shards than the
/// Map runs at once (MaxConcurrency × shards at once), the shares add up to less than 1 at any moment.
/// </remarks>
public static class TableShares
{
    public const double BackfillWeight = 10;

    /// <summary>
    /// <c>QA_FLEET_TABLE_UNITS</c> when unset: the read and the write units a second the shards split, DynamoDB on-demand's
    /// default maximum throughput of a table (40,000 read and 40,000 write request units a second).
    /// </summary>
    public const double DefaultTableUnits = 40_000;

    /// <param name="due">The shards a cycle runs.</param>
    /// <param name="isNew">Whether a shard has never run (its schedule has no entry): its run backfills.</param>
    public static IReadOnlyList<FleetShard> Assign(IReadOnlyList<FleetShard> due, Func<FleetShard, bool> isNew)
    {
        ArgumentNullException.ThrowIfNull(due);
        ArgumentNullException.ThrowIfNull(isNew);
        var weights = due.Select(s => isNew(s) ? BackfillWeight : 1).ToList();
        var total = weights.Sum();
        return [.. due.Select((s, i) => s with { TableShare = weights[i] / total })];
    }
}
