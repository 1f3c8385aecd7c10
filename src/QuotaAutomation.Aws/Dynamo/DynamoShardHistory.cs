using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Dynamo;

/// <summary>
/// A fleet shard's usage history: in the usage table (same keys as <see cref="DynamoUsageHistory"/>), one item per shard
/// and time: <c>quota</c> = <c>shard#{account}#{region}</c>, <c>ts</c> = epoch seconds, <c>v</c> = every quota's value at
/// that time (<see cref="ShardRow"/>), <c>ttl</c> = <c>ts</c> + the retention.
/// </summary>
/// <remarks>
/// Why (issue 14, docs/fleet-usage-rows.md): a shard of 50 quotas on a cold container read its 14-day window by one Query per
/// quota and wrote a sample and a head per quota per run. Here the window is one Query of the shard's partition (1 MB a
/// page, about 5 pages at 5-minute rows) and a run writes one item of about 1 KB.
/// <para>
/// Writes: a run's samples grouped into rows by (shard, time). One row, a run's usual case, is a conditional PutItem
/// (<c>attribute_not_exists</c>): one call, no read. When a row is there already (a second append at that time: a
/// quota joining the shard backfills at times its shard-mates have rows), it is read, merged (the new values win for
/// their quotas; other entries are kept as stored) and put again on condition that it is unchanged, until it holds.
/// Several rows (a backfill, an hour of 5-minute samples) are one consistent Query of their span, merged, then
/// BatchWriteItem 25 a call (<see cref="DynamoBatches"/>); BatchWriteItem cannot be conditional, so a writer that adds
/// a row in that span between the Query and the batch loses it (only one run of a shard writes at a time in a fleet).
/// </para>
/// <para>
/// Reads are eventually consistent (half the read units): a shard's rows were written by its earlier runs, minutes to an
/// hour before, and DynamoDB's replicas converge within about a second; a newest row missed now is the newest sample,
/// which the engine then asks the usage source for again and the merge keeps as one row.
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
    private static readonly Dictionary<string, string> Names = new() { ["#q"] = "quota", ["#t"] = "ts", ["#v"] = "v" };

    public Task AppendAsync(QuotaKey key, IReadOnlyList<UsageSample> samples, CancellationToken ct) =>
        AppendManyAsync(new Dictionary<QuotaKey, IReadOnlyList<UsageSample>> { [key] = samples }, ct);

    public async Task AppendManyAsync(IReadOnlyDictionary<QuotaKey, IReadOnlyList<UsageSample>> samples, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(samples);
        foreach (var key in samples.Keys) ShardRow.Validate(key);
        foreach (var shard in samples.Where(p => p.Value.Count > 0).GroupBy(p => ShardRow.ShardId(p.Key), StringComparer.Ordinal))
        {
            var rows = new SortedDictionary<long, Dictionary<string, string>>();
            foreach (var (key, added) in shard)
                foreach (var sample in added)
                {
                    var ts = DynamoItems.Seconds(sample.Timestamp);
                    if (!rows.TryGetValue(ts, out var entries)) rows[ts] = entries = new(StringComparer.Ordinal);
                    entries[ShardRow.EntryId(key)] = ShardRow.Value(sample.Value);
                }
            if (rows.Count == 1) await PutMergedAsync(shard.Key, rows.Keys.First(), rows.Values.First(), ct);
            else await WriteRowsAsync(shard.Key, rows, ct);
        }
    }

    /// <summary>One row: put if absent, else read, merge and put if unchanged, until it holds.</summary>
    private async Task PutMergedAsync(string shard, long ts, Dictionary<string, string> entries, CancellationToken ct)
    {
        string? stored = null; // what the row holds, as far as this writer knows: null, no row
        for (var attempt = 1; attempt <= DynamoBatches.Attempts; attempt++)
        {
            try
            {
                var row = Row(shard, ts, ShardRow.Merge(stored ?? "", entries));
                await Pacer(shard).BeforeWriteAsync([row], ct);
                await dynamo.PutItemAsync(new PutItemRequest
                {
                    TableName = table,
                    Item = row,
                    ConditionExpression = stored is null ? "attribute_not_exists(#q)" : "#v = :stored",
                    ExpressionAttributeNames = stored is null ? new() { ["#q"] = "quota" } : new() { ["#v"] = "v" },
                    ExpressionAttributeValues = stored is null ? null : new() { [":stored"] = DynamoItems.S(stored) },
                }, ct);
                return;
            }
            catch (ConditionalCheckFailedException)
            {
                var item = (await dynamo.GetItemAsync(new GetItemRequest { TableName = table, Key = Key(shard, ts), ConsistentRead = true }, ct)).Item;
                stored = item is { Count: > 0 } ? StoredText(shard, ts, item) : null;
            }
        }
        throw new InvalidOperationException($"Usage row {shard} at ts {ts}: another writer changed it on each of {DynamoBatches.Attempts} attempts to add {entries.Count} quotas' values.");
    }

    /// <summary>Several rows: the stored ones in their span read in one consistent Query and merged, then all put 25 a call.</summary>
    private async Task WriteRowsAsync(string shard, SortedDictionary<long, Dictionary<string, string>> rows, CancellationToken ct)
    {
        var stored = (await QueryAsync(shard, rows.Keys.First(), rows.Keys.Last(), consistent: true, ct))
            .ToDictionary(i => (long)DynamoItems.Num(i, "ts"), i => StoredText(shard, (long)DynamoItems.Num(i, "ts"), i));
        var items = rows.Select(r => Row(shard, r.Key, ShardRow.Merge(stored.GetValueOrDefault(r.Key) ?? "", r.Value))).ToList();
        await DynamoBatches.WriteAsync(dynamo, table, items, ct, Pacer(shard).BeforeWriteAsync);
    }

    public async Task<IReadOnlyList<UsageSample>> ReadAsync(QuotaKey key, DateTimeOffset from, DateTimeOffset until, CancellationToken ct) =>
        (await ReadManyAsync([key], from, until, ct))[key];

    /// <summary>
    /// One Query per shard the keys name (usually one), its rows decoded only for the asked quotas. A row that cannot
    /// give an asked quota its value fails the read, naming the shard, time, field and quota; the engine then reads each
    /// quota alone, so only the quotas the row cannot decode fail.
    /// </summary>
    public async Task<IReadOnlyDictionary<QuotaKey, IReadOnlyList<UsageSample>>> ReadManyAsync(
        IReadOnlyList<QuotaKey> keys, DateTimeOffset from, DateTimeOffset until, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var distinct = keys.Distinct().ToList();
        foreach (var key in distinct) ShardRow.Validate(key);
        var windows = distinct.ToDictionary(k => k, _ => new List<UsageSample>());
        var failures = new List<string>();
        // One shard at a time: a fleet already runs many shards against the hub's table at once.
        foreach (var shard in distinct.GroupBy(ShardRow.ShardId, StringComparer.Ordinal))
        {
            var byId = shard.ToDictionary(ShardRow.EntryId, StringComparer.Ordinal);
            var wanted = byId.Keys.ToHashSet(StringComparer.Ordinal);
            // from is exclusive
            foreach (var item in await QueryAsync(shard.Key, DynamoItems.Seconds(from) + 1, DynamoItems.Seconds(until), consistent: false, ct))
            {
                var ts = (long)DynamoItems.Num(item, "ts");
                var rowFailures = new Dictionary<string, string>(StringComparer.Ordinal);
                if (DynamoItems.Str(item, "v") is not { } v)
                {
                    failures.Add($"Usage row {shard.Key} at ts {ts}: field 'v' is missing or not a string.");
                    continue;
                }
                foreach (var (id, value) in ShardRow.Decode(v, wanted, rowFailures))
                    windows[byId[id]].Add(new UsageSample(DateTimeOffset.FromUnixTimeSeconds(ts), value));
                failures.AddRange(rowFailures.Values.Select(why => $"Usage row {shard.Key} at ts {ts}, field 'v': {why}."));
            }
        }
        if (failures.Count > 0)
            throw new InvalidDataException(failures[0] + (failures.Count > 1 ? $" ({failures.Count - 1} more like it)" : ""));
        return windows.ToDictionary(w => w.Key, w => (IReadOnlyList<UsageSample>)w.Value);
    }

    private Task<List<Dictionary<string, AttributeValue>>> QueryAsync(string shard, long fromSeconds, long untilSeconds, bool consistent, CancellationToken ct) =>
        DynamoItems.QueryAllAsync(dynamo, new QueryRequest
        {
            ReturnConsumedCapacity = Pacer(shard).IsPaced ? ReturnConsumedCapacity.TOTAL : null,
            TableName = table,
            KeyConditionExpression = "#q = :shard AND #t BETWEEN :from AND :until",
            ProjectionExpression = "#t, #v",
            ExpressionAttributeNames = Names,
            ExpressionAttributeValues = new()
            {
                [":shard"] = DynamoItems.S(shard),
                [":from"] = DynamoItems.N(fromSeconds),
                [":until"] = DynamoItems.N(untilSeconds),
            },
            ConsistentRead = consistent,
        }, ct, Pacer(shard));

    private UsageTablePacing.ShardTablePacer Pacer(string shard) => pacing?.For(shard) ?? UsageTablePacing.ShardTablePacer.Unpaced;

    private static string StoredText(string shard, long ts, Dictionary<string, AttributeValue> item) =>
        DynamoItems.Str(item, "v") ?? throw new InvalidDataException(
            $"Usage row {shard} at ts {ts}: field 'v' is missing or not a string; a row that cannot be merged is not overwritten: fix or delete it.");

    private static Dictionary<string, AttributeValue> Key(string shard, long ts) => new() { ["quota"] = DynamoItems.S(shard), ["ts"] = DynamoItems.N(ts) };

    /// <summary>The row's item, refused before any write when DynamoDB would refuse it.</summary>
    private Dictionary<string, AttributeValue> Row(string shard, long ts, string v)
    {
        var item = Key(shard, ts);
        item["v"] = DynamoItems.S(v);
        item["ttl"] = DynamoItems.N(ts + (long)retention.TotalSeconds);
        var bytes = DynamoItemSize.Of(item);
        if (bytes > DynamoItemSize.MaxItemBytes)
            throw new InvalidOperationException($"Usage row {shard} at ts {ts}: {v.Count(c => c == ';') + 1} quotas make an item of {bytes} bytes, over DynamoDB's {DynamoItemSize.MaxItemBytes}-byte item limit; govern fewer quotas in this account and Region.");
        return item;
    }
}
