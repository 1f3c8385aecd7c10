using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using QuotaAutomation.Core.Ports;
using static QuotaAutomation.Aws.Dynamo.DynamoItems;

namespace QuotaAutomation.Aws.Dynamo;

/// <summary>
/// Policies' monthly budgets in the state table: one item per budget and month, <c>BUDGET#key</c> / <c>MONTH#2026-12</c>,
/// holding <c>spent</c> (USD a month added). A charge is one conditional UpdateItem, <c>ADD spent :cost</c> if the spend
/// stays within the limit; DynamoDB serialises writes to one item, so concurrent fleet shards can never spend past it
/// between them. Items expire (TTL) a year after their month.
/// </summary>
public sealed class DynamoBudgetLedger(IAmazonDynamoDB dynamo, string table, TimeProvider time) : IBudgetLedger
{
    private static readonly TimeSpan Retention = TimeSpan.FromDays(400);

    public async Task<BudgetCharge> TryChargeAsync(string budgetKey, string month, double cost, double? limit, CancellationToken ct)
    {
        if (limit is { } l && cost > l) return new BudgetCharge(false, await SpentAsync(budgetKey, month, ct)); // over on its own: no write can hold it
        var request = new UpdateItemRequest
        {
            TableName = table,
            Key = ItemKey(budgetKey, month),
            UpdateExpression = "ADD #spent :cost SET #ttl = if_not_exists(#ttl, :ttl)",
            ExpressionAttributeNames = new Dictionary<string, string> { ["#spent"] = "spent", ["#ttl"] = "ttl" },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue>
            {
                [":cost"] = N(cost),
                [":ttl"] = N(Seconds(time.GetUtcNow() + Retention)),
            },
            ReturnValues = ReturnValue.UPDATED_OLD,
        };
        if (limit is { } max)
        {
            request.ConditionExpression = "attribute_not_exists(#spent) OR #spent <= :room";
            request.ExpressionAttributeValues[":room"] = N(max - cost);
        }
        try
        {
            var reply = await dynamo.UpdateItemAsync(request, ct);
            return new BudgetCharge(true, reply.Attributes is { } old && old.ContainsKey("spent") ? Num(old, "spent") : 0);
        }
        catch (ConditionalCheckFailedException)
        {
            return new BudgetCharge(false, await SpentAsync(budgetKey, month, ct));
        }
    }

    public async Task RefundAsync(string budgetKey, string month, double cost, CancellationToken ct) =>
        await TryChargeAsync(budgetKey, month, -cost, null, ct);

    public async Task<double> SpentAsync(string budgetKey, string month, CancellationToken ct)
    {
        var reply = await dynamo.GetItemAsync(new GetItemRequest { TableName = table, Key = ItemKey(budgetKey, month), ConsistentRead = true }, ct);
        return reply.Item is { } item && item.ContainsKey("spent") ? Num(item, "spent") : 0;
    }

    private static Dictionary<string, AttributeValue> ItemKey(string budgetKey, string month) =>
        new() { ["pk"] = S($"BUDGET#{budgetKey}"), ["sk"] = S(string.Create(CultureInfo.InvariantCulture, $"MONTH#{month}")) };
}
