using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Dynamo;

/// <summary>
/// The audit trail in DynamoDB: a conditional put, so a record is never overwritten; kept 365 days by TTL.
/// The Lambda's IAM role may PutItem here but not UpdateItem or DeleteItem (terraform/).
/// </summary>
/// <param name="shard">
/// The fleet shard whose trail this is (<see cref="ForShard"/>), or null for the hub's plain cycle: the whole trail.
/// </param>
public sealed class DynamoAuditLog(IAmazonDynamoDB dynamo, string table, TimeSpan retention, string? shard = null) : IAuditLog
{
    /// <summary>
    /// The trail as one fleet shard writes and reconciles it. Its intents, outcomes and cycle records carry the
    /// attribute <c>shard</c> = <see cref="ShardKey"/>, so they alone are on <c>shard-ts-index</c>, and its
    /// reconciliation is one Query of its own partition there: the records it reads do not grow with the fleet (on
    /// <c>kind-ts-index</c> every shard read every shard's day, about 34 million records at 1,000 accounts × 17 Regions).
    /// Decisions and the other per-rule records do not carry it: reconciliation never reads them, and each would cost
    /// one more index write.
    /// </summary>
    public DynamoAuditLog ForShard(string accountId, string region) => new(dynamo, table, retention, ShardKey(accountId, region));

    /// <summary>The <c>shard</c> attribute of one shard's records: <c>{account id}#{Region}</c> (the hub's own shard under its account id).</summary>
    public static string ShardKey(string accountId, string region) => $"{accountId}#{region}";

    public Task AppendAsync(AuditRecord record, CancellationToken ct) => PutAsync(record, ct);

    /// <summary>
    /// Conditional puts in the transactions of 100 DynamoDB allows (TransactWriteItems), one after another so the trail
    /// keeps its order; a single record (a batch of one, or the last of 101) is one conditional PutItem.
    /// </summary>
    /// <remarks>
    /// Not BatchWriteItem, though it takes 25 items for one write unit each where a transaction takes 100 for two: a
    /// batch put has no condition, so it would overwrite a record with the same id, and the Lambda's role denies
    /// BatchWriteItem on this table so that no code path can (terraform/iam.tf, AuditIsAppendOnly). Ids are unique by
    /// construction (run id with its random nonce, then a sequence), but the append-only guarantee should not rest on
    /// that: each put keeps <c>attribute_not_exists(id)</c>, authorised per item as PutItem. A transaction's
    /// <c>ClientRequestToken</c> is derived from its ids, so the SDK's retry of a call whose reply was lost is accepted
    /// by DynamoDB as the same transaction (for 10 minutes) instead of failing its conditions.
    /// </remarks>
    public async Task AppendManyAsync(IReadOnlyList<AuditRecord> records, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(records);
        foreach (var chunk in records.Chunk(TransactionLimit))
        {
            if (chunk.Length == 1)
            {
                // One record needs no transaction: a conditional PutItem is as atomic and bills the item once, where a
                // transaction bills it twice (prepare and commit). A calm fleet shard's flush is its one quiet digest.
                await PutAsync(chunk[0], ct);
                continue;
            }
            var items = chunk.Select(Item).ToList();
            try
            {
                await dynamo.TransactWriteItemsAsync(new TransactWriteItemsRequest
                {
                    ClientRequestToken = TokenOf(chunk),
                    TransactItems = items.Select(i => new TransactWriteItem { Put = new Put { TableName = table, Item = i, ConditionExpression = "attribute_not_exists(id)" } }).ToList(),
                }, ct);
            }
            catch (TransactionCanceledException e) when (e.CancellationReasons?.Any(r => r.Code == "ConditionalCheckFailed") == true)
            {
                // A transaction is all or nothing: an earlier attempt written whole (its reply lost after the token's
                // 10 minutes) is fine; a different record under one of the ids is not.
                foreach (var item in items)
                    if (!await IsStoredAsync(item, ct)) throw;
            }
        }
    }

    /// <summary>TransactWriteItems' limit of items per call.</summary>
    private const int TransactionLimit = 100;

    private static string TokenOf(AuditRecord[] chunk) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', chunk.Select(r => r.Id)))))[..36];

    public async Task<bool> TryAppendAsync(AuditRecord record, CancellationToken ct)
    {
        try
        {
            await PutAsync(record, ct);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false; // another writer (a concurrent cycle reconciling the same record) got there first
        }
    }

    /// <summary>
    /// The window's intents, outcomes and cycle records; those whose closing record is missing are unfinished. An
    /// outcome is always written after its intent, so an intent's outcome falls in the window too. A shard's trail:
    /// one Query of its partition of <c>shard-ts-index</c>. The whole trail (the hub's plain cycle): one Query of
    /// <c>kind-ts-index</c> per kind, which also finds records written before <c>shard</c> existed (docs/fleet-reconciliation.md).
    /// </summary>
    public async Task<IReadOnlyList<AuditRecord>> ListUnfinishedAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken ct)
    {
        List<AuditRecord> intents, outcomes, cycles;
        if (shard is null)
        {
            intents = await ByKindAsync(AuditKind.Intent, since, ct);
            outcomes = await ByKindAsync(AuditKind.Outcome, since, ct);
            cycles = await ByKindAsync(AuditKind.Cycle, since, ct);
        }
        else
        {
            var records = await ByShardAsync(shard, since, ct);
            intents = records.Where(r => r.Kind == AuditKind.Intent).ToList();
            outcomes = records.Where(r => r.Kind == AuditKind.Outcome).ToList();
            cycles = records.Where(r => r.Kind == AuditKind.Cycle).ToList();
        }
        var closed = outcomes.Select(o => o.ActionId).ToHashSet(StringComparer.Ordinal);
        var ended = cycles.Where(c => c.Action == "cycle_end").Select(c => c.RunId).ToHashSet(StringComparer.Ordinal);
        return intents.Where(i => i.Timestamp <= until && !closed.Contains(i.Id))
            .Concat(cycles.Where(c => c.Action == "cycle_start" && c.Timestamp <= until && !ended.Contains(c.RunId)))
            .OrderBy(r => r.Timestamp).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>The kinds a shard's records carry <c>shard</c> on: what reconciliation reads.</summary>
    private static bool IsReconciled(AuditKind kind) => kind is AuditKind.Intent or AuditKind.Outcome or AuditKind.Cycle;

    private async Task<List<AuditRecord>> ByShardAsync(string key, DateTimeOffset since, CancellationToken ct) =>
        (await DynamoItems.QueryAllAsync(dynamo, new QueryRequest
        {
            TableName = table,
            IndexName = DynamoTables.AuditByShardIndex,
            KeyConditionExpression = "#shard = :s AND ts >= :since",
            ExpressionAttributeNames = new() { ["#shard"] = "shard" },
            ExpressionAttributeValues = new() { [":s"] = DynamoItems.S(key), [":since"] = DynamoItems.N(DynamoItems.Seconds(since)) },
        }, ct)).Select(Read).ToList();

    private async Task<List<AuditRecord>> ByKindAsync(AuditKind kind, DateTimeOffset since, CancellationToken ct) =>
        (await DynamoItems.QueryAllAsync(dynamo, new QueryRequest
        {
            TableName = table,
            IndexName = DynamoTables.AuditByKindIndex,
            KeyConditionExpression = "#kind = :k AND ts >= :since",
            ExpressionAttributeNames = new() { ["#kind"] = "kind" },
            ExpressionAttributeValues = new() { [":k"] = DynamoItems.S(kind.ToString()), [":since"] = DynamoItems.N(DynamoItems.Seconds(since)) },
        }, ct)).Select(Read).ToList();

    /// <summary>
    /// The records a filter selects, oldest first, read through an index (never a scan): with a rule, its
    /// <c>rule_id-ts-index</c> over the time window; without one, <c>kind-ts-index</c> once per kind, so the filter
    /// must name a rule or kinds (<see cref="AuditFilter.Kinds"/>); null when it names neither.
    /// </summary>
    public async Task<IReadOnlyList<AuditRecord>?> QueryAsync(AuditFilter filter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var from = DynamoItems.N(filter.Since is { } since ? DynamoItems.Seconds(since) : 0);
        var to = DynamoItems.N(filter.Until is { } until ? DynamoItems.Seconds(until) - 1 : DynamoItems.Seconds(DateTimeOffset.MaxValue)); // ts is whole seconds; until is exclusive
        IEnumerable<QueryRequest> queries;
        if (filter.RuleId is { } ruleId)
            queries = [new QueryRequest
            {
                TableName = table,
                IndexName = DynamoTables.AuditByRuleIndex,
                KeyConditionExpression = "rule_id = :r AND ts BETWEEN :from AND :to",
                ExpressionAttributeValues = new() { [":r"] = DynamoItems.S(ruleId), [":from"] = from, [":to"] = to },
            }];
        else if (filter.Kinds is { } kinds)
            queries = kinds.Select(kind => new QueryRequest
            {
                TableName = table,
                IndexName = DynamoTables.AuditByKindIndex,
                KeyConditionExpression = "#kind = :k AND ts BETWEEN :from AND :to",
                ExpressionAttributeNames = new() { ["#kind"] = "kind" },
                ExpressionAttributeValues = new() { [":k"] = DynamoItems.S(kind.ToString()), [":from"] = from, [":to"] = to },
            });
        else
            return null;
        var records = new List<AuditRecord>();
        foreach (var query in queries) records.AddRange((await DynamoItems.QueryAllAsync(dynamo, query, ct)).Select(Read));
        return records.Where(filter.Matches).OrderBy(r => r.Timestamp).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();
    }

    private async Task PutAsync(AuditRecord record, CancellationToken ct)
    {
        var item = Item(record);
        try
        {
            await dynamo.PutItemAsync(new PutItemRequest { TableName = table, Item = item, ConditionExpression = "attribute_not_exists(id)" }, ct);
        }
        catch (ConditionalCheckFailedException)
        {
            // An earlier attempt of this same put may have been written with its reply lost (reset, timeout) before
            // the SDK retried: then the record is there, once. A different record under the id still fails.
            if (!await IsStoredAsync(item, ct)) throw;
        }
    }

    private Dictionary<string, AttributeValue> Item(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var item = new Dictionary<string, AttributeValue>
        {
            ["id"] = DynamoItems.S(record.Id),
            ["run_id"] = DynamoItems.S(record.RunId),
            ["ts"] = DynamoItems.N(DynamoItems.Seconds(record.Timestamp)),
            ["at"] = DynamoItems.S(record.Timestamp.ToString("O", System.Globalization.CultureInfo.InvariantCulture)),
            ["kind"] = DynamoItems.S(record.Kind.ToString()),
            ["rule_id"] = DynamoItems.S(record.RuleId),
            ["action"] = DynamoItems.S(record.Action),
            ["message"] = DynamoItems.S(record.Message),
            ["ttl"] = DynamoItems.N(DynamoItems.Seconds(record.Timestamp + retention)),
        };
        DynamoItems.Put(item, "quota", record.Quota?.ToString());
        DynamoItems.Put(item, "action_id", record.ActionId);
        DynamoItems.Put(item, "details", record.Details is null ? null : JsonSerializer.Serialize(record.Details));
        DynamoItems.Put(item, "shard", IsReconciled(record.Kind) ? shard : null);
        return item;
    }

    private async Task<bool> IsStoredAsync(Dictionary<string, AttributeValue> item, CancellationToken ct)
    {
        var stored = (await dynamo.GetItemAsync(new GetItemRequest { TableName = table, Key = new() { ["id"] = item["id"] }, ConsistentRead = true }, ct)).Item;
        return stored is { Count: > 0 } && item.All(a => stored.TryGetValue(a.Key, out var v) && v.S == a.Value.S && v.N == a.Value.N);
    }

    /// <summary>A rule's records, oldest first.</summary>
    public async Task<IReadOnlyList<AuditRecord>> ForRuleAsync(string ruleId, CancellationToken ct)
    {
        var records = (await DynamoItems.QueryAllAsync(dynamo, new QueryRequest
        {
            TableName = table,
            IndexName = DynamoTables.AuditByRuleIndex,
            KeyConditionExpression = "rule_id = :r",
            ExpressionAttributeValues = new() { [":r"] = DynamoItems.S(ruleId) },
        }, ct)).Select(Read);
        return records.OrderBy(r => r.Timestamp).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();
    }

    private static AuditRecord Read(Dictionary<string, AttributeValue> i) => new(
        DynamoItems.Req(i, "id"), DynamoItems.Req(i, "run_id"), DynamoItems.Time(i, "ts"), Enum.Parse<AuditKind>(DynamoItems.Req(i, "kind")),
        DynamoItems.Req(i, "rule_id"), QuotaKey.TryParse(DynamoItems.Str(i, "quota")), DynamoItems.Req(i, "action"), DynamoItems.Req(i, "message"), DynamoItems.Str(i, "action_id"),
        DynamoItems.Str(i, "details") is { } details ? JsonSerializer.Deserialize<Dictionary<string, string>>(details) : null);
}
