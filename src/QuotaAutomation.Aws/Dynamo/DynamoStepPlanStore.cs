using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using QuotaAutomation.Core.Plans;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using static QuotaAutomation.Aws.Dynamo.DynamoItems;

namespace QuotaAutomation.Aws.Dynamo;

/// <summary>
/// Step plans in the state table, one item per quota beside its request lock and alert times: <c>pk</c>
/// <c>QUOTA#{quota}</c>, <c>sk</c> <c>PLAN</c>, the plan's fields as <see cref="StepPlanFields"/> names them. They are
/// listed through <c>state-index</c> (<c>state_key</c> <c>PLAN</c>) or, for a fleet shard (<see cref="ForShard"/>), its
/// partition of <c>shard-state-index</c> (<c>{account or self}#{Region}#PLAN</c>). No new table, index or IAM action:
/// the Lambda's role already has GetItem, PutItem, DeleteItem and Query on the state table and its indexes.
/// </summary>
/// <remarks>
/// <para>A save is a PutItem on the condition that the quota has no plan or has this one (<c>plan_id</c>): two cycles
/// that both planned a quota cannot both keep their plan; the second's save fails with an
/// <see cref="InvalidOperationException"/> naming the plan that holds the quota, before it files its step. Ending is a
/// DeleteItem on the condition that the plan is still this one: a plan already gone, or replaced, is left as it is.</para>
/// <para>A cycle's <see cref="LoadAsync"/> reads the index (eventually consistent), then each plan it found for its
/// quotas by key with a consistent read (usually none or a few): a plan ended a moment ago is not followed again.</para>
/// <para>An item that does not read as a plan (a hand edit) is skipped by the listings, never failing them; a cycle's
/// load, or a save it refuses, drops it: an Error audit record names the item, the field and the item as stored, then
/// the item is deleted if unchanged, so the rule decides afresh instead of being stuck behind an item nobody can follow.</para>
/// </remarks>
/// <param name="shard">The fleet shard whose plans these are (<see cref="DynamoStateStore.ShardOf"/>), or null: every shard's.</param>
public sealed class DynamoStepPlanStore(IAmazonDynamoDB dynamo, string table, Core.Ports.IAuditLog audit, TimeProvider time, string? shard = null) : IStepPlanStore
{
    private const string SortKey = "PLAN";
    private const string StateKey = "PLAN";

    /// <summary>The plans one fleet shard lists: its own partition of <c>shard-state-index</c>; writes and reads by key are the same for every view.</summary>
    /// <param name="accountId">The shard's account; null for the hub's own quotas (their keys name no account).</param>
    public DynamoStepPlanStore ForShard(string? accountId, string region) => new(dynamo, table, audit, time, DynamoStateStore.ShardOf(accountId, region));

    public async Task<IReadOnlyDictionary<QuotaKey, StepPlan>> LoadAsync(IReadOnlyCollection<QuotaKey> quotas, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(quotas);
        var plans = new Dictionary<QuotaKey, StepPlan>();
        if (quotas.Count == 0) return plans; // no call: a cycle with no increasing rule reads nothing
        var wanted = quotas.Select(PartitionOf).ToHashSet(StringComparer.Ordinal);
        foreach (var listed in await ListedAsync(ct))
        {
            if (Str(listed, "pk") is not { } pk || !wanted.Contains(pk)) continue;
            var reply = await dynamo.GetItemAsync(new GetItemRequest { TableName = table, Key = ItemKey(pk), ConsistentRead = true }, ct);
            if (reply.Item is not { Count: > 0 } item) continue; // ended since the index was read
            var (plan, unreadable) = Read(item);
            if (plan is not null) plans[plan.Quota] = plan;
            else await DropAsync(item, unreadable!, ct); // Read gives one or the other
        }
        return plans;
    }

    public async Task<IReadOnlyList<StepPlan>> ListAsync(CancellationToken ct) => (await ReadAllAsync(ct)).Plans;

    /// <summary>Every plan of the view and every listed item that does not read as one, oldest plan first (the <c>plans</c> command).</summary>
    public async Task<StepPlanListing> ReadAllAsync(CancellationToken ct)
    {
        return StepPlanListing.Of((await ListedAsync(ct)).Select(Read));
    }

    public async Task SaveAsync(StepPlan plan, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var item = StepPlanFields.Checked(plan).ToDictionary(f => f.Key, f => FromPlain(f.Value), StringComparer.Ordinal);
        var pk = PartitionOf(plan.Quota);
        item["pk"] = S(pk);
        item["sk"] = S(SortKey);
        item["state_key"] = S(StateKey);
        item["shard_state"] = S($"{DynamoStateStore.ShardOf(plan.Quota.AccountId, plan.Quota.Region)}#{StateKey}");
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await dynamo.PutItemAsync(new PutItemRequest
                {
                    TableName = table,
                    Item = item,
                    ConditionExpression = "attribute_not_exists(pk) OR plan_id = :id",
                    ExpressionAttributeValues = new() { [":id"] = S(plan.Id) },
                }, ct);
                return;
            }
            catch (ConditionalCheckFailedException)
            {
                // Refused: the quota holds another plan, or an item that is no plan at all (dropped, then saved again).
            }
            var reply = await dynamo.GetItemAsync(new GetItemRequest { TableName = table, Key = ItemKey(pk), ConsistentRead = true }, ct);
            var existing = reply.Item is { Count: > 0 } found ? found : null;
            if (existing is not null && Read(existing) is ({ } other, _))
                throw new InvalidOperationException($"step plan {plan.Id} for {plan.Quota} (rule {plan.RuleId}) not saved: the quota already has plan {other.Id} " +
                    $"(rule {other.RuleId}, created {other.CreatedAt:yyyy-MM-dd HH:mm:ss} UTC); a quota has one plan at a time, and another is made only after it ends");
            if (attempt == 2) throw new InvalidOperationException($"step plan {plan.Id} for {plan.Quota} (rule {plan.RuleId}) not saved: its item changed twice while saving");
            if (existing is not null) await DropAsync(existing, Read(existing).Unreadable!, ct); // not a plan (checked above)
        }
    }

    public async Task EndAsync(StepPlan plan, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(plan);
        try
        {
            await dynamo.DeleteItemAsync(new DeleteItemRequest
            {
                TableName = table,
                Key = ItemKey(PartitionOf(plan.Quota)),
                ConditionExpression = "plan_id = :id",
                ExpressionAttributeValues = new() { [":id"] = S(plan.Id) },
            }, ct);
        }
        catch (ConditionalCheckFailedException)
        {
            // gone already, or the quota holds another plan now: neither is this plan's to end
        }
    }

    private static string PartitionOf(QuotaKey quota) => $"QUOTA#{QuotaId(quota)}";

    private static Dictionary<string, AttributeValue> ItemKey(string pk) => new() { ["pk"] = S(pk), ["sk"] = S(SortKey) };

    /// <summary>The view's plan items from its index (whole items: both state indexes project every attribute).</summary>
    private Task<List<Dictionary<string, AttributeValue>>> ListedAsync(CancellationToken ct) =>
        QueryAllAsync(dynamo, new QueryRequest
        {
            TableName = table,
            IndexName = shard is null ? DynamoTables.StateIndex : DynamoTables.ShardStateIndex,
            KeyConditionExpression = shard is null ? "state_key = :k" : "shard_state = :k",
            ExpressionAttributeValues = new() { [":k"] = S(shard is null ? StateKey : $"{shard}#{StateKey}") },
        }, ct);

    private (StepPlan? Plan, UnreadableStepPlan? Unreadable) Read(Dictionary<string, AttributeValue> item)
    {
        var pk = Str(item, "pk") ?? "?";
        var name = $"{table} item {pk} {Str(item, "sk") ?? "?"}";
        var fields = item.Where(a => a.Key is not ("pk" or "sk" or "state_key" or "shard_state")).ToDictionary(a => a.Key, a => ToPlain(a.Value), StringComparer.Ordinal);
        var (plan, unreadable) = StepPlanFields.Read(name, fields);
        if (unreadable is not null) return (null, unreadable with { Quota = unreadable.Quota ?? QuotaKey.TryParse(pk.StartsWith("QUOTA#", StringComparison.Ordinal) ? pk[6..] : null) });
        // The key is the item's identity: fields naming another quota are a hand edit that would follow one quota's plan on another.
        return PartitionOf(plan!.Quota) == pk ? (plan, null) // Read gives one or the other
            : (null, new UnreadableStepPlan(name, StepPlanFields.ServiceCode, $"and the other key fields name {plan.Quota}, not the quota of the item's key",
                plan.RuleId, QuotaKey.TryParse(pk.StartsWith("QUOTA#", StringComparison.Ordinal) ? pk[6..] : null), System.Text.Json.JsonSerializer.Serialize(fields)));
    }

    /// <summary>Audits the item (kept whole in the record), then deletes it if its plan id is still what was read.</summary>
    private async Task DropAsync(Dictionary<string, AttributeValue> item, UnreadableStepPlan unreadable, CancellationToken ct)
    {
        await audit.TryAppendAsync(unreadable.ToAudit(time.GetUtcNow()), ct);
        var planId = item.TryGetValue(StepPlanFields.PlanId, out var v) && v.S is { } s ? s : null;
        try
        {
            await dynamo.DeleteItemAsync(new DeleteItemRequest
            {
                TableName = table,
                Key = ItemKey(Req(item, "pk")),
                ConditionExpression = planId is null ? "NOT attribute_type(plan_id, :s)" : "plan_id = :id",
                ExpressionAttributeValues = planId is null ? new() { [":s"] = S("S") } : new() { [":id"] = S(planId) },
            }, ct);
        }
        catch (ConditionalCheckFailedException)
        {
            // rewritten meanwhile as a plan (its writer's item is left alone)
        }
    }
}
