using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Aws.Dynamo;

/// <summary>Quota events in DynamoDB, once per event id (conditional put), expired by TTL.</summary>
public sealed class DynamoEventLog(IAmazonDynamoDB dynamo, string table, TimeSpan retention) : IEventLog
{
    public async Task<bool> TryAppendAsync(QuotaEventRecord record, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(record);
        var item = new Dictionary<string, AttributeValue>
        {
            ["event_id"] = DynamoItems.S(record.EventId),
            ["event_type"] = DynamoItems.S(record.EventType),
            ["source"] = DynamoItems.S(record.Source),
            ["ts"] = DynamoItems.N(DynamoItems.Seconds(record.Time)),
            ["detail"] = DynamoItems.S(record.DetailJson),
            ["ttl"] = DynamoItems.N(DynamoItems.Seconds(record.Time + retention)),
        };
        DynamoItems.Put(item, "quota", record.Quota?.ToString());
        try
        {
            await dynamo.PutItemAsync(new PutItemRequest { TableName = table, Item = item, ConditionExpression = "attribute_not_exists(event_id)" }, ct);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }
}
