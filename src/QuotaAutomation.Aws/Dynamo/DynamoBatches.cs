using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace QuotaAutomation.Aws.Dynamo;

/// <summary>
/// DynamoDB's batch operations, whole: requests cut to the service's limits (BatchWriteItem 25 items, BatchGetItem 100
/// keys), up to <see cref="MaxInFlight"/> of them at once, and what DynamoDB leaves unprocessed (<c>UnprocessedItems</c>,
/// <c>UnprocessedKeys</c>: throttling or the 16 MB reply limit) sent again after an exponential backoff, as AWS's
/// BatchWriteItem and BatchGetItem documentation asks; still unprocessed after <see cref="Attempts"/> tries is an error.
/// </summary>
public static class DynamoBatches
{
    public const int WriteLimit = 25;
    public const int GetLimit = 100;

    /// <summary>Independent batch calls in flight at once: enough to hide latency, few enough to stay under on-demand's throttling of a new table.</summary>
    public const int MaxInFlight = 8;

    public const int Attempts = 8;

    /// <summary>The wait before retry <paramref name="attempt"/> (1-based): 50 ms doubling, at most 3.2 s.</summary>
    public static TimeSpan Backoff(int attempt) => TimeSpan.FromMilliseconds(50 * Math.Pow(2, Math.Min(attempt - 1, 6)));

    /// <summary>Puts every item, in calls of 25.</summary>
    /// <param name="beforeCall">Awaited before each call's first attempt with its items (a fleet shard's pacing, <see cref="UsageTablePacing"/>).</param>
    public static async Task WriteAsync(IAmazonDynamoDB dynamo, string table, IReadOnlyList<Dictionary<string, AttributeValue>> items, CancellationToken ct,
        Func<IEnumerable<Dictionary<string, AttributeValue>>, CancellationToken, Task>? beforeCall = null)
    {
        ArgumentNullException.ThrowIfNull(dynamo);
        ArgumentNullException.ThrowIfNull(items);
        await Parallel.ForEachAsync(items.Chunk(WriteLimit), new ParallelOptions { MaxDegreeOfParallelism = MaxInFlight, CancellationToken = ct }, async (chunk, token) =>
        {
            var pending = new Dictionary<string, List<WriteRequest>> { [table] = chunk.Select(i => new WriteRequest(new PutRequest(i))).ToList() };
            if (beforeCall is not null) await beforeCall(chunk, token);
            for (var attempt = 1; ; attempt++)
            {
                pending = (await dynamo.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = pending }, token)).UnprocessedItems ?? [];
                var left = pending.Values.Sum(w => w.Count);
                if (left == 0) return;
                if (attempt == Attempts) throw new InvalidOperationException($"BatchWriteItem on {table}: DynamoDB left {left} of {chunk.Length} items unprocessed after {Attempts} attempts");
                await Task.Delay(Backoff(attempt), token);
            }
        });
    }

    /// <summary>Gets every key's item (absent ones are not in the result), in calls of 100.</summary>
    public static async Task<IReadOnlyList<Dictionary<string, AttributeValue>>> GetAsync(IAmazonDynamoDB dynamo, string table, IReadOnlyList<Dictionary<string, AttributeValue>> keys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(dynamo);
        ArgumentNullException.ThrowIfNull(keys);
        var found = new List<Dictionary<string, AttributeValue>>();
        await Parallel.ForEachAsync(keys.Chunk(GetLimit), new ParallelOptions { MaxDegreeOfParallelism = MaxInFlight, CancellationToken = ct }, async (chunk, token) =>
        {
            var pending = new Dictionary<string, KeysAndAttributes> { [table] = new KeysAndAttributes { Keys = [.. chunk] } };
            for (var attempt = 1; ; attempt++)
            {
                var reply = await dynamo.BatchGetItemAsync(new BatchGetItemRequest { RequestItems = pending }, token);
                if (reply.Responses?.GetValueOrDefault(table) is { } items)
                    lock (found) found.AddRange(items);
                pending = reply.UnprocessedKeys ?? [];
                var left = pending.Values.Sum(k => k.Keys?.Count ?? 0);
                if (left == 0) return;
                if (attempt == Attempts) throw new InvalidOperationException($"BatchGetItem on {table}: DynamoDB left {left} of {chunk.Length} keys unprocessed after {Attempts} attempts");
                await Task.Delay(Backoff(attempt), token);
            }
        });
        return found;
    }
}
