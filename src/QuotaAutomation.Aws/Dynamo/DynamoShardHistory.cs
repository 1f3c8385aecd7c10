using System.Collections.Concurrent;
using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Dynamo;

/// <summary>
/// A fleet shard's usage history: in the usage table (same keys as <see cref="DynamoUsageHistory"/>), one item per shard
/// and time: <c>quota</c> = <c>shard#{account}#{region}</c>, <c>ts</c>, <c>k</c> = its quota list's id, <c>v</c> = every
/// quota's value at that time in the list's order (<see cref="ShardRow"/>), <c>ttl</c>; the lists once per shard under
/// <c>keys#{account}#{region}</c> (<see cref="ShardKeyList"/>, docs/fleet-rows.md). At two resolutions (<see cref="UsageResolution"/>, docs/fleet-window.md): a
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
/// <para>
/// Compact rows (docs/fleet-rows.md): a row names its quotas once, by its list's id, instead of in every entry (about
/// 270 bytes a 50-quota row instead of 1,300). A read fetches the lists its rows name that this instance has not seen (one
/// Query; lists never change, so they are kept for the container's life); a write uses the shard's newest list while it
/// covers the row, else stores the new list before the first row that names it. Old rows (<c>v</c> with names, no
/// <c>k</c>) still read; every row written is compact, and compaction rewrites old rows' values into compact hourly rows.
/// Whatever a rewrite cannot decode is carried in the new row's <c>x</c> (quota → why), so the quota it concerns keeps
/// failing its reads, with the reason, instead of being silently dropped.
/// </para>
/// <para>
/// About 500 lines: the read, the append's phases (compaction, hourly and 5-minute writes) and the conditional put share
/// one row model (<c>RowDraft</c>, <c>Decode</c>, <c>Merge</c>). The key lists' cache, load and put are the part that could
/// stand alone (a <c>ShardKeyLists</c> beside <see cref="ShardKeyList"/>): the next split if this file grows.
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

    private static readonly Dictionary<string, string> Names = new() { ["#q"] = "quota", ["#t"] = "ts", ["#v"] = "v", ["#k"] = "k", ["#x"] = "x" };

    /// <summary>Key lists this instance has read or stored, by (shard, id): immutable, so kept for the container's life.</summary>
    private readonly ConcurrentDictionary<(string Shard, long Id), ShardKeyList> _lists = new();

    /// <summary>Each shard's list of the newest row this instance read or wrote: the one its next rows use while it covers them.</summary>
    private readonly ConcurrentDictionary<string, ShardKeyList> _newest = new(StringComparer.Ordinal);

    public Task AppendAsync(QuotaKey key, IReadOnlyList<UsageSample> samples, CancellationToken ct) =>
        AppendManyAsync(new Dictionary<QuotaKey, IReadOnlyList<UsageSample>> { [key] = samples }, ct);

    public async Task AppendManyAsync(IReadOnlyDictionary<QuotaKey, IReadOnlyList<UsageSample>> samples, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(samples);
        foreach (var key in samples.Keys) ShardRow.Validate(key);
        var all = samples.Where(p => p.Value.Count > 0).ToList();
        if (all.Count == 0) return;
        var fineFrom = DynamoItems.Seconds(UsageResolution.FineFrom(all.SelectMany(p => p.Value).Max(s => s.Timestamp)));
        var lists = all.GroupBy(p => ShardRow.ShardId(p.Key), StringComparer.Ordinal).ToDictionary(shard => shard.Key, shard => Preferred(shard.Key, shard.Select(p => ShardRow.EntryId(p.Key))), StringComparer.Ordinal);
        foreach (var shard in all.GroupBy(p => ShardRow.ShardId(p.Key), StringComparer.Ordinal))
        {
            // A row (or list) DynamoDB would refuse is refused before any call.
            _ = ListItem(shard.Key, lists[shard.Key]);
            foreach (var row in shard.SelectMany(p => p.Value.Select(s => (p.Key, s))).GroupBy(x => DynamoItems.Seconds(x.s.Timestamp)))
                _ = FineRow(shard.Key, row.Key, lists[shard.Key], new RowDraft(row.ToDictionary(x => ShardRow.EntryId(x.Key), x => x.s.Value, StringComparer.Ordinal)));
        }
        foreach (var shard in all.GroupBy(p => ShardRow.ShardId(p.Key), StringComparer.Ordinal))
        {
            var preferred = lists[shard.Key];
            var newestHour = await NewestHourAsync(shard.Key, ct);
            var boundary = Math.Max(fineFrom, (newestHour + 1) * HourSeconds ?? long.MinValue);
            var fine = new SortedDictionary<long, RowDraft>();
            var hours = new SortedDictionary<long, RowDraft>();
            foreach (var (key, added) in shard)
                foreach (var sample in added)
                {
                    var ts = DynamoItems.Seconds(sample.Timestamp);
                    if (ts < HourlyKeyLimit)
                        throw new ArgumentException($"Quota '{key}': a sample at {sample.Timestamp:O} is older than a shard usage row can hold (2001-09-09).", nameof(samples));
                    if (ts >= boundary) Draft(fine, ts).Values[ShardRow.EntryId(key)] = sample.Value;
                    else Draft(hours, ts / HourSeconds).Peak(ShardRow.EntryId(key), sample.Value);
                }
            IReadOnlyList<long> compacted = newestHour is { } h && (h + 1) * HourSeconds >= boundary ? [] : await CompactAsync(shard.Key, newestHour, boundary, hours, ct);
            // Hours before the newest hourly row already have rows: merged. Then the compacted hours, oldest first, one at a
            // time; then the hours only this append's older samples fill, newer than every 5-minute row, in batches.
            var stored = hours.Where(p => p.Key <= newestHour).ToList();
            if (stored.Count > 0) await WriteRowsAsync(shard.Key, stored, preferred, hourly: true, ct);
            foreach (var hour in compacted) await PutConditionallyAsync(shard.Key, hour, preferred, hours[hour], hourly: true, ct);
            var rest = hours.Where(p => p.Key > (newestHour ?? long.MinValue) && !compacted.Contains(p.Key)).ToList();
            if (rest.Count > 0) await WriteRowsAsync(shard.Key, rest, preferred, hourly: true, ct);
            if (fine.Count == 1) await PutConditionallyAsync(shard.Key, fine.Keys.First(), preferred, fine.Values.First(), hourly: false, ct);
            else if (fine.Count > 1) await WriteRowsAsync(shard.Key, [.. fine], preferred, hourly: false, ct);
            if (fine.Count > 0) _newest[shard.Key] = preferred;
        }
    }

    /// <summary>
    /// The list an append's rows use: the shard's newest list while it names every quota appended (a run that lacks a quota
    /// keeps the list: its position stays empty), else that list with the new quotas added (a rule added); with no list
    /// known (a container's first append before any read), the appended quotas'. A quota that left the shard keeps its
    /// position, an empty byte a row, until a list is started afresh.
    /// </summary>
    private ShardKeyList Preferred(string shard, IEnumerable<string> ids)
    {
        var wanted = ids.ToList();
        if (!_newest.TryGetValue(shard, out var newest)) return ShardKeyList.Of(wanted);
        return newest.Covers(wanted) ? newest : ShardKeyList.Of(newest.Ids.Concat(wanted));
    }

    /// <summary>A row's list: <paramref name="preferred"/> when it names every quota the row has a value for, else one that adds them.</summary>
    private static ShardKeyList ListFor(ShardKeyList preferred, RowDraft row) =>
        preferred.Covers(row.Values.Keys) ? preferred : ShardKeyList.Of(preferred.Ids.Concat(row.Values.Keys));

    private static RowDraft Draft(SortedDictionary<long, RowDraft> rows, long ts)
    {
        if (!rows.TryGetValue(ts, out var draft)) rows[ts] = draft = new RowDraft([]);
        return draft;
    }

    /// <summary>The newest hourly row's hour (epoch hours), null when the shard has none: one item, eventually consistent, paced as the shard's other reads.</summary>
    /// <remarks>
    /// A stale answer (a row put a second ago missed) only makes this append compact that hour again, to the same row.
    /// </remarks>
    private async Task<long?> NewestHourAsync(string shard, CancellationToken ct)
    {
        var pacer = Pacer(shard);
        await pacer.BeforeReadAsync(ct);
        var reply = await dynamo.QueryAsync(new QueryRequest
        {
            ReturnConsumedCapacity = pacer.IsPaced ? ReturnConsumedCapacity.TOTAL : null,
            TableName = table,
            KeyConditionExpression = "#q = :shard AND #t < :limit",
            ProjectionExpression = "#t",
            ExpressionAttributeNames = new() { ["#q"] = "quota", ["#t"] = "ts" },
            ExpressionAttributeValues = new() { [":shard"] = DynamoItems.S(shard), [":limit"] = DynamoItems.N(HourlyKeyLimit) },
            ScanIndexForward = false,
            Limit = 1,
        }, ct);
        pacer.AfterRead(reply, consistent: false);
        return reply.Items is [var newest, ..] ? (long)DynamoItems.Num(newest, "ts") : null;
    }

    /// <summary>
    /// The 5-minute rows from the newest hourly row's end (or, with none, as far back as rows live) to
    /// <paramref name="boundary"/>, one consistent Query, folded into <paramref name="hours"/> by maximum; returns the hours
    /// they fill, oldest first. What a row cannot give (no <c>v</c>, a list not stored, an entry that does not decode) is
    /// carried into its hour's <c>x</c>, naming the row, so the quota's reads report it rather than lose it.
    /// </summary>
    private async Task<IReadOnlyList<long>> CompactAsync(string shard, long? newestHour, long boundary,
        SortedDictionary<long, RowDraft> hours, CancellationToken ct)
    {
        var from = Math.Max(HourlyKeyLimit, newestHour is { } h ? (h + 1) * HourSeconds : boundary - (long)retention.TotalSeconds);
        var items = await QueryAsync(shard, from, boundary - 1, consistent: true, ct);
        await LoadListsAsync(shard, items, ct);
        var filled = new SortedSet<long>();
        foreach (var item in items)
        {
            var ts = (long)DynamoItems.Num(item, "ts");
            var hour = ts / HourSeconds;
            var row = Decode(shard, item);
            var draft = Draft(hours, hour);
            foreach (var (id, value) in row.Values) draft.Peak(id, value);
            foreach (var (id, why) in row.Carried) draft.Carried.TryAdd(id, $"from the 5-minute row at ts {ts}, {why}");
            filled.Add(hour);
        }
        return [.. filled];
    }

    /// <summary>
    /// One row: put if absent, else read, merged with what it holds (a 5-minute row: the new values win; an hourly row: the
    /// higher value of each quota) and put on condition that it is unchanged, until it holds.
    /// </summary>
    private async Task PutConditionallyAsync(string shard, long ts, ShardKeyList preferred, RowDraft ours, bool hourly, CancellationToken ct)
    {
        Dictionary<string, AttributeValue>? stored = null; // the row as this writer last read it: null, no row
        for (var attempt = 1; attempt <= DynamoBatches.Attempts; attempt++)
        {
            try
            {
                var merged = stored is null ? ours : Merge(Stored(shard, ts, stored), ours, hourly);
                var list = ListFor(preferred, merged);
                await EnsureListAsync(shard, list, ct);
                var item = hourly ? HourRow(shard, ts, list, merged) : FineRow(shard, ts, list, merged);
                await Pacer(shard).BeforeWriteAsync([item], ct);
                var (condition, names, values) = Unchanged(stored);
                await dynamo.PutItemAsync(new PutItemRequest
                {
                    TableName = table,
                    Item = item,
                    ConditionExpression = condition,
                    ExpressionAttributeNames = names,
                    ExpressionAttributeValues = values,
                }, ct);
                return;
            }
            catch (ConditionalCheckFailedException)
            {
                var current = (await dynamo.GetItemAsync(new GetItemRequest { TableName = table, Key = Key(shard, ts), ConsistentRead = true }, ct)).Item;
                stored = current is { Count: > 0 } ? current : null;
                if (stored is not null) await LoadListsAsync(shard, [stored], ct);
            }
        }
        throw new InvalidOperationException($"Usage row {shard} at ts {ts}: another writer changed it on each of {DynamoBatches.Attempts} attempts to add {ours.Values.Count} quotas' values.");
    }

    /// <summary>The condition that the row is as read: absent, or with the same <c>v</c> and <c>k</c> (none for an old row).</summary>
    private static (string, Dictionary<string, string>, Dictionary<string, AttributeValue>?) Unchanged(Dictionary<string, AttributeValue>? stored) =>
        stored is null ? ("attribute_not_exists(#q)", new() { ["#q"] = "quota" }, null)
        : stored.TryGetValue("k", out var k) ? ("#v = :v AND #k = :k", new() { ["#v"] = "v", ["#k"] = "k" }, new() { [":v"] = stored["v"], [":k"] = k })
        : ("#v = :v AND attribute_not_exists(#k)", new() { ["#v"] = "v", ["#k"] = "k" }, new() { [":v"] = stored["v"] });

    /// <summary>
    /// Several rows: the stored ones in their span read in one consistent Query and merged (5-minute rows: the new values
    /// win; hourly rows: by maximum), then all put 25 a call.
    /// </summary>
    private async Task WriteRowsAsync(string shard, List<KeyValuePair<long, RowDraft>> rows, ShardKeyList preferred, bool hourly, CancellationToken ct)
    {
        var items = await QueryAsync(shard, rows[0].Key, rows[^1].Key, consistent: true, ct);
        await LoadListsAsync(shard, items, ct);
        var stored = items.ToDictionary(i => (long)DynamoItems.Num(i, "ts"));
        var merged = rows.Select(r => (Ts: r.Key, Row: stored.TryGetValue(r.Key, out var item) ? Merge(Stored(shard, r.Key, item), r.Value, hourly) : r.Value)).ToList();
        var puts = new List<Dictionary<string, AttributeValue>>();
        foreach (var (ts, row) in merged)
        {
            var list = ListFor(preferred, row);
            await EnsureListAsync(shard, list, ct);
            puts.Add(hourly ? HourRow(shard, ts, list, row) : FineRow(shard, ts, list, row));
        }
        await DynamoBatches.WriteAsync(dynamo, table, puts, ct, Pacer(shard).BeforeWriteAsync);
    }

    /// <summary>
    /// A stored row and ours as one: a 5-minute row takes our values over the stored ones, and keeps what the stored row
    /// carried for the other quotas; an hourly row keeps each quota's higher value and everything either carried.
    /// </summary>
    private static RowDraft Merge(RowDraft stored, RowDraft ours, bool hourly)
    {
        var merged = new RowDraft(new Dictionary<string, double>(stored.Values, StringComparer.Ordinal));
        foreach (var (id, value) in ours.Values)
            if (hourly) merged.Peak(id, value);
            else merged.Values[id] = value;
        foreach (var (id, why) in stored.Carried.Concat(ours.Carried))
            if (hourly || !ours.Values.ContainsKey(id)) merged.Carried.TryAdd(id, why);
        return merged;
    }

    public async Task<IReadOnlyList<UsageSample>> ReadAsync(QuotaKey key, DateTimeOffset from, DateTimeOffset until, CancellationToken ct) =>
        (await ReadManyAsync([key], from, until, ct))[key];

    /// <summary>
    /// Two Queries per shard the keys name (usually one): its hourly rows in the window, then its 5-minute rows from the
    /// newest hourly row's end, plus one Query for the lists they name that this instance has not seen; rows decoded only
    /// for the asked quotas. A row that cannot give an asked quota its value fails the read, naming the shard, time, field
    /// and quota; the engine then reads each quota alone, so only the quotas the row cannot decode fail.
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
            var fine = await QueryAsync(shard.Key, fineFrom, untilSeconds, consistent: false, ct);
            await LoadListsAsync(shard.Key, [.. hourly, .. fine], ct);
            var rows = hourly.Select(i => (Item: i, At: (long)DynamoItems.Num(i, "ts") * HourSeconds))
                .Concat(fine.Select(i => (Item: i, At: (long)DynamoItems.Num(i, "ts"))));
            foreach (var (item, at) in rows)
            {
                var ts = (long)DynamoItems.Num(item, "ts");
                if (StoredProblem(shard.Key, ts, item) is { } problem)
                {
                    failures.Add(problem);
                    continue;
                }
                var row = Decode(shard.Key, item, wanted);
                foreach (var (id, value) in row.Values)
                    windows[byId[id]].Add(new UsageSample(DateTimeOffset.FromUnixTimeSeconds(at), value));
                failures.AddRange(row.Carried.Select(f => $"Usage row {shard.Key} at ts {ts}, {f.Value}."));
            }
            if ((fine.Count > 0 ? fine[^1] : hourly.Count > 0 ? hourly[^1] : null) is { } newestRow && List(shard.Key, newestRow) is { } newestList)
                _newest[shard.Key] = newestList;
        }
        if (failures.Count > 0)
            throw new InvalidDataException(failures[0] + (failures.Count > 1 ? $" ({failures.Count - 1} more like it)" : ""));
        return windows.ToDictionary(w => w.Key, w => (IReadOnlyList<UsageSample>)w.Value);
    }

    /// <summary>
    /// What a stored row gives: its values, and for each quota it cannot give a value for (or name prefix ending in
    /// <c>*</c>), why, with the field (<c>field 'v': quota '…': …</c> or, carried, <c>field 'x': quota '…': …</c>).
    /// <paramref name="wanted"/> null: every quota the row has, for a rewrite; a row with no <c>v</c> or no stored list is
    /// then carried under <c>*</c> (every quota).
    /// </summary>
    private RowDraft Decode(string shard, Dictionary<string, AttributeValue> item, IReadOnlySet<string>? wanted = null)
    {
        var ts = (long)DynamoItems.Num(item, "ts");
        var draft = new RowDraft([]);
        var carried = item.TryGetValue("x", out var x) && x.M is { } map ? map.Where(e => e.Value.S is not null).ToDictionary(e => e.Key, e => e.Value.S, StringComparer.Ordinal) : [];
        if (wanted is null)
            foreach (var (id, why) in carried) draft.Carried[id] = why;
        else
            foreach (var (id, why) in ShardRow.Carried(carried, wanted)) draft.Carried[id] = $"field 'x': quota '{id}': {why}";
        if (StoredProblem(shard, ts, item) is { } problem)
        {
            draft.Carried.TryAdd("*", problem[(problem.IndexOf(": ", StringComparison.Ordinal) + 2)..].TrimEnd('.'));
            return draft;
        }
        var v = DynamoItems.Str(item, "v")!; // StoredProblem: present
        var failures = new Dictionary<string, string>(StringComparer.Ordinal);
        var values = List(shard, item) is { } list ? ShardRow.DecodeCompact(v, list, (long)DynamoItems.Num(item, "k"), wanted, failures)
            : wanted is null ? ShardRow.DecodeAll(v, failures)
            : ShardRow.Decode(v, wanted, failures);
        foreach (var (id, value) in values.Where(p => !draft.Carried.ContainsKey(p.Key))) draft.Values[id] = value;
        foreach (var (id, why) in failures) draft.Carried.TryAdd(id, wanted is null ? $"field 'v': {why}" : $"field 'v': quota '{id}': {why}");
        return draft;
    }

    /// <summary>A stored row to merge with: one that gives no quota a value is never overwritten.</summary>
    private RowDraft Stored(string shard, long ts, Dictionary<string, AttributeValue> item) =>
        StoredProblem(shard, ts, item) is { } problem
            ? throw new InvalidDataException($"{problem[..^1]}; a row that cannot be merged is not overwritten: fix or delete it.")
            : Decode(shard, item);

    /// <summary>Why a stored row gives no quota a value (no <c>v</c>, a <c>k</c> whose list is not stored), naming it; null: none.</summary>
    private string? StoredProblem(string shard, long ts, Dictionary<string, AttributeValue> item) =>
        DynamoItems.Str(item, "v") is null ? $"Usage row {shard} at ts {ts}: field 'v' is missing or not a string."
        : item.TryGetValue("k", out var k) && (k.N is null || List(shard, item) is null) ? $"Usage row {shard} at ts {ts}: field 'k': key list {k.N ?? "(not a number)"} is not stored under {ShardKeyList.Partition(shard)}."
        : null;

    /// <summary>A compact row's list, if this instance has it (<see cref="LoadListsAsync"/>); null for an old row.</summary>
    private ShardKeyList? List(string shard, Dictionary<string, AttributeValue> item) =>
        item.TryGetValue("k", out var k) && k.N is { } n && long.TryParse(n, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) && _lists.TryGetValue((shard, id), out var list) ? list : null;

    /// <summary>
    /// The lists the rows name that this instance has not seen: one Query of the shard's list partition (the one id, or the
    /// range of them), eventually consistent; an id it misses is asked again consistently (a list is stored before any row
    /// names it). Rows whose list is still missing fail their reads (<see cref="StoredProblem"/>).
    /// </summary>
    private async Task LoadListsAsync(string shard, IEnumerable<Dictionary<string, AttributeValue>> rows, CancellationToken ct)
    {
        var missing = rows.Select(r => r.TryGetValue("k", out var k) && k.N is { } n && long.TryParse(n, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id) ? id : (long?)null)
            .OfType<long>().Distinct().Where(id => !_lists.ContainsKey((shard, id))).Order().ToList();
        foreach (var consistent in new[] { false, true })
        {
            if (missing.Count == 0) return;
            foreach (var item in await QueryListsAsync(shard, missing[0], missing[^1], consistent, ct))
                if ((long)DynamoItems.Num(item, "ts") is var id && missing.Contains(id) && DynamoItems.Str(item, "q") is { } q)
                    _lists[(shard, id)] = ShardKeyList.Parse(q);
            missing.RemoveAll(id => _lists.ContainsKey((shard, id)));
        }
    }

    private Task<List<Dictionary<string, AttributeValue>>> QueryListsAsync(string shard, long fromId, long untilId, bool consistent, CancellationToken ct) =>
        DynamoItems.QueryAllAsync(dynamo, new QueryRequest
        {
            ReturnConsumedCapacity = Pacer(shard).IsPaced ? ReturnConsumedCapacity.TOTAL : null,
            TableName = table,
            KeyConditionExpression = "#q = :keys AND #t BETWEEN :from AND :until",
            ExpressionAttributeNames = new() { ["#q"] = "quota", ["#t"] = "ts" },
            ExpressionAttributeValues = new()
            {
                [":keys"] = DynamoItems.S(ShardKeyList.Partition(shard)),
                [":from"] = DynamoItems.N(fromId),
                [":until"] = DynamoItems.N(untilId),
            },
            ConsistentRead = consistent,
        }, ct, Pacer(shard));

    /// <summary>
    /// Stores a list before the first row that names it: put if absent or identical (content-addressed, so two writers put
    /// the same item); a different list at the same id is refused rather than overwritten.
    /// </summary>
    private async Task EnsureListAsync(string shard, ShardKeyList list, CancellationToken ct)
    {
        if (_lists.ContainsKey((shard, list.Id))) return;
        var item = ListItem(shard, list);
        await Pacer(shard).BeforeWriteAsync([item], ct);
        try
        {
            await dynamo.PutItemAsync(new PutItemRequest
            {
                TableName = table,
                Item = item,
                ConditionExpression = "attribute_not_exists(#q) OR #l = :l",
                ExpressionAttributeNames = new() { ["#q"] = "quota", ["#l"] = "q" },
                ExpressionAttributeValues = new() { [":l"] = DynamoItems.S(list.Text) },
            }, ct);
        }
        catch (ConditionalCheckFailedException e)
        {
            throw new InvalidOperationException($"Key list {list.Id} of {shard}: another list of {ShardKeyList.Partition(shard)} has the same id; its {list.Count} quotas were not stored.", e);
        }
        _lists[(shard, list.Id)] = list;
    }

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    private async Task<List<Dictionary<string, AttributeValue>>> QueryAsync(string shard, long fromKey, long untilKey, bool consistent, CancellationToken ct) =>
        fromKey > untilKey ? [] : await DynamoItems.QueryAllAsync(dynamo, new QueryRequest
        {
            ReturnConsumedCapacity = Pacer(shard).IsPaced ? ReturnConsumedCapacity.TOTAL : null,
            TableName = table,
            KeyConditionExpression = "#q = :shard AND #t BETWEEN :from AND :until",
            ProjectionExpression = "#t, #v, #k, #x",
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

    private static Dictionary<string, AttributeValue> Key(string shard, long ts) => new() { ["quota"] = DynamoItems.S(shard), ["ts"] = DynamoItems.N(ts) };

    private static Dictionary<string, AttributeValue> FineRow(string shard, long ts, ShardKeyList list, RowDraft row) => Row(shard, ts, list, row, ts + (long)FineRetention.TotalSeconds);

    private Dictionary<string, AttributeValue> HourRow(string shard, long hour, ShardKeyList list, RowDraft row) => Row(shard, hour, list, row, hour * HourSeconds + (long)retention.TotalSeconds);

    /// <summary>The row's item, refused before any write when DynamoDB would refuse it.</summary>
    private static Dictionary<string, AttributeValue> Row(string shard, long ts, ShardKeyList list, RowDraft row, long ttl)
    {
        var item = Key(shard, ts);
        item["k"] = DynamoItems.N(list.Id);
        item["v"] = DynamoItems.S(ShardRow.Encode(list, row.Values));
        if (row.Carried.Count > 0) item["x"] = new AttributeValue { M = row.Carried.ToDictionary(c => c.Key, c => DynamoItems.S(c.Value)) };
        item["ttl"] = DynamoItems.N(ttl);
        var bytes = DynamoItemSize.Of(item);
        if (bytes > DynamoItemSize.MaxItemBytes)
            throw new InvalidOperationException($"Usage row {shard} at ts {ts}: {list.Count} quotas make an item of {bytes} bytes, over DynamoDB's {DynamoItemSize.MaxItemBytes}-byte item limit; govern fewer quotas in this account and Region.");
        return item;
    }

    /// <summary>A list's item (no TTL: rows name it for as long as they live; a shard keeps one list per set of quotas it has had).</summary>
    private static Dictionary<string, AttributeValue> ListItem(string shard, ShardKeyList list)
    {
        var item = Key(ShardKeyList.Partition(shard), list.Id);
        item["q"] = DynamoItems.S(list.Text);
        var bytes = DynamoItemSize.Of(item);
        if (bytes > DynamoItemSize.MaxItemBytes)
            throw new InvalidOperationException($"Key list of {shard}: {list.Count} quotas make an item of {bytes} bytes, over DynamoDB's {DynamoItemSize.MaxItemBytes}-byte item limit; govern fewer quotas in this account and Region.");
        return item;
    }

    /// <summary>A row being written: its values, and what it carries (quota or prefix → why its value here is unknown).</summary>
    private sealed class RowDraft(Dictionary<string, double> values)
    {
        public Dictionary<string, double> Values { get; } = values;

        public Dictionary<string, string> Carried { get; } = new(StringComparer.Ordinal);

        public void Peak(string id, double value) => Values[id] = Values.TryGetValue(id, out var peak) ? Math.Max(peak, value) : value;
    }
}
