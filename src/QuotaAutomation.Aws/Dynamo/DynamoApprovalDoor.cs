using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using QuotaAutomation.Core.Ports;
using static QuotaAutomation.Aws.Dynamo.DynamoItems;

namespace QuotaAutomation.Aws.Dynamo;

/// <summary>
/// The approval door's items in the state table: the task token beside its approval (<c>APR#id / TASK_TOKEN</c>), and
/// each spent link nonce (<c>LINK#nonce / NONCE</c>), written on the condition that it does not exist, so a link works
/// once however many requests race. Both expire by TTL when the link or approval would have.
/// </summary>
public sealed class DynamoApprovalDoor(IAmazonDynamoDB dynamo, string table) : IApprovalDoorState
{
    public async Task SaveTaskTokenAsync(string approvalId, string taskToken, DateTimeOffset expires, CancellationToken ct) =>
        await dynamo.PutItemAsync(new PutItemRequest
        {
            TableName = table,
            Item = new() { ["pk"] = S($"APR#{approvalId}"), ["sk"] = S("TASK_TOKEN"), ["task_token"] = S(taskToken), ["ttl"] = N(Seconds(expires)) },
        }, ct);

    public async Task<string?> FindTaskTokenAsync(string approvalId, CancellationToken ct)
    {
        var reply = await dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = table, Key = new() { ["pk"] = S($"APR#{approvalId}"), ["sk"] = S("TASK_TOKEN") }, ConsistentRead = true,
        }, ct);
        return reply.Item is { Count: > 0 } item ? Str(item, "task_token") : null;
    }

    public async Task<bool> TryUseNonceAsync(string nonce, string approvalId, DateTimeOffset expires, CancellationToken ct)
    {
        try
        {
            await dynamo.PutItemAsync(new PutItemRequest
            {
                TableName = table,
                Item = new() { ["pk"] = S($"LINK#{nonce}"), ["sk"] = S("NONCE"), ["approval_id"] = S(approvalId), ["ttl"] = N(Seconds(expires)) },
                ConditionExpression = "attribute_not_exists(pk)",
            }, ct);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false; // spent: someone used this link first
        }
    }
}
