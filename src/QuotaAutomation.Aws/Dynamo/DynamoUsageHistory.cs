using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Dynamo;

/// <summary>
/// Usage samples per quota and time, expired by TTL after the retention: one item per sample (the record, which a
/// whole-window read queries), and per quota one <em>head</em> item (<c>ts</c> = 0) holding its newest
/// <see cref="HeadSpan"/> of samples in one attribute.
/// </summary>
/// <remarks>
/// Why a head (issue 14): a warm Lambda keeps each quota's window (<see cref="Core.Engine.CachedUsageHistory"/>) and
/// reads only its newest hour. That was one Query per quota, one after another: N calls for N quotas. The newest hour
/// of every quota is now its head, and heads are read 100 a call (BatchGetItem) and written with the samples 25 a call
/// (BatchWriteItem), 8 calls in flight: a steady cycle makes ⌈N/100⌉ reads and ⌈2N/25⌉ writes. A window the head does
/// not cover (a cold container's 14 days) is still one Query per quota, one at a time. A whole rolling window in one item
/// was the other choice: 14 days of 5-minute samples is about 50 KB, so rewriting it every cycle costs about 50 write
/// units per quota against 2 here (a sample and a head of under 1 KB each).
/// A head is a cache of the sample items, never the only copy: it says from when it is complete
/// (<c>complete_after</c>); two writers at once can each put a head without the other's newest sample (the last put
/// wins), which costs at most that sample in a warm window until the container is recycled, since the sample item is
/// there for every whole-window read.
/// </remarks>
public sealed class DynamoUsageHistory(IAmazonDynamoDB dynamo, string table, TimeSpan retention) : IUsageHistory
{
    /// <summary>How much of the newest history a head holds: twice the hour a warm window re-reads, so a cycle that comes late still finds it there.</summary>
    public static readonly TimeSpan HeadSpan = TimeSpan.FromHours(2);

    private const long HeadTs = 0;

    /// <summary>What this process knows of each quota's newest samples (read or written): the base of the next head it writes.</summary>
    private readonly ConcurrentDictionary<QuotaKey, Head> _known = new();

    /// <summary>Every stored sample with a time after <see cref="CompleteAfter"/> (epoch seconds), in time order.</summary>
    private sealed record Head(long CompleteAfter, IReadOnlyList<UsageSample> Samples);

    public Task AppendAsync(QuotaKey key, IReadOnlyList<UsageSample> samples, CancellationToken ct) =>
        AppendManyAsync(new Dictionary<QuotaKey, IReadOnlyList<UsageSample>> { [key] = samples }, ct);

    /// <summary>Every quota's new sample items and its new head, 25 items a BatchWriteItem.</summary>
    public async Task AppendManyAsync(IReadOnlyDictionary<QuotaKey, IReadOnlyList<UsageSample>> samples, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var items = new List<Dictionary<string, AttributeValue>>();
        var heads = new Dictionary<QuotaKey, Head>();
        foreach (var (key, added) in samples)
        {
            if (added.Count == 0) continue;
            var quota = DynamoItems.S(DynamoItems.QuotaId(key));
            items.AddRange(added.Select(s => new Dictionary<string, AttributeValue>
            {
                ["quota"] = quota,
                ["ts"] = DynamoItems.N(DynamoItems.Seconds(s.Timestamp)),
                ["value"] = DynamoItems.N(s.Value),
                ["ttl"] = DynamoItems.N(DynamoItems.Seconds(s.Timestamp + retention)),
            }));
            // Without a read before it, this process knows only what it appends: complete from just before its first sample.
            var known = _known.GetValueOrDefault(key) ?? new Head(DynamoItems.Seconds(added.Min(s => s.Timestamp)) - 1, []);
            var head = Trim(known.CompleteAfter, known.Samples.Where(s => !added.Any(a => a.Timestamp == s.Timestamp)).Concat(added));
            heads[key] = head;
            items.Add(new Dictionary<string, AttributeValue>
            {
                ["quota"] = quota,
                ["ts"] = DynamoItems.N(HeadTs),
                ["complete_after"] = DynamoItems.N(head.CompleteAfter),
                ["samples"] = DynamoItems.S(Encode(head.Samples)),
                ["ttl"] = DynamoItems.N(DynamoItems.Seconds(head.Samples[^1].Timestamp + retention)),
            });
        }
        if (items.Count == 0) return;
        await DynamoBatches.WriteAsync(dynamo, table, items, ct);
        foreach (var (key, head) in heads) _known[key] = head;
    }

    public async Task<IReadOnlyList<UsageSample>> ReadAsync(QuotaKey key, DateTimeOffset from, DateTimeOffset until, CancellationToken ct) =>
        (await ReadManyAsync([key], from, until, ct))[key];

    /// <summary>
    /// The heads of every quota in one BatchGetItem per 100; a quota whose head does not reach back to
    /// <paramref name="from"/> (or has none) is queried.
    /// </summary>
    public async Task<IReadOnlyDictionary<QuotaKey, IReadOnlyList<UsageSample>>> ReadManyAsync(
        IReadOnlyList<QuotaKey> keys, DateTimeOffset from, DateTimeOffset until, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var distinct = keys.Distinct().ToList();
        var fromSeconds = DynamoItems.Seconds(from);
        var untilSeconds = DynamoItems.Seconds(until);
        var windows = new ConcurrentDictionary<QuotaKey, IReadOnlyList<UsageSample>>();

        // A head can serve only a window that starts within its span: a 14-day read goes straight to Query.
        var headable = until - from <= HeadSpan ? distinct : [];
        if (headable.Count > 0)
        {
            var byId = headable.ToDictionary(DynamoItems.QuotaId, StringComparer.Ordinal);
            var heads = await DynamoBatches.GetAsync(dynamo, table,
                headable.Select(k => new Dictionary<string, AttributeValue> { ["quota"] = DynamoItems.S(DynamoItems.QuotaId(k)), ["ts"] = DynamoItems.N(HeadTs) }).ToList(), ct);
            foreach (var item in heads)
            {
                var head = new Head((long)DynamoItems.Num(item, "complete_after"), Decode(DynamoItems.Req(item, "samples")));
                if (!byId.TryGetValue(DynamoItems.Req(item, "quota"), out var key) || head.CompleteAfter > fromSeconds) continue;
                _known[key] = head;
                windows[key] = head.Samples.Where(s => DynamoItems.Seconds(s.Timestamp) > fromSeconds && DynamoItems.Seconds(s.Timestamp) <= untilSeconds).ToList();
            }
        }

        // One at a time: a cold container reads each window once, and a fleet already runs many shards against the hub's
        // table at once (8 cycles on one serialised moto timed out waiting behind each other's 8 queries).
        await Parallel.ForEachAsync(distinct.Where(k => !windows.ContainsKey(k)), new ParallelOptions { MaxDegreeOfParallelism = 1, CancellationToken = ct },
            async (key, token) =>
            {
                var samples = await QueryAsync(key, fromSeconds, untilSeconds, token);
                _known[key] = Trim(fromSeconds, samples);
                windows[key] = samples;
            });
        return distinct.ToDictionary(k => k, k => windows[k]);
    }

    private async Task<IReadOnlyList<UsageSample>> QueryAsync(QuotaKey key, long fromSeconds, long untilSeconds, CancellationToken ct)
    {
        var items = await DynamoItems.QueryAllAsync(dynamo, new QueryRequest
        {
            TableName = table,
            KeyConditionExpression = "quota = :q AND ts BETWEEN :from AND :until",
            ExpressionAttributeValues = new()
            {
                [":q"] = DynamoItems.S(DynamoItems.QuotaId(key)),
                [":from"] = DynamoItems.N(Math.Max(fromSeconds, HeadTs) + 1), // from is exclusive, and the head (ts 0) is never a sample
                [":until"] = DynamoItems.N(untilSeconds),
            },
        }, ct);
        return items.Select(i => new UsageSample(DynamoItems.Time(i, "ts"), DynamoItems.Num(i, "value"))).ToList();
    }

    /// <summary>The newest <see cref="HeadSpan"/> of <paramref name="samples"/>, complete after the later of <paramref name="completeAfter"/> and that span's start.</summary>
    private static Head Trim(long completeAfter, IEnumerable<UsageSample> samples)
    {
        var ordered = samples.OrderBy(s => s.Timestamp).ToList();
        if (ordered.Count == 0) return new Head(completeAfter, ordered);
        var cut = DynamoItems.Seconds(ordered[^1].Timestamp - HeadSpan);
        return new Head(Math.Max(completeAfter, cut), ordered.Where(s => DynamoItems.Seconds(s.Timestamp) > cut).ToList());
    }

    /// <summary><c>seconds:value</c> pairs joined by <c>;</c>, values in round-trip form: 24 five-minute samples in about 450 bytes.</summary>
    internal static string Encode(IEnumerable<UsageSample> samples)
    {
        var text = new StringBuilder();
        foreach (var s in samples)
        {
            if (text.Length > 0) text.Append(';');
            text.Append(CultureInfo.InvariantCulture, $"{DynamoItems.Seconds(s.Timestamp)}:{s.Value.ToString("R", CultureInfo.InvariantCulture)}");
        }
        return text.ToString();
    }

    internal static List<UsageSample> Decode(string text) =>
        text.Length == 0 ? [] : text.Split(';').Select(pair =>
        {
            var colon = pair.IndexOf(':', StringComparison.Ordinal);
            return new UsageSample(DateTimeOffset.FromUnixTimeSeconds(long.Parse(pair.AsSpan(0, colon), NumberStyles.Integer, CultureInfo.InvariantCulture)),
                double.Parse(pair.AsSpan(colon + 1), NumberStyles.Float, CultureInfo.InvariantCulture));
        }).ToList();
}
