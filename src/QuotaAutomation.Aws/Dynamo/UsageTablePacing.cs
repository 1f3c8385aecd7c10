using System.Collections.Concurrent;
using Amazon.DynamoDBv2.Model;
using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Dynamo;

/// <summary>
/// Fleet shards' pacing of their usage-table calls: while a shard runs (<see cref="Pace"/>), its reads and its writes of
/// the hub's usage table each keep to <c>QA_FLEET_TABLE_UNITS × table_share</c> request units a second (a
/// <see cref="TableThroughputBucket"/> each, on the <see cref="TimeProvider"/>), so the shards of a cycle stay within the
/// table's throughput between them instead of bursting past it and failing after the retries (docs/fleet-throttle.md).
/// <see cref="DynamoShardHistory"/> asks for the shard its rows belong to; a shard not registered (the hub's own cycle,
/// the CLI) is not paced.
/// </summary>
/// <remarks>
/// A write takes its units (1 per KB per item, from the items it sends) before it is sent; a Query page waits for any
/// debt before it is sent and takes its units from its reply (ConsumedCapacity when DynamoDB returns it, else the items'
/// sizes). A call is paced once: the SDK's retries of a throttled attempt are not (their backoff spaces them).
/// Keyed by shard, not carried by an instance per shard, because a warm container's history cache wraps one
/// <see cref="DynamoShardHistory"/> for every shard it runs.
/// </remarks>
public sealed class UsageTablePacing(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, ShardTablePacer> _shards = new(StringComparer.Ordinal);
    private readonly long _origin = time.GetTimestamp();

    /// <summary>Paces the shard's usage-table calls at <paramref name="unitsPerSecond"/> reads and as many writes until the lease is disposed.</summary>
    /// <param name="accountId">The account its usage keys carry: null for the hub's own shard (its keys leave the account out).</param>
    public IDisposable Pace(string? accountId, string region, double unitsPerSecond)
    {
        var id = ShardRow.ShardId(new QuotaKey("-", "-", region, accountId));
        var pacer = new ShardTablePacer(this, unitsPerSecond);
        _shards[id] = pacer;
        return new Lease(() => _shards.TryRemove(new KeyValuePair<string, ShardTablePacer>(id, pacer)));
    }

    /// <summary>The pacer of the shard whose rows are <paramref name="shardRowId"/> (<see cref="ShardRow.ShardId"/>); one that waits for nothing when it is not paced.</summary>
    internal ShardTablePacer For(string shardRowId) => _shards.GetValueOrDefault(shardRowId) ?? ShardTablePacer.Unpaced;

    private TimeSpan Now => time.GetElapsedTime(_origin);

    internal sealed class ShardTablePacer
    {
        public static readonly ShardTablePacer Unpaced = new(null, 0);

        private readonly UsageTablePacing? _pacing;
        private readonly TableThroughputBucket? _reads, _writes;

        public ShardTablePacer(UsageTablePacing? pacing, double unitsPerSecond)
        {
            _pacing = pacing;
            if (pacing is null) return;
            _reads = new TableThroughputBucket(unitsPerSecond);
            _writes = new TableThroughputBucket(unitsPerSecond);
        }

        public bool IsPaced => _pacing is not null;

        /// <summary>Waits for the write's turn and takes its units: 1 per KB, rounded up, per item.</summary>
        public Task BeforeWriteAsync(IEnumerable<Dictionary<string, AttributeValue>> items, CancellationToken ct) =>
            _pacing is null ? Task.CompletedTask : WaitAsync(_writes!.Take(_pacing.Now, items.Sum(i => DynamoItemSize.WriteUnits(DynamoItemSize.Of(i)))), ct);

        /// <summary>Waits until the reads owe nothing.</summary>
        public Task BeforeReadAsync(CancellationToken ct) => _pacing is null ? Task.CompletedTask : WaitAsync(_reads!.Take(_pacing.Now, 0), ct);

        /// <summary>Takes a Query page's units: what DynamoDB says it consumed, else the returned items' sizes.</summary>
        public void AfterRead(QueryResponse page, bool consistent)
        {
            if (_pacing is null) return;
            _reads!.Debit(_pacing.Now, page.ConsumedCapacity?.CapacityUnits
                ?? DynamoItemSize.QueryReadUnits((page.Items ?? []).Select(DynamoItemSize.Of), consistent));
        }

        private Task WaitAsync(TimeSpan wait, CancellationToken ct) => wait > TimeSpan.Zero ? Task.Delay(wait, _pacing!.TimeProvider, ct) : Task.CompletedTask;
    }

    private TimeProvider TimeProvider => time;

    private sealed class Lease(Action end) : IDisposable
    {
        private int _ended;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _ended, 1) == 0) end();
        }
    }
}
