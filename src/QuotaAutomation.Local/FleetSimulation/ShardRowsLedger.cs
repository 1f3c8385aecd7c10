namespace QuotaAutomation.Local.FleetSimulation;

/// <summary>
/// What a shard's usage partition holds on DynamoDB as far as <see cref="AwsCallMap"/> needs it to count
/// DynamoShardHistory's calls: its 5-minute rows not yet compacted (time and size) and its newest hourly row. The
/// embedded backend's history keeps the same two resolutions, but the map sees only port calls, not the store. And the
/// key lists its compact rows name (docs/fleet-rows.md): those stored, and the newest rows' one.
/// </summary>
internal sealed class ShardRowsLedger
{
    public const long HourSeconds = 3600;

    private readonly SortedDictionary<long, long> _fineRows = [];

    private readonly HashSet<string> _lists = new(StringComparer.Ordinal);

    /// <summary>The newest list's quotas (<c>{service}/{code}</c>, sorted); null: no compact row yet.</summary>
    public IReadOnlyList<string>? NewestList { get; private set; }

    /// <summary>Whether the shard has any list stored (a window read then fetches one).</summary>
    public bool HasLists => _lists.Count > 0;

    /// <summary>
    /// The list an append of <paramref name="ids"/> uses, as DynamoShardHistory chooses it: the newest while it names every
    /// one, else the newest with them added (none yet: theirs); and whether it must be stored first (not stored yet).
    /// Records it as stored and newest.
    /// </summary>
    public (IReadOnlyList<string> List, bool New) Use(IEnumerable<string> ids)
    {
        var wanted = ids.ToList();
        var list = NewestList is { } newest && wanted.All(newest.Contains) ? newest
            : (NewestList ?? []).Concat(wanted).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var added = _lists.Add(string.Join(';', list));
        NewestList = list;
        return (list, added);
    }

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
