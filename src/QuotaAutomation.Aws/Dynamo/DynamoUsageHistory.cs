using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Dynamo;

/// <summary>Usage samples per quota and time, expired by TTL after the retention.</summary>
public sealed class DynamoUsageHistory(IAmazonDynamoDB dynamo, string table, TimeSpan retention) : IUsageHistory
{
    private const int BatchSize = 25; // BatchWriteItem's limit

    public async Task AppendAsync(QuotaKey key, IReadOnlyList<UsageSample> samples, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var quota = DynamoItems.QuotaId(key);
        foreach (var batch in samples.Chunk(BatchSize))
        {
            var writes = batch.Select(s => new WriteRequest(new PutRequest(new Dictionary<string, AttributeValue>
            {
                ["quota"] = DynamoItems.S(quota),
                ["ts"] = DynamoItems.N(DynamoItems.Seconds(s.Timestamp)),
                ["value"] = DynamoItems.N(s.Value),
                ["ttl"] = DynamoItems.N(DynamoItems.Seconds(s.Timestamp + retention)),
            }))).ToList();
            var pending = new Dictionary<string, List<WriteRequest>> { [table] = writes };
            for (var attempt = 0; pending.Count > 0 && pending.Values.Sum(w => w.Count) > 0; attempt++)
            {
                if (attempt > 0) await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt), ct);
                if (attempt > 8) throw new InvalidOperationException($"usage for {quota}: DynamoDB left {pending.Values.Sum(w => w.Count)} writes unprocessed");
                pending = (await dynamo.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = pending }, ct)).UnprocessedItems ?? [];
            }
        }
    }

    public async Task<IReadOnlyList<UsageSample>> ReadAsync(QuotaKey key, DateTimeOffset from, DateTimeOffset until, CancellationToken ct)
    {
        var items = await DynamoItems.QueryAllAsync(dynamo, new QueryRequest
        {
            TableName = table,
            KeyConditionExpression = "quota = :q AND ts BETWEEN :from AND :until",
            ExpressionAttributeValues = new()
            {
                [":q"] = DynamoItems.S(DynamoItems.QuotaId(key)),
                [":from"] = DynamoItems.N(DynamoItems.Seconds(from) + 1), // from is exclusive
                [":until"] = DynamoItems.N(DynamoItems.Seconds(until)),
            },
        }, ct);
        return items.Select(i => new UsageSample(DynamoItems.Time(i, "ts"), DynamoItems.Num(i, "value"))).ToList();
    }
}
