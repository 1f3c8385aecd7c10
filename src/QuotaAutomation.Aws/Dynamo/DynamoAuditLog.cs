using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Dynamo;

/// <summary>
/// The audit trail in DynamoDB: a conditional put, so a record is never overwritten; kept 365 days by TTL.
/// The Lambda's IAM role may PutItem here but not UpdateItem or DeleteItem (terraform/). Its indexes copy only what
/// their readers need; whole records are read by key (docs/fleet-auditw.md).
/// </summary>
/// <remarks>
/// About 300 lines: the writes, the reconciliation read and the filtered reads share one item layout (<c>Item</c>,
/// <c>Read</c>, the index entries); split, that layout would be spread over three files.
/// </remarks>
/// <param name="shard">
/// The fleet shard whose trail this is (<see cref="ForShard"/>), or null for the hub's plain cycle: the whole trail.
/// </param>
public sealed class DynamoAuditLog(IAmazonDynamoDB dynamo, string table, TimeSpan retention, string? shard = null) : IAuditLog
{
    /// <summary>
    /// The trail as one fleet shard writes and reconciles it. Its intents, outcomes and cycle records carry the
    /// attribute <c>shard</c> = <see cref="ShardKey"/>, so they alone are on <c>shard-ts-index</c>, and its
    /// reconciliation reads its own partition there, newest first (usually one page): what it reads does not grow with the fleet (on
    /// <c>kind-ts-index</c> every shard read every shard's day, about 34 million records at 1,000 accounts × 17 Regions).
    /// Decisions and the other per-rule records do not carry it: reconciliation never reads them, and each would cost
    /// one more index write.
    /// </summary>
    public DynamoAuditLog ForShard(string accountId, string region) => new(dynamo, table, retention, ShardKey(accountId, region));

    /// <summary>The <c>shard</c> attribute of one shard's records: <c>{account id}#{Region}</c> (the hub's own shard under its account id).</summary>
    public static string ShardKey(string accountId, string region) => $"{accountId}#{region}";

    public Task AppendAsync(AuditRecord record, CancellationToken ct) => PutAsync(record, ct);

    /// <summary>
    /// A batch of up to <see cref="PutsUpTo"/> records (a fleet shard's flush: its quiet digest and the few decisions that
    /// are not quiet) is a conditional PutItem per record, all at once: one round trip, each item billed once. A larger
    /// one is conditional puts in the transactions of 100 DynamoDB allows (TransactWriteItems), one after another so the
    /// trail keeps its order, so that a cycle of 10,000 rules makes 100 calls, not 10,000; a chunk of one record is a
    /// conditional PutItem.
    /// </summary>
    /// <remarks>
    /// Why not a transaction for a small batch: it bills each item twice (prepare and commit), for an all-or-nothing the
    /// trail does not need (docs/fleet-auditw.md). What holds either way: each put is <c>attribute_not_exists(id)</c>,
    /// so no record is ever overwritten; a put or transaction whose reply was lost is recognised when its retry finds the
    /// same records; the batch is written before the engine's next intent (it awaits this). What small batches give up:
    /// a failure can leave part of the batch written. The engine keeps the batch and writes it again at its next flush (the
    /// records already there pass as the same records); a process that dies meanwhile leaves part of a phase's decisions,
    /// errors or status changes, which are never reconciled (intents, outcomes and cycle records are written one at a
    /// time, never in a batch). Not BatchWriteItem, though it takes 25 items for one write unit each: a batch put has no
    /// condition, so it would overwrite a record with the same id, and the Lambda's role denies BatchWriteItem on this
    /// table so that no code path can (terraform/iam.tf, AuditIsAppendOnly). A transaction's <c>ClientRequestToken</c> is
    /// derived from its ids, so the SDK's retry of a call whose reply was lost is accepted by DynamoDB as the same
    /// transaction (for 10 minutes) instead of failing its conditions.
    /// </remarks>
    public async Task AppendManyAsync(IReadOnlyList<AuditRecord> records, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count <= PutsUpTo)
        {
            await Parallel.ForEachAsync(records, new ParallelOptions { MaxDegreeOfParallelism = PutsUpTo, CancellationToken = ct },
                async (record, token) => await PutAsync(record, token));
            return;
        }
        foreach (var chunk in records.Chunk(TransactionLimit))
        {
            if (chunk.Length == 1)
            {
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

    /// <summary>The largest batch written as separate conditional PutItems, all in flight at once (<see cref="DynamoBatches.MaxInFlight"/>).</summary>
    public const int PutsUpTo = DynamoBatches.MaxInFlight;

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
    /// The window's intents, outcomes and cycle records; those whose closing record is missing are unfinished, and are
    /// then read whole by key (the indexes hold only what tells open from closed). An outcome is always written after its
    /// intent, so an intent's outcome falls in the window too. A shard's trail: its partition of <c>shard-ts-index</c>
    /// newest first, <see cref="ReconcilePage"/> entries a page, stopping once it has read every entry newer than the
    /// newest <see cref="ReconciledThrough"/> a cycle end vouched for (older ones were closed); with no such end in the
    /// window, the whole window. The whole trail (the hub's plain cycle): one Query of <c>kind-ts-index</c> per kind,
    /// which also finds records written before <c>shard</c> existed (docs/fleet-reconciliation.md).
    /// </summary>
    public async Task<IReadOnlyList<AuditRecord>> ListUnfinishedAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken ct)
    {
        List<Entry> entries;
        long? through = null;
        if (shard is null)
        {
            entries = [];
            foreach (var kind in (AuditKind[])[AuditKind.Intent, AuditKind.Outcome, AuditKind.Cycle])
                entries.AddRange(await ByKindAsync(kind, since, ct));
        }
        else
        {
            (entries, through) = await ByShardNewestFirstAsync(shard, since, ct);
        }
        var untilSeconds = DynamoItems.Seconds(until);
        var closed = entries.Where(e => e.Kind == AuditKind.Outcome && e.ActionId is not null).Select(e => e.ActionId!).ToHashSet(StringComparer.Ordinal); // ! : filtered
        var ended = entries.Where(e => e is { Kind: AuditKind.Cycle, Action: "cycle_end" }).Select(e => e.RunId).ToHashSet(StringComparer.Ordinal);
        var open = entries.Where(e => e.Ts <= untilSeconds && e.Ts > (through ?? long.MinValue)
            && ((e.Kind == AuditKind.Intent && !closed.Contains(e.Id)) || (e is { Kind: AuditKind.Cycle, Action: "cycle_start" } && !ended.Contains(e.RunId))));
        return (await WholeAsync(open.Select(e => e.Id), ct)).OrderBy(r => r.Timestamp).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Index entries a page of a shard's reconciliation read: about 160 bytes each, so a page is under 4 KB, half a read
    /// unit. A steady shard's newest entries back to its last cycle end's <see cref="ReconciledThrough"/> (the runs of the
    /// last 15 minutes and some: 2 records a run, 2 an action) fit in one.
    /// </summary>
    public const int ReconcilePage = 24;

    /// <summary>What an index entry tells reconciliation (<see cref="DynamoTables.AuditByShardAttributes"/>).</summary>
    private sealed record Entry(string Id, long Ts, AuditKind Kind, string RunId, string Action, string? ActionId, long? Through);

    private static Entry EntryOf(Dictionary<string, AttributeValue> i, AuditKind? kind = null) => new(
        DynamoItems.Req(i, "id"), (long)DynamoItems.Num(i, "ts"), kind ?? Enum.Parse<AuditKind>(DynamoItems.Req(i, "kind")), DynamoItems.Req(i, "run_id"),
        DynamoItems.Req(i, "action"), DynamoItems.Str(i, "action_id"), i.ContainsKey(ThroughAttribute) ? (long)DynamoItems.Num(i, ThroughAttribute) : null);

    /// <summary>
    /// A cycle end's <see cref="ReconciledThrough"/> in whole seconds, one less than the second it falls in: every record
    /// whose <c>ts</c> (its time's whole second) is at or below it was written before that time.
    /// </summary>
    private const string ThroughAttribute = "reconciled_through";

    private async Task<(List<Entry> Entries, long? Through)> ByShardNewestFirstAsync(string key, DateTimeOffset since, CancellationToken ct)
    {
        var request = new QueryRequest
        {
            TableName = table,
            IndexName = DynamoTables.AuditByShardIndex,
            KeyConditionExpression = "#shard = :s AND ts >= :since",
            ExpressionAttributeNames = new() { ["#shard"] = "shard" },
            ExpressionAttributeValues = new() { [":s"] = DynamoItems.S(key), [":since"] = DynamoItems.N(DynamoItems.Seconds(since)) },
            ScanIndexForward = false,
            Limit = ReconcilePage,
        };
        var entries = new List<Entry>();
        long? through = null;
        do
        {
            var page = await dynamo.QueryAsync(request, ct);
            foreach (var entry in (page.Items ?? []).Select(i => EntryOf(i)))
            {
                entries.Add(entry);
                if (entry.Through is { } t && t > (through ?? long.MinValue)) through = t;
            }
            request.ExclusiveStartKey = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (request.ExclusiveStartKey is not null && !(through is { } vouched && entries[^1].Ts <= vouched)); // newest first: every entry above it is read
        return (entries, through);
    }

    /// <summary>The kinds a shard's records carry <c>shard</c> on: what reconciliation reads.</summary>
    private static bool IsReconciled(AuditKind kind) => kind is AuditKind.Intent or AuditKind.Outcome or AuditKind.Cycle;

    private async Task<List<Entry>> ByKindAsync(AuditKind kind, DateTimeOffset since, CancellationToken ct) =>
        (await DynamoItems.QueryAllAsync(dynamo, new QueryRequest
        {
            TableName = table,
            IndexName = DynamoTables.AuditByKindIndex,
            KeyConditionExpression = "#kind = :k AND ts >= :since",
            ExpressionAttributeNames = new() { ["#kind"] = "kind" },
            ExpressionAttributeValues = new() { [":k"] = DynamoItems.S(kind.ToString()), [":since"] = DynamoItems.N(DynamoItems.Seconds(since)) },
        }, ct)).Select(i => EntryOf(i, kind)).ToList();

    /// <summary>The rule id of records that belong to no rule (cycle records, quiet digests): not written, so they stay off <c>rule_id-ts-index</c>.</summary>
    private const string NoRule = "-";

    /// <summary>
    /// The records a filter selects, oldest first, found through an index (never a scan) and read whole by key: with a
    /// rule, its <c>rule_id-ts-index</c> over the time window; without one, or for rule <c>-</c> (records of no rule are
    /// not on the rule index), <c>kind-ts-index</c> once per kind, so the filter must name a rule or kinds
    /// (<see cref="AuditFilter.Kinds"/>; every kind for rule <c>-</c>); null when it names neither.
    /// </summary>
    public async Task<IReadOnlyList<AuditRecord>?> QueryAsync(AuditFilter filter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var from = DynamoItems.N(filter.Since is { } since ? DynamoItems.Seconds(since) : 0);
        var to = DynamoItems.N(filter.Until is { } until ? DynamoItems.Seconds(until) - 1 : DynamoItems.Seconds(DateTimeOffset.MaxValue)); // ts is whole seconds; until is exclusive
        IEnumerable<QueryRequest> queries;
        if (filter.RuleId is { } ruleId && ruleId != NoRule)
            queries = [new QueryRequest
            {
                TableName = table,
                IndexName = DynamoTables.AuditByRuleIndex,
                KeyConditionExpression = "rule_id = :r AND ts BETWEEN :from AND :to",
                ExpressionAttributeValues = new() { [":r"] = DynamoItems.S(ruleId), [":from"] = from, [":to"] = to },
            }];
        else if ((filter.Kinds ?? (filter.RuleId is null ? null : Enum.GetValues<AuditKind>())) is { } kinds)
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
        var ids = new List<string>();
        foreach (var query in queries) ids.AddRange((await DynamoItems.QueryAllAsync(dynamo, query, ct)).Select(i => DynamoItems.Req(i, "id")));
        return (await WholeAsync(ids, ct)).Where(filter.Matches).OrderBy(r => r.Timestamp).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();
    }

    /// <summary>The records with these ids, read whole from the table (BatchGetItem, 100 a call); one gone meanwhile (TTL) is left out.</summary>
    private async Task<List<AuditRecord>> WholeAsync(IEnumerable<string> ids, CancellationToken ct)
    {
        var keys = ids.Distinct(StringComparer.Ordinal).Select(id => new Dictionary<string, AttributeValue> { ["id"] = DynamoItems.S(id) }).ToList();
        return keys.Count == 0 ? [] : (await DynamoBatches.GetAsync(dynamo, table, keys, ct)).Select(Read).ToList();
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
            ["action"] = DynamoItems.S(record.Action),
            ["message"] = DynamoItems.S(record.Message),
            ["ttl"] = DynamoItems.N(DynamoItems.Seconds(record.Timestamp + retention)),
        };
        DynamoItems.Put(item, "quota", record.Quota?.ToString());
        DynamoItems.Put(item, "action_id", record.ActionId);
        if (record.Details is not null) item["details"] = Details(StoredDetails.Encode(record.Details));
        DynamoItems.Put(item, "rule_id", record.RuleId == NoRule ? null : record.RuleId); // sparse: cycle records and digests stay off rule_id-ts-index
        DynamoItems.Put(item, "shard", IsReconciled(record.Kind) ? shard : null);
        if (ReconciledThrough.Of(record) is { } through) item[ThroughAttribute] = DynamoItems.N(DynamoItems.Seconds(through) - 1);
        return item;
    }

    private async Task<bool> IsStoredAsync(Dictionary<string, AttributeValue> item, CancellationToken ct)
    {
        var stored = (await dynamo.GetItemAsync(new GetItemRequest { TableName = table, Key = new() { ["id"] = item["id"] }, ConsistentRead = true }, ct)).Item;
        return stored is { Count: > 0 } && item.All(a => stored.TryGetValue(a.Key, out var v) && v.S == a.Value.S && v.N == a.Value.N
            && (v.B?.ToArray() ?? []).AsSpan().SequenceEqual(a.Value.B?.ToArray() ?? []));
    }

    /// <summary>
    /// <c>details</c>: a string (S) of JSON, or over <see cref="StoredDetails.CompressAbove"/> bytes that JSON gzip'd as
    /// binary (B, billed by its bytes: a 50-rule digest's 6–7 KB become about 1.5 KB). Readers take either; items
    /// written before compression are S.
    /// </summary>
    private static AttributeValue Details(StoredForm stored) =>
        stored.Gzip is { } gzip ? new AttributeValue { B = new MemoryStream(gzip, 0, gzip.Length, writable: false, publiclyVisible: true) } : DynamoItems.S(stored.Json!); // ! : exactly one is set

    /// <summary>The stored details, decoded; a value that cannot be (corrupt, hand-edited, of another type) gives <see cref="StoredDetails.Unreadable(string, string)"/>, never an exception.</summary>
    private static IReadOnlyDictionary<string, string>? DetailsOf(string id, Dictionary<string, AttributeValue> i) =>
        !i.TryGetValue("details", out var v) ? null
        : v.B is { } b ? StoredDetails.FromGzip(id, b.ToArray())
        : v.S is { } s ? StoredDetails.FromJson(id, s)
        : StoredDetails.Unreadable(id, "the details are neither a string nor binary");

    /// <summary>A rule's records, oldest first (rule <c>-</c>: the records of no rule, through <c>kind-ts-index</c>).</summary>
    public async Task<IReadOnlyList<AuditRecord>> ForRuleAsync(string ruleId, CancellationToken ct) =>
        await QueryAsync(new AuditFilter(ruleId), ct) ?? []; // a filter with a rule always names an index

    private static AuditRecord Read(Dictionary<string, AttributeValue> i) => new(
        DynamoItems.Req(i, "id"), DynamoItems.Req(i, "run_id"), DynamoItems.Time(i, "ts"), Enum.Parse<AuditKind>(DynamoItems.Req(i, "kind")),
        DynamoItems.Str(i, "rule_id") ?? NoRule, QuotaKey.TryParse(DynamoItems.Str(i, "quota")), DynamoItems.Req(i, "action"), DynamoItems.Req(i, "message"), DynamoItems.Str(i, "action_id"),
        DetailsOf(DynamoItems.Req(i, "id"), i));
}
