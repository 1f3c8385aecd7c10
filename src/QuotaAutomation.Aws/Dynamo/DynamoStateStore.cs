using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using static QuotaAutomation.Aws.Dynamo.DynamoItems;

namespace QuotaAutomation.Aws.Dynamo;

/// <summary>
/// Requests, approvals and alert times in one table. "One open request per quota" and "one active approval per
/// quota" are lock items written in the same transaction as the request or approval, on the condition that no lock
/// exists: two concurrent cycles can never both file for one quota. Closing releases the lock in the same transaction.
/// </summary>
public sealed class DynamoStateStore(IAmazonDynamoDB dynamo, string table) : IRequestStore, IApprovalStore, IAlertLog
{
    private const string OpenRequestLock = "OPEN_REQUEST";
    private const string ActiveApprovalLock = "ACTIVE_APPROVAL";
    private static readonly TimeSpan ClosedRetention = TimeSpan.FromDays(90);

    public Task<IReadOnlyList<QuotaRequest>> ListOpenAsync(CancellationToken ct) => QueryAsync("REQ_OPEN", null, ReadRequest, ct);

    public Task<IReadOnlyList<QuotaRequest>> ListDeniedSinceAsync(DateTimeOffset since, CancellationToken ct) => QueryAsync("REQ_DENIED", since, ReadRequest, ct);

    public Task<bool> TryReserveAsync(QuotaRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        return TryCreateAsync(RequestItem(request), Lock(request.Quota, OpenRequestLock, request.Id), ct);
    }

    public Task UpdateAsync(QuotaRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        return UpdateAsync(RequestItem(request), request.Quota, OpenRequestLock, request.Id, request.Status.IsOpen(), ct);
    }

    public Task<bool> TryStartAsync(ApprovalRequest approval, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(approval);
        return TryCreateAsync(ApprovalItem(approval), Lock(approval.Quota, ActiveApprovalLock, approval.Id), ct);
    }

    public Task<IReadOnlyList<ApprovalRequest>> ListActiveAsync(CancellationToken ct) => QueryAsync("APR_ACTIVE", null, ReadApproval, ct);

    Task<IReadOnlyList<ApprovalRequest>> IApprovalStore.ListDeniedSinceAsync(DateTimeOffset since, CancellationToken ct) => QueryAsync("APR_DENIED", since, ReadApproval, ct);

    public Task UpdateAsync(ApprovalRequest approval, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(approval);
        return UpdateAsync(ApprovalItem(approval), approval.Quota, ActiveApprovalLock, approval.Id, IsActive(approval.Status), ct);
    }

    public async Task<QuotaRequest?> FindRequestAsync(string id, CancellationToken ct)
    {
        var reply = await dynamo.GetItemAsync(new GetItemRequest { TableName = table, Key = ItemKey($"REQ#{id}", "REQ"), ConsistentRead = true }, ct);
        return reply.Item is { Count: > 0 } item ? ReadRequest(item) : null;
    }

    public async Task<ApprovalRequest?> FindApprovalAsync(string id, CancellationToken ct)
    {
        var reply = await dynamo.GetItemAsync(new GetItemRequest { TableName = table, Key = ItemKey($"APR#{id}", "APR"), ConsistentRead = true }, ct);
        return reply.Item is { Count: > 0 } item ? ReadApproval(item) : null;
    }

    public async Task<DateTimeOffset?> LastSentAsync(QuotaKey quota, Severity severity, CancellationToken ct)
    {
        var reply = await dynamo.GetItemAsync(new GetItemRequest { TableName = table, Key = ItemKey($"QUOTA#{QuotaId(quota)}", $"ALERT#{severity}"), ConsistentRead = true }, ct);
        return reply.Item is { Count: > 0 } item ? Time(item, "last_sent") : null;
    }

    public async Task RecordSentAsync(QuotaKey quota, Severity severity, DateTimeOffset at, CancellationToken ct)
    {
        var item = ItemKey($"QUOTA#{QuotaId(quota)}", $"ALERT#{severity}");
        item["last_sent"] = N(Seconds(at));
        item["state_key"] = S("ALERT"); // on the state index, so a cycle reads every active alert in one query
        item["updated_at"] = N(Seconds(at));
        PutKey(item, quota);
        await dynamo.PutItemAsync(new PutItemRequest { TableName = table, Item = item }, ct);
    }

    public async Task<IReadOnlyDictionary<QuotaKey, Severity>> ActiveAsync(CancellationToken ct) =>
        (await QueryAsync("ALERT", null, i => (Key: Key(i), Severity: Enum.Parse<Severity>(Req(i, "sk")["ALERT#".Length..])), ct))
        .GroupBy(a => a.Key).ToDictionary(g => g.Key, g => g.Max(a => a.Severity));

    public async Task ClearAsync(QuotaKey quota, CancellationToken ct)
    {
        foreach (var item in await AlertItemsAsync(quota, ct))
            await dynamo.DeleteItemAsync(new DeleteItemRequest { TableName = table, Key = ItemKey(Req(item, "pk"), Req(item, "sk")) }, ct);
    }

    private Task<List<Dictionary<string, AttributeValue>>> AlertItemsAsync(QuotaKey quota, CancellationToken ct) =>
        QueryAllAsync(dynamo, new QueryRequest
        {
            TableName = table,
            KeyConditionExpression = "pk = :pk AND begins_with(sk, :alert)",
            ExpressionAttributeValues = new() { [":pk"] = S($"QUOTA#{QuotaId(quota)}"), [":alert"] = S("ALERT#") },
            ConsistentRead = true,
        }, ct);

    private async Task<bool> TryCreateAsync(Dictionary<string, AttributeValue> item, Dictionary<string, AttributeValue> lockItem, CancellationToken ct)
    {
        try
        {
            await dynamo.TransactWriteItemsAsync(new TransactWriteItemsRequest
            {
                TransactItems =
                [
                    new TransactWriteItem { Put = new Put { TableName = table, Item = lockItem, ConditionExpression = "attribute_not_exists(pk)" } },
                    new TransactWriteItem { Put = new Put { TableName = table, Item = item, ConditionExpression = "attribute_not_exists(pk)" } },
                ],
            }, ct);
            return true;
        }
        catch (TransactionCanceledException e) when (e.CancellationReasons?.Any(r => r.Code == "ConditionalCheckFailed") ?? true)
        {
            return false; // the quota is held by another request or approval (or the id exists)
        }
    }

    private async Task UpdateAsync(Dictionary<string, AttributeValue> item, QuotaKey quota, string lockName, string id, bool stillHeld, CancellationToken ct)
    {
        if (stillHeld)
        {
            await dynamo.PutItemAsync(new PutItemRequest { TableName = table, Item = item, ConditionExpression = "attribute_exists(pk)" }, ct);
            return;
        }
        await dynamo.TransactWriteItemsAsync(new TransactWriteItemsRequest
        {
            TransactItems =
            [
                new TransactWriteItem { Put = new Put { TableName = table, Item = item, ConditionExpression = "attribute_exists(pk)" } },
                new TransactWriteItem
                {
                    Delete = new Delete
                    {
                        TableName = table,
                        Key = ItemKey($"QUOTA#{QuotaId(quota)}", lockName),
                        ConditionExpression = "attribute_not_exists(pk) OR holder = :id", // release only our own lock
                        ExpressionAttributeValues = new() { [":id"] = S(id) },
                    },
                },
            ],
        }, ct);
    }

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string stateKey, DateTimeOffset? since, Func<Dictionary<string, AttributeValue>, T> read, CancellationToken ct)
    {
        var values = new Dictionary<string, AttributeValue> { [":k"] = S(stateKey) };
        if (since is { } s) values[":since"] = N(Seconds(s));
        var items = await QueryAllAsync(dynamo, new QueryRequest
        {
            TableName = table,
            IndexName = DynamoTables.StateIndex,
            KeyConditionExpression = since is null ? "state_key = :k" : "state_key = :k AND updated_at > :since",
            ExpressionAttributeValues = values,
        }, ct);
        return items.Select(read).ToList();
    }

    private static Dictionary<string, AttributeValue> ItemKey(string pk, string sk) => new() { ["pk"] = S(pk), ["sk"] = S(sk) };

    private static Dictionary<string, AttributeValue> Lock(QuotaKey quota, string lockName, string holder)
    {
        var item = ItemKey($"QUOTA#{QuotaId(quota)}", lockName);
        item["holder"] = S(holder);
        return item;
    }

    /// <summary>The fields a request and an approval share: keys, id, rule and quota.</summary>
    private static Dictionary<string, AttributeValue> Head(string kind, string id, string ruleId, QuotaKey quota)
    {
        var item = ItemKey($"{kind}#{id}", kind);
        item["id"] = S(id);
        item["rule_id"] = S(ruleId);
        PutKey(item, quota);
        return item;
    }

    private static Dictionary<string, AttributeValue> RequestItem(QuotaRequest r)
    {
        var item = Head("REQ", r.Id, r.RuleId, r.Quota);
        item["from_value"] = N(r.FromValue);
        item["desired_value"] = N(r.DesiredValue);
        item["status"] = S(r.Status.ToString());
        item["created_at"] = N(Seconds(r.CreatedAt));
        item["updated_at"] = N(Seconds(r.UpdatedAt));
        item["state_key"] = S(r.Status.IsOpen() ? "REQ_OPEN" : r.Status is RequestStatus.Denied or RequestStatus.NotApproved ? "REQ_DENIED" : "REQ_CLOSED");
        if (!r.Status.IsOpen()) item["ttl"] = N(Seconds(r.UpdatedAt + ClosedRetention));
        Put(item, "aws_request_id", r.AwsRequestId);
        Put(item, "case_id", r.CaseId);
        Put(item, "approval_id", r.ApprovalId);
        Put(item, "error", r.Error);
        return item;
    }

    private static QuotaRequest ReadRequest(Dictionary<string, AttributeValue> i) => new(
        Req(i, "id"), Req(i, "rule_id"), Key(i), Num(i, "from_value"), Num(i, "desired_value"), Enum.Parse<RequestStatus>(Req(i, "status")),
        Time(i, "created_at"), Time(i, "updated_at"), Str(i, "aws_request_id"), Str(i, "case_id"), Str(i, "approval_id"), Str(i, "error"));

    private static bool IsActive(ApprovalStatus status) => status is ApprovalStatus.Waiting or ApprovalStatus.Approved;

    private static Dictionary<string, AttributeValue> ApprovalItem(ApprovalRequest a)
    {
        var item = Head("APR", a.Id, a.RuleId, a.Quota);
        item["current_value"] = N(a.CurrentValue);
        item["desired_value"] = N(a.DesiredValue);
        item["monthly_cost"] = N(a.EstimatedMonthlyCost);
        item["reason"] = S(a.Reason);
        item["severity"] = S(a.Severity.ToString());
        item["utilization"] = N(double.IsFinite(a.UtilizationPercent) ? a.UtilizationPercent : 1e9);
        item["status"] = S(a.Status.ToString());
        item["created_at"] = N(Seconds(a.CreatedAt));
        var updated = a.DecidedAt ?? a.CreatedAt;
        item["updated_at"] = N(Seconds(updated));
        item["state_key"] = S(IsActive(a.Status) ? "APR_ACTIVE" : a.Status == ApprovalStatus.Denied ? "APR_DENIED" : "APR_CLOSED");
        if (!IsActive(a.Status)) item["ttl"] = N(Seconds(updated + ClosedRetention));
        if (a.DecidedAt is { } decided) item["decided_at"] = N(Seconds(decided));
        Put(item, "decided_by", a.DecidedBy);
        Put(item, "comment", a.Comment);
        return item;
    }

    private static ApprovalRequest ReadApproval(Dictionary<string, AttributeValue> i) => new(
        Req(i, "id"), Req(i, "rule_id"), Key(i), Num(i, "current_value"), Num(i, "desired_value"), Num(i, "monthly_cost"), Req(i, "reason"),
        Enum.Parse<Severity>(Req(i, "severity")), Num(i, "utilization"), Enum.Parse<ApprovalStatus>(Req(i, "status")), Time(i, "created_at"),
        i.ContainsKey("decided_at") ? Time(i, "decided_at") : null, Str(i, "decided_by"), Str(i, "comment"));
}
