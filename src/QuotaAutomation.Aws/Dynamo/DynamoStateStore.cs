using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using QuotaAutomation.Core.Approvals;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using static QuotaAutomation.Aws.Dynamo.DynamoItems;

namespace QuotaAutomation.Aws.Dynamo;

/// <summary>
/// Requests, approvals and alert times in one table. "One open request per quota" and "one active approval per
/// quota" are lock items written in the same transaction as the request or approval, on the condition that no lock
/// exists: two concurrent cycles can never both file for one quota. Closing releases the lock in the same transaction.
/// Open requests, active approvals, recent denials and active alerts are listed from <c>state-index</c> (the whole
/// fleet's, for the hub's own cycle and the CLI) or, for a fleet shard (<see cref="ForShard"/>), from its own partition
/// of <c>shard-state-index</c>. One file past 300 lines: it is the state table's layout (items, keys, indexes, and the
/// upgrade step that writes those keys), which is easier to keep right in one place than split.
/// </summary>
/// <param name="shard">The fleet shard whose lists these are (<see cref="ShardOf"/>), or null: every shard's.</param>
public sealed class DynamoStateStore(IAmazonDynamoDB dynamo, string table, string? shard = null) : IRequestStore, IApprovalStore, IAlertLog
{
    private const string OpenRequestLock = "OPEN_REQUEST";
    private const string ActiveApprovalLock = "ACTIVE_APPROVAL";
    private static readonly TimeSpan ClosedRetention = TimeSpan.FromDays(90);

    /// <summary>
    /// The store as one fleet shard lists it: its own account and Region's open requests, active approvals, recent
    /// denials and active alerts, one Query each of its partition of <c>shard-state-index</c>. On <c>state-index</c>
    /// (partitioned by state alone) every shard read every shard's items: the fleet's active alerts, 17,000 times a
    /// cycle at 1,000 accounts × 17 Regions. Writes and lookups by id or quota are the same for every view.
    /// </summary>
    /// <param name="accountId">The shard's account; null for the hub's own quotas (their keys name no account).</param>
    public DynamoStateStore ForShard(string? accountId, string region) => new(dynamo, table, ShardOf(accountId, region));

    /// <summary>A shard's part of <c>shard_state</c>: <c>{account id or self}#{Region}</c>, as <see cref="QuotaKey.AccountOrSelf"/> names the account.</summary>
    public static string ShardOf(string? accountId, string region) => $"{accountId ?? "self"}#{region}";

    /// <summary>
    /// The <c>shard-state-index</c> key of an item in <paramref name="state"/>: <c>{account or self}#{Region}#{state}</c>.
    /// Only the states a shard lists carry it (closed requests and approvals stay off the index: nothing reads them there).
    /// </summary>
    private static void PutShardState(Dictionary<string, AttributeValue> item, QuotaKey quota, string state)
    {
        if (state is not ("REQ_CLOSED" or "APR_CLOSED")) item["shard_state"] = S($"{ShardOf(quota.AccountId, quota.Region)}#{state}");
    }

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
        item["state_key"] = S("ALERT"); // on the state indexes, so a cycle reads every active alert in one query
        item["updated_at"] = N(Seconds(at));
        PutKey(item, quota);
        PutShardState(item, quota, "ALERT");
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

    /// <summary>
    /// Gives the items a shard lists that were written before <c>shard-state-index</c> existed their <c>shard_state</c>
    /// (an upgrade step: <c>quota-automation --backend aws init</c>), so no shard misses an open request, an approval, a
    /// denial or an alert of its own. One Query of <c>state-index</c> per listed state, then a conditional UpdateItem per
    /// item without the key; an item whose state changed meanwhile got its key from its writer and is left alone.
    /// </summary>
    /// <returns>How many items were given their key (0 when every item has one).</returns>
    public async Task<int> AddShardKeysAsync(CancellationToken ct)
    {
        var added = 0;
        foreach (var state in (string[])["REQ_OPEN", "REQ_DENIED", "APR_ACTIVE", "APR_DENIED", "ALERT"])
        {
            var items = await QueryAllAsync(dynamo, new QueryRequest
            {
                TableName = table,
                IndexName = DynamoTables.StateIndex,
                KeyConditionExpression = "state_key = :k",
                FilterExpression = "attribute_not_exists(shard_state)",
                ExpressionAttributeValues = new() { [":k"] = S(state) },
            }, ct);
            foreach (var item in items)
            {
                var quota = Key(item);
                try
                {
                    await dynamo.UpdateItemAsync(new UpdateItemRequest
                    {
                        TableName = table,
                        Key = ItemKey(Req(item, "pk"), Req(item, "sk")),
                        UpdateExpression = "SET shard_state = :shard",
                        ConditionExpression = "state_key = :k AND attribute_not_exists(shard_state)",
                        ExpressionAttributeValues = new() { [":shard"] = S($"{ShardOf(quota.AccountId, quota.Region)}#{state}"), [":k"] = S(state) },
                    }, ct);
                    added++;
                }
                catch (ConditionalCheckFailedException)
                {
                    // rewritten since the Query (with its key) or gone: nothing to add
                }
            }
        }
        return added;
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
        var keyName = shard is null ? "state_key" : "shard_state";
        var values = new Dictionary<string, AttributeValue> { [":k"] = S(shard is null ? stateKey : $"{shard}#{stateKey}") };
        if (since is { } s) values[":since"] = N(Seconds(s));
        var items = await QueryAllAsync(dynamo, new QueryRequest
        {
            TableName = table,
            IndexName = shard is null ? DynamoTables.StateIndex : DynamoTables.ShardStateIndex,
            KeyConditionExpression = since is null ? $"{keyName} = :k" : $"{keyName} = :k AND updated_at > :since",
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
        var state = r.Status.IsOpen() ? "REQ_OPEN" : r.Status is RequestStatus.Denied or RequestStatus.NotApproved ? "REQ_DENIED" : "REQ_CLOSED";
        item["state_key"] = S(state);
        PutShardState(item, r.Quota, state);
        if (!r.Status.IsOpen()) item["ttl"] = N(Seconds(r.UpdatedAt + ClosedRetention));
        Put(item, "aws_request_id", r.AwsRequestId);
        Put(item, "case_id", r.CaseId);
        Put(item, "approval_id", r.ApprovalId);
        Put(item, "error", r.Error);
        Put(item, "charged", Core.Governance.ChargedBudgets.ToJson(r.Charged));
        return item;
    }

    private static QuotaRequest ReadRequest(Dictionary<string, AttributeValue> i) => new(
        Req(i, "id"), Req(i, "rule_id"), Key(i), Num(i, "from_value"), Num(i, "desired_value"), Enum.Parse<RequestStatus>(Req(i, "status")),
        Time(i, "created_at"), Time(i, "updated_at"), Str(i, "aws_request_id"), Str(i, "case_id"), Str(i, "approval_id"), Str(i, "error"))
    {
        Charged = Core.Governance.ChargedBudgets.FromJson(Str(i, "charged")),
    };

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
        var state = IsActive(a.Status) ? "APR_ACTIVE" : a.Status == ApprovalStatus.Denied ? "APR_DENIED" : "APR_CLOSED";
        item["state_key"] = S(state);
        PutShardState(item, a.Quota, state);
        if (!IsActive(a.Status)) item["ttl"] = N(Seconds(updated + ClosedRetention));
        if (a.DecidedAt is { } decided) item["decided_at"] = N(Seconds(decided));
        Put(item, "decided_by", a.DecidedBy);
        Put(item, "comment", a.Comment);
        if (a.RequiredApprovers > 1) item["required_approvers"] = N(a.RequiredApprovers);
        if (a.Approvers.Count > 0) item["approvers"] = new AttributeValue { L = a.Approvers.Select(S).ToList() };
        if (ApproverGroup.ToJson(a.ApproverGroups) is { } groups) item["approver_groups"] = S(groups);
        return item;
    }

    private static ApprovalRequest ReadApproval(Dictionary<string, AttributeValue> i) => new(
        Req(i, "id"), Req(i, "rule_id"), Key(i), Num(i, "current_value"), Num(i, "desired_value"), Num(i, "monthly_cost"), Req(i, "reason"),
        Enum.Parse<Severity>(Req(i, "severity")), Num(i, "utilization"), Enum.Parse<ApprovalStatus>(Req(i, "status")), Time(i, "created_at"),
        i.ContainsKey("decided_at") ? Time(i, "decided_at") : null, Str(i, "decided_by"), Str(i, "comment"))
    {
        RequiredApprovers = i.ContainsKey("required_approvers") ? (int)Num(i, "required_approvers") : 1,
        Approvers = i.TryGetValue("approvers", out var list) && list.L is { } approvers ? approvers.Select(a => a.S).OfType<string>().ToList() : [],
        ApproverGroups = ApproverGroup.FromJson(i.TryGetValue("approver_groups", out var groups) ? groups.S : null),
    };
}
