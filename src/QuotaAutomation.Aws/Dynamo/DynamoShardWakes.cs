using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Core.Ports;
using static QuotaAutomation.Aws.Dynamo.DynamoItems;

namespace QuotaAutomation.Aws.Dynamo;

/// <summary>
/// Pending shard wakes in the state table: one item per shard, <c>WAKE</c> / <c>{account}/{Region}</c>, holding the
/// string set <c>quotas</c>. All wakes share the partition <c>WAKE</c>, so taking them is one Query (not a Scan of
/// the whole table); wakes are rare (an event per breach), far below one partition's 1,000 writes a second.
/// <list type="bullet">
/// <item>A wake is one UpdateItem <c>ADD quotas :ids</c>: DynamoDB serialises writes to one item, so concurrent wakes
/// of one shard merge into one set and none is lost.</item>
/// <item>Taking reads every item (a strongly consistent Query), then per item removes only what it read:
/// <c>DELETE quotas :read</c> (a wake added meanwhile stays in the set), then deletes the item on the condition that
/// the set is gone (DynamoDB drops an emptied set); if a wake arrived between the two, the condition fails and the
/// item waits for the next take. Two writes per woken shard, none per calm one.</item>
/// </list>
/// Items carry a <c>ttl</c> a day ahead: a wake no fleet run takes (the fleet turned off) does not stay forever.
/// No <c>state_key</c>: wake items stay off the state index.
/// </summary>
public sealed class DynamoShardWakes(IAmazonDynamoDB dynamo, string table, TimeProvider time) : IShardWakes
{
    public const string Partition = "WAKE";
    private static readonly TimeSpan Retention = TimeSpan.FromDays(1);

    public async Task WakeAsync(string accountId, string region, IReadOnlyList<string> quotaIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(quotaIds);
        var shardId = FleetShard.IdOf(accountId, region);
        // A wake with no quota named still wakes the shard: the set holds the shard's own id as its marker.
        var ids = quotaIds.Count > 0 ? quotaIds.Distinct(StringComparer.Ordinal).ToList() : [ShardWakeIds.WholeShard];
        await dynamo.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = table,
            Key = ItemKey(shardId),
            UpdateExpression = "ADD #quotas :ids SET #account = :account, #region = :region, #ttl = :ttl",
            ExpressionAttributeNames = new Dictionary<string, string> { ["#quotas"] = "quotas", ["#account"] = "account_id", ["#region"] = "region", ["#ttl"] = "ttl" },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue>
            {
                [":ids"] = new() { SS = ids },
                [":account"] = S(accountId),
                [":region"] = S(region),
                [":ttl"] = N(Seconds(time.GetUtcNow() + Retention)),
            },
        }, ct);
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> TakeAsync(CancellationToken ct)
    {
        var items = await QueryAllAsync(dynamo, new QueryRequest
        {
            TableName = table,
            KeyConditionExpression = "pk = :pk",
            ExpressionAttributeValues = new() { [":pk"] = S(Partition) },
            ConsistentRead = true, // a wake written just before the plan is seen by it
        }, ct);
        var taken = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            var shardId = Req(item, "sk");
            var read = item.TryGetValue("quotas", out var set) && set.SS is { Count: > 0 } ss ? ss : null;
            try
            {
                if (read is not null)
                    await dynamo.UpdateItemAsync(new UpdateItemRequest
                    {
                        TableName = table,
                        Key = ItemKey(shardId),
                        UpdateExpression = "DELETE #quotas :read",
                        ConditionExpression = "attribute_exists(pk)", // never create an item that another take removed
                        ExpressionAttributeNames = new Dictionary<string, string> { ["#quotas"] = "quotas" },
                        ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":read"] = new() { SS = read } },
                    }, ct);
                await dynamo.DeleteItemAsync(new DeleteItemRequest
                {
                    TableName = table,
                    Key = ItemKey(shardId),
                    ConditionExpression = "attribute_not_exists(#quotas)",
                    ExpressionAttributeNames = new Dictionary<string, string> { ["#quotas"] = "quotas" },
                }, ct);
            }
            catch (ConditionalCheckFailedException)
            {
                // A wake arrived after the read (its quotas are still in the set, for the next take), or another take
                // removed the item first (the shard runs once more: harmless).
            }
            if (read is not null) taken[shardId] = ShardWakeIds.Quotas(read);
        }
        return taken;
    }

    private static Dictionary<string, AttributeValue> ItemKey(string shardId) => new() { ["pk"] = S(Partition), ["sk"] = S(shardId) };
}
