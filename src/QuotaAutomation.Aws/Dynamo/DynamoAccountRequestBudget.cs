using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using static QuotaAutomation.Aws.Dynamo.DynamoItems;

namespace QuotaAutomation.Aws.Dynamo;

/// <summary>
/// AWS's 20 open increase requests per account, shared by every shard of the account (all its Regions, run at once
/// by the Distributed Map). One item per account in the state table, <c>ACCOUNT#id</c> / <c>OPEN_REQUESTS</c>, holding
/// the string set <c>open</c> of the quota keys with a request open. A reservation is one conditional UpdateItem:
/// <c>ADD open :key</c> if the set is absent, smaller than the limit, or already holds the key (so reserving again is
/// idempotent and never takes a second slot); DynamoDB serialises writes to one item, so concurrent shards can never
/// take more than the limit between them. Releasing is <c>DELETE open :key</c>, idempotent too. Not a transaction:
/// one item needs none (and moto's TransactWriteItems restores a copy of the table on a failed transaction, which
/// loses concurrent writes that DynamoDB would keep).
/// </summary>
public sealed class DynamoAccountRequestBudget(IAmazonDynamoDB dynamo, string table) : IAccountRequestBudget
{
    public const string SortKey = "OPEN_REQUESTS";

    public Task<bool> TryReserveAsync(QuotaKey quota, int limit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(quota);
        return TryReserveAsync(quota.AccountOrSelf, QuotaId(quota), limit, ct);
    }

    public Task ReleaseAsync(QuotaKey quota, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(quota);
        return ReleaseAsync(quota.AccountOrSelf, QuotaId(quota), ct);
    }

    /// <param name="accountId">The account, or <c>self</c> for the hub's own (its quota keys name no account).</param>
    public async Task<bool> TryReserveAsync(string accountId, string quotaKey, int limit, CancellationToken ct)
    {
        try
        {
            await dynamo.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = table,
                Key = ItemKey($"ACCOUNT#{accountId}", SortKey),
                UpdateExpression = "ADD #open :key",
                ConditionExpression = "attribute_not_exists(#open) OR size(#open) < :limit OR contains(#open, :member)",
                ExpressionAttributeNames = new Dictionary<string, string> { ["#open"] = "open" },
                ExpressionAttributeValues = new Dictionary<string, AttributeValue>
                {
                    [":key"] = new() { SS = [quotaKey] },
                    [":member"] = S(quotaKey),
                    [":limit"] = N(limit),
                },
            }, ct);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    public async Task ReleaseAsync(string accountId, string quotaKey, CancellationToken ct) =>
        await dynamo.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = table,
            Key = ItemKey($"ACCOUNT#{accountId}", SortKey),
            UpdateExpression = "DELETE #open :key",
            ExpressionAttributeNames = new Dictionary<string, string> { ["#open"] = "open" },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":key"] = new() { SS = [quotaKey] } },
        }, ct);

    /// <summary>The quota keys the account's budget holds now (strongly consistent).</summary>
    public async Task<IReadOnlySet<string>> OpenAsync(string accountId, CancellationToken ct)
    {
        var reply = await dynamo.GetItemAsync(new GetItemRequest { TableName = table, Key = ItemKey($"ACCOUNT#{accountId}", SortKey), ConsistentRead = true }, ct);
        return reply.Item is { } item && item.TryGetValue("open", out var open) && open.SS is { } set ? set.ToHashSet(StringComparer.Ordinal) : new HashSet<string>();
    }

    private static Dictionary<string, AttributeValue> ItemKey(string pk, string sk) => new() { ["pk"] = S(pk), ["sk"] = S(sk) };
}
