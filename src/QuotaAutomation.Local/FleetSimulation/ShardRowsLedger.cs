namespace QuotaAutomation.Local.FleetSimulation;

/// <summary>
/// What a shard's usage partition holds on DynamoDB as far as <see cref="AwsCallMap"/> needs it to count
/// DynamoShardHistory's calls: its 5-minute rows not yet compacted (time and size) and its newest hourly row. The
/// embedded backend's history keeps the same two resolutions, but the map sees only port calls, not the store.
/// </summary>
internal sealed class ShardRowsLedger
{
    public const long HourSeconds = 3600;

    private readonly SortedDictionary<long, long> _fineRows = [];

    /// <summary>The newest hourly row's hour (epoch hours); null: none yet.</summary>
    public long? NewestHour { get; private set; }

    /// <summary>
    /// Removes the 5-minute rows before <paramref name="boundary"/> and returns the hours they compact into, oldest first:
    /// each hour's row size (its largest row's) and the bytes its rows make for the compaction's Query.
    /// </summary>
    public IReadOnlyList<(long Hour, long Bytes, long QueryBytes)> TakeAged(long boundary)
    {
        var aged = _fineRows.TakeWhile(r => r.Key < boundary).ToList();
        foreach (var row in aged) _fineRows.Remove(row.Key);
        return [.. aged.GroupBy(r => r.Key / HourSeconds).Select(g => (g.Key, g.Max(r => r.Value), g.Sum(r => r.Value)))];
    }

    /// <summary>Records an append's 5-minute rows (time, bytes) and the hours it wrote hourly rows for.</summary>
    public void Wrote(IEnumerable<KeyValuePair<long, long>> fineRows, IEnumerable<long> hours)
    {
        foreach (var (ts, bytes) in fineRows) _fineRows[ts] = bytes;
        foreach (var hour in hours)
            if (NewestHour is null || hour > NewestHour) NewestHour = hour;
    }
}
