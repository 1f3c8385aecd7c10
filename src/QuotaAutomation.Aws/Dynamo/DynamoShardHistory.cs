using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Dynamo;

/// <summary>
/// A fleet shard's usage history: in the usage table (same keys as <see cref="DynamoUsageHistory"/>), one item per shard
/// and time: <c>quota</c> = <c>shard#{account}#{region}</c>, <c>ts</c>, <c>v</c> = every quota's value at that time
/// (<see cref="ShardRow"/>), <c>ttl</c>. At two resolutions (<see cref="UsageResolution"/>, docs/fleet-window.md): a
/// <b>5-minute row</b>'s <c>ts</c> is epoch seconds (the samples as read, the last day); an <b>hourly row</b>'s <c>ts</c> is
/// epoch <i>hours</i> (each quota's maximum over that clock hour). Epoch hours stay below 10^9 and epoch seconds have been
/// above it since 2001, so the sort key alone tells them apart and each part of the window is one key range.
/// </summary>
/// <remarks>
/// Why (issue 14, docs/fleet-usage-rows.md, docs/fleet-window.md): a shard of 50 quotas read its 14-day window by one
/// Query per quota; then one Query of its rows, which grew back to 4,032 five-minute rows in 14 days. Now the window is
/// about 312 hourly + 300 five-minute rows however long the shard runs.
/// <para>
/// Read: one Query of the window's hourly rows, then one of the 5-minute rows from the end of the newest hourly row
/// (<c>C</c>). A 5-minute row older than <c>C</c> has been compacted into its hour and is never returned; its TTL (two days)
/// deletes it for free.
/// </para>
/// <para>
/// Append: samples at or after the 5-minute boundary (<see cref="UsageResolution.FineFrom"/> of the append's newest
/// sample) go to 5-minute rows; older ones to their hour's row, merged by maximum. Every append first compacts the hours
/// that aged since the last one: a Query for the newest hourly row (<c>C</c>), and when <c>C</c> is before the boundary,
/// one consistent Query of the 5-minute rows in between, whose entries become one hourly row per clock hour. Those rows
/// are put oldest first, each after the one before it is stored, so the newest hourly row is a true mark: every hour
/// before it that had 5-minute rows has its row. A run that dies mid-compaction leaves <c>C</c> at the last hour it
/// stored, and the next append compacts the rest from the 5-minute rows (still there: their TTL is two days); an hourly
/// row is merged by maximum, so compacting an hour twice, or two runs at once, give the same row. Hours that only the
/// append's own older samples fill (a backfill's hourly part, newer than any 5-minute row) are written 25 a
/// BatchWriteItem after them: a gap there hides no 5-minute row.
/// </para>
/// <para>
/// 5-minute rows: a run's one row is a conditional PutItem (<c>attribute_not_exists</c>): one call, no read. When the row
/// is there already, it is read, merged (the new values win for their quotas; other entries are kept as stored) and put
/// again on condition that it is unchanged, until it holds. Several rows are one consistent Query of their span, merged,
/// then BatchWriteItem 25 a call (<see cref="DynamoBatches"/>); BatchWriteItem cannot be conditional, so a writer that
/// adds a row in that span between the Query and the batch loses it (only one run of a shard writes at a time in a fleet).
/// </para>
/// <para>
/// Window reads are eventually consistent (half the read units): a shard's rows were written by its earlier runs, minutes
/// to an hour before, and DynamoDB's replicas converge within about a second; a newest row missed now is the newest
/// sample, which the engine then asks the usage source for again and the merge keeps as one row.
/// </para>
/// <para>
/// A row DynamoDB would refuse (over 400 KB: about 16,000 quotas of typical names and values, 7,000 of the longest) is refused
/// before any write, naming the shard and time: a shard is one account and Region, so nothing splits it further.
/// </para>
/// <para>
/// A fleet shard's calls keep to its share of the table's throughput (<paramref name="pacing"/>, docs/fleet-throttle.md).
/// </para>
/// </remarks>
public sealed class DynamoShardHistory(IAmazonDynamoDB dynamo, string table, TimeSpan retention, UsageTablePacing? pacing = null) : IUsageHistory
{
    /// <summary>Sort keys below this are epoch hours (hourly rows); at or above it, epoch seconds (5-minute rows, 2001-09-09 on).</summary>
    public const long HourlyKeyLimit = 1_000_000_000;

    /// <summary>
    /// How long a 5-minute row lives: its day at 5 minutes, then a day's slack for a paused fleet to compact it. A row
    /// deleted before its hour was compacted is read again from CloudWatch, as any gap after the newest stored sample is.
    /// </summary>
    public static readonly TimeSpan FineRetention = TimeSpan.FromDays(2);

    private const long HourSeconds = 3600;

    private static readonly Dictionary<string, string> Names = new() { ["#q"] = "quota", ["#t"] = "ts", ["#v"] = "v" };

    public Task AppendAsync(QuotaKey key, IReadOnlyList<UsageSample> samples, CancellationToken ct) =>
        AppendManyAsync(new Dictionary<QuotaKey, IReadOnlyList<UsageSample>> { [key] = samples }, ct);

    public async Task AppendManyAsync(IReadOnlyDictionary<QuotaKey, IReadOnlyList<UsageSample>> samples, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(samples);
        foreach (var key in samples.Keys) ShardRow.Validate(key);
        var all = samples.Where(p => p.Value.Count > 0).ToList();
        if (all.Count == 0) return;
        var fineFrom = DynamoItems.Seconds(UsageResolution.FineFrom(all.SelectMany(p => p.Value).Max(s => s.Timestamp)));
        foreach (var shard in all.GroupBy(p => ShardRow.ShardId(p.Key), StringComparer.Ordinal))
        {
            // A row DynamoDB would refuse is refused before any call.
            foreach (var row in shard.SelectMany(p => p.Value.Select(s => (p.Key, s))).GroupBy(x => DynamoItems.Seconds(x.s.Timestamp)))
                _ = FineRow(shard.Key, row.Key, string.Join(';', row.Select(x => $"{ShardRow.EntryId(x.Key)}={ShardRow.Value(x.s.Value)}")));
            var newestHour = await NewestHourAsync(shard.Key, ct);
            var boundary = Math.Max(fineFrom, (newestHour + 1) * HourSeconds ?? long.MinValue);
            var fine = new SortedDictionary<long, Dictionary<string, string>>();
            var hours = new SortedDictionary<long, Dictionary<string, double>>();
            foreach (var (key, added) in shard)
                foreach (var sample in added)
                {
                    var ts = DynamoItems.Seconds(sample.Timestamp);
                    if (ts < HourlyKeyLimit)
                        throw new ArgumentException($"Quota '{key}': a sample at {sample.Timestamp:O} is older than a shard usage row can hold (2001-09-09).", nameof(samples));
                    if (ts >= boundary) Entries(fine, ts)[ShardRow.EntryId(key)] = ShardRow.Value(sample.Value);
                    else Peak(Entries(hours, ts / HourSeconds), ShardRow.EntryId(key), sample.Value);
                }
            IReadOnlyList<long> compacted = newestHour is { } h && (h + 1) * HourSeconds >= boundary ? [] : await CompactAsync(shard.Key, newestHour, boundary, hours, ct);
            // Hours before the newest hourly row already have rows: merged. Then the compacted hours, oldest first, one at a
            // time; then the hours only this append's older samples fill, newer than every 5-minute row, in batches.
            var stored = hours.Where(p => p.Key <= newestHour).ToList();
            if (stored.Count > 0) await WriteHoursAsync(shard.Key, stored, ct);
            foreach (var hour in compacted) await PutHourAsync(shard.Key, hour, hours[hour], ct);
            var rest = hours.Where(p => p.Key > (newestHour ?? long.MinValue) && !compacted.Contains(p.Key)).ToList();
            if (rest.Count > 0) await WriteHoursAsync(shard.Key, rest, ct);
            if (fine.Count == 1) await PutMergedAsync(shard.Key, fine.Keys.First(), fine.Values.First(), ct);
            else if (fine.Count > 1) await WriteRowsAsync(shard.Key, fine, ct);
        }
    }

    private static TValue Entries<TValue>(SortedDictionary<long, TValue> rows, long ts) where TValue : new()
    {
        if (!rows.TryGetValue(ts, out var entries)) rows[ts] = entries = new();
        return entries;
    }

    private static void Peak(Dictionary<string, double> peaks, string id, double value) =>
        peaks[id] = peaks.TryGetValue(id, out var peak) ? Math.Max(peak, value) : value;

    /// <summary>The newest hourly row's hour (epoch hours), null when the shard has none: one item, eventually consistent.</summary>
    /// <remarks>
    /// A stale answer (a row put a second ago missed) only makes this append compact that hour again, to the same row.
    /// </remarks>
    private async Task<long?> NewestHourAsync(string shard, CancellationToken ct)
    {
        var reply = await dynamo.QueryAsync(new QueryRequest
        {
            TableName = table,
            KeyConditionExpression = "#q = :shard AND #t < :limit",
            ProjectionExpression = "#t",
            ExpressionAttributeNames = new() { ["#q"] = "quota", ["#t"] = "ts" },
            ExpressionAttributeValues = new() { [":shard"] = DynamoItems.S(shard), [":limit"] = DynamoItems.N(HourlyKeyLimit) },
            ScanIndexForward = false,
            Limit = 1,
        }, ct);
        return reply.Items is [var newest, ..] ? (long)DynamoItems.Num(newest, "ts") : null;
    }

    /// <summary>
    /// The 5-minute rows from the newest hourly row's end (or, with none, as far back as rows live) to
    /// <paramref name="boundary"/>, one consistent Query, folded into <paramref name="hours"/> by maximum; returns the hours
    /// they fill, oldest first. A row with no <c>v</c>, or an entry that does not decode, is left out of its hour.
    /// </summary>
    private async Task<IReadOnlyList<long>> CompactAsync(string shard, long? newestHour, long boundary,
        SortedDictionary<long, Dictionary<string, double>> hours, CancellationToken ct)
    {
        var from = Math.Max(HourlyKeyLimit, newestHour is { } h ? (h + 1) * HourSeconds : boundary - (long)retention.TotalSeconds);
        var filled = new SortedSet<long>();
        foreach (var item in await QueryAsync(shard, from, boundary - 1, consistent: true, ct))
        {
            if (DynamoItems.Str(item, "v") is not { } v) continue;
            var hour = (long)DynamoItems.Num(item, "ts") / HourSeconds;
            var peaks = Entries(hours, hour);
            foreach (var (id, value) in ShardRow.DecodeAll(v)) Peak(peaks, id, value);
            filled.Add(hour);
        }
        return [.. filled];
    }

    /// <summary>One hourly row: put if absent, else read, merge by maximum and put if unchanged, until it holds.</summary>
    private Task PutHourAsync(string shard, long hour, Dictionary<string, double> peaks, CancellationToken ct) =>
        PutConditionallyAsync(shard, hour, stored => HourRow(shard, hour, ShardRow.MergeMax(stored, peaks)), peaks.Count, ct);

    /// <summary>One 5-minute row: put if absent, else read, merge (the new values win) and put if unchanged, until it holds.</summary>
    private Task PutMergedAsync(string shard, long ts, Dictionary<string, string> entries, CancellationToken ct) =>
        PutConditionallyAsync(shard, ts, stored => FineRow(shard, ts, ShardRow.Merge(stored, entries)), entries.Count, ct);

    private async Task PutConditionallyAsync(string shard, long ts, Func<string, Dictionary<string, AttributeValue>> row, int quotas, CancellationToken ct)
    {
        string? stored = null; // what the row holds, as far as this writer knows: null, no row
        for (var attempt = 1; attempt <= DynamoBatches.Attempts; attempt++)
        {
            try
            {
                var item = row(stored ?? "");
                await Pacer(shard).BeforeWriteAsync([item], ct);
                await dynamo.PutItemAsync(new PutItemRequest
                {
                    TableName = table,
                    Item = item,
                    ConditionExpression = stored is null ? "attribute_not_exists(#q)" : "#v = :stored",
                    ExpressionAttributeNames = stored is null ? new() { ["#q"] = "quota" } : new() { ["#v"] = "v" },
                    ExpressionAttributeValues = stored is null ? null : new() { [":stored"] = DynamoItems.S(stored) },
                }, ct);
                return;
            }
            catch (ConditionalCheckFailedException)
            {
                var current = (await dynamo.GetItemAsync(new GetItemRequest { TableName = table, Key = Key(shard, ts), ConsistentRead = true }, ct)).Item;
                stored = current is { Count: > 0 } ? StoredText(shard, ts, current) : null;
            }
        }
        throw new InvalidOperationException($"Usage row {shard} at ts {ts}: another writer changed it on each of {DynamoBatches.Attempts} attempts to add {quotas} quotas' values.");
    }

    /// <summary>Several 5-minute rows: the stored ones in their span read in one consistent Query and merged, then all put 25 a call.</summary>
    private async Task WriteRowsAsync(string shard, SortedDictionary<long, Dictionary<string, string>> rows, CancellationToken ct)
    {
        var stored = await StoredAsync(shard, rows.Keys.First(), rows.Keys.Last(), ct);
        await DynamoBatches.WriteAsync(dynamo, table,
            [.. rows.Select(r => FineRow(shard, r.Key, ShardRow.Merge(stored.GetValueOrDefault(r.Key) ?? "", r.Value)))], ct, Pacer(shard).BeforeWriteAsync);
    }

    /// <summary>Several hourly rows: the stored ones in their span read in one consistent Query and merged by maximum, then all put 25 a call.</summary>
    private async Task WriteHoursAsync(string shard, List<KeyValuePair<long, Dictionary<string, double>>> hours, CancellationToken ct)
    {
        var stored = await StoredAsync(shard, hours[0].Key, hours[^1].Key, ct);
        await DynamoBatches.WriteAsync(dynamo, table,
            [.. hours.Select(h => HourRow(shard, h.Key, ShardRow.MergeMax(stored.GetValueOrDefault(h.Key) ?? "", h.Value)))], ct, Pacer(shard).BeforeWriteAsync);
    }

    private async Task<Dictionary<long, string>> StoredAsync(string shard, long from, long until, CancellationToken ct) =>
        (await QueryAsync(shard, from, until, consistent: true, ct))
            .ToDictionary(i => (long)DynamoItems.Num(i, "ts"), i => StoredText(shard, (long)DynamoItems.Num(i, "ts"), i));

    public async Task<IReadOnlyList<UsageSample>> ReadAsync(QuotaKey key, DateTimeOffset from, DateTimeOffset until, CancellationToken ct) =>
        (await ReadManyAsync([key], from, until, ct))[key];

    /// <summary>
    /// Two Queries per shard the keys name (usually one): its hourly rows in the window, then its 5-minute rows from the
    /// newest hourly row's end; rows decoded only for the asked quotas. A row that cannot give an asked quota its value
    /// fails the read, naming the shard, time, field and quota; the engine then reads each quota alone, so only the
    /// quotas the row cannot decode fail.
    /// </summary>
    public async Task<IReadOnlyDictionary<QuotaKey, IReadOnlyList<UsageSample>>> ReadManyAsync(
        IReadOnlyList<QuotaKey> keys, DateTimeOffset from, DateTimeOffset until, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var distinct = keys.Distinct().ToList();
        foreach (var key in distinct) ShardRow.Validate(key);
        var windows = distinct.ToDictionary(k => k, _ => new List<UsageSample>());
        var failures = new List<string>();
        var (fromSeconds, untilSeconds) = (DynamoItems.Seconds(from), DynamoItems.Seconds(until));
        // One shard at a time: a fleet already runs many shards against the hub's table at once.
        foreach (var shard in distinct.GroupBy(ShardRow.ShardId, StringComparer.Ordinal))
        {
            var byId = shard.ToDictionary(ShardRow.EntryId, StringComparer.Ordinal);
            var wanted = byId.Keys.ToHashSet(StringComparer.Ordinal);
            // from is exclusive: an hour stamped at or before it is outside the window, as a sample would be. A window within
            // the last day (a warm container's tail) has no hourly rows: one Query.
            var hourly = fromSeconds >= DynamoItems.Seconds(UsageResolution.FineFrom(until)) ? [] : await QueryAsync(shard.Key, FloorDiv(fromSeconds, HourSeconds) + 1, Math.Min(FloorDiv(untilSeconds, HourSeconds), HourlyKeyLimit - 1), consistent: false, ct);
            var fineFrom = Math.Max(Math.Max(fromSeconds + 1, HourlyKeyLimit), hourly is [.., var newest] ? ((long)DynamoItems.Num(newest, "ts") + 1) * HourSeconds : long.MinValue);
            var rows = hourly.Select(i => (Item: i, At: (long)DynamoItems.Num(i, "ts") * HourSeconds))
                .Concat((await QueryAsync(shard.Key, fineFrom, untilSeconds, consistent: false, ct)).Select(i => (Item: i, At: (long)DynamoItems.Num(i, "ts"))));
            foreach (var (item, at) in rows)
            {
                var ts = (long)DynamoItems.Num(item, "ts");
                var rowFailures = new Dictionary<string, string>(StringComparer.Ordinal);
                if (DynamoItems.Str(item, "v") is not { } v)
                {
                    failures.Add($"Usage row {shard.Key} at ts {ts}: field 'v' is missing or not a string.");
                    continue;
                }
                foreach (var (id, value) in ShardRow.Decode(v, wanted, rowFailures))
                    windows[byId[id]].Add(new UsageSample(DateTimeOffset.FromUnixTimeSeconds(at), value));
                failures.AddRange(rowFailures.Values.Select(why => $"Usage row {shard.Key} at ts {ts}, field 'v': {why}."));
            }
        }
        if (failures.Count > 0)
            throw new InvalidDataException(failures[0] + (failures.Count > 1 ? $" ({failures.Count - 1} more like it)" : ""));
        return windows.ToDictionary(w => w.Key, w => (IReadOnlyList<UsageSample>)w.Value);
    }

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    private async Task<List<Dictionary<string, AttributeValue>>> QueryAsync(string shard, long fromKey, long untilKey, bool consistent, CancellationToken ct) =>
        fromKey > untilKey ? [] : await DynamoItems.QueryAllAsync(dynamo, new QueryRequest
        {
            ReturnConsumedCapacity = Pacer(shard).IsPaced ? ReturnConsumedCapacity.TOTAL : null,
            TableName = table,
            KeyConditionExpression = "#q = :shard AND #t BETWEEN :from AND :until",
            ProjectionExpression = "#t, #v",
            ExpressionAttributeNames = Names,
            ExpressionAttributeValues = new()
            {
                [":shard"] = DynamoItems.S(shard),
                [":from"] = DynamoItems.N(fromKey),
                [":until"] = DynamoItems.N(untilKey),
            },
            ConsistentRead = consistent,
        }, ct, Pacer(shard));

    private UsageTablePacing.ShardTablePacer Pacer(string shard) => pacing?.For(shard) ?? UsageTablePacing.ShardTablePacer.Unpaced;

    private static string StoredText(string shard, long ts, Dictionary<string, AttributeValue> item) =>
        DynamoItems.Str(item, "v") ?? throw new InvalidDataException(
            $"Usage row {shard} at ts {ts}: field 'v' is missing or not a string; a row that cannot be merged is not overwritten: fix or delete it.");

    private static Dictionary<string, AttributeValue> Key(string shard, long ts) => new() { ["quota"] = DynamoItems.S(shard), ["ts"] = DynamoItems.N(ts) };

    private static Dictionary<string, AttributeValue> FineRow(string shard, long ts, string v) => Row(shard, ts, v, ts + (long)FineRetention.TotalSeconds);

    private Dictionary<string, AttributeValue> HourRow(string shard, long hour, string v) => Row(shard, hour, v, hour * HourSeconds + (long)retention.TotalSeconds);

    /// <summary>The row's item, refused before any write when DynamoDB would refuse it.</summary>
    private static Dictionary<string, AttributeValue> Row(string shard, long ts, string v, long ttl)
    {
        var item = Key(shard, ts);
        item["v"] = DynamoItems.S(v);
        item["ttl"] = DynamoItems.N(ttl);
        var bytes = DynamoItemSize.Of(item);
        if (bytes > DynamoItemSize.MaxItemBytes)
            throw new InvalidOperationException($"Usage row {shard} at ts {ts}: {v.Count(c => c == ';') + 1} quotas make an item of {bytes} bytes, over DynamoDB's {DynamoItemSize.MaxItemBytes}-byte item limit; govern fewer quotas in this account and Region.");
        return item;
    }
}
