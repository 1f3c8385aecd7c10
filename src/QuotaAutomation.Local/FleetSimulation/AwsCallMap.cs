using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Fleet.Costs;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Local.FleetSimulation;

/// <summary>
/// The AWS calls each engine port call becomes on the AWS backend, written from the adapters in
/// src/QuotaAutomation.Aws (Dynamo*, AwsQuotaSource, AwsUsageSource, SnsNotifier, EventBridgePublisher,
/// AwsQuotaRequester) as they are today. The DynamoDB rows are the adapters' calls method by method (docs/fleet-reconciliation.md
/// has the table): batches cut at DynamoDB's limits (BatchGetItem 100 keys, BatchWriteItem 25 items, TransactWriteItems
/// 100 actions), Query and Scan in 1 MB pages, and request units from the items' sizes (<see cref="DynamoItemSizes"/>:
/// the real item shapes, computed from the call's arguments where they carry them, else the modelled constants below),
/// with the index writes DynamoDB bills besides the table's (by each index's projected entry, not the item). A fleet
/// shard's audit is <c>ForShard</c>'s (its intents, outcomes and cycle records are on <c>shard-ts-index</c> too). When an adapter changes, this map must change with it:
/// a port method it does not know is counted as <see cref="AwsServices.Unmapped"/>, so the output shows the gap.
/// </summary>
public sealed class AwsCallMap
{
    /// <summary>A usage sample item: quota id (~45 bytes), ts, value, ttl and the attribute names: about 90 bytes.</summary>
    public const int SampleItemBytes = 90;

    /// <summary>A rule item as `rules import` stores it: about 400 bytes.</summary>
    public const int RuleItemBytes = 400;

    /// <summary>Policy items in the hub's policies table (an assumption: an organization writes a few dozen at most), ~300 bytes each.</summary>
    public const int PoliciesInTable = 20, PolicyItemBytes = 300;

    /// <summary>An audit item's attributes besides its message and details (id, run id, ts, kind, rule, quota, action, ttl).</summary>
    public const int AuditItemOverheadBytes = 220;

    /// <summary>
    /// An entry of <c>shard-ts-index</c> as a reconciliation read returns it: the keys (id, shard, ts) and kind, run_id,
    /// action, action_id (outcomes), reconciled_through (cycle ends): about 120 to 190 bytes.
    /// </summary>
    public const int AuditShardEntryBytes = 160;

    /// <summary>A state item (request, approval, alert record): about 300 bytes.</summary>
    public const int StateItemBytes = 300;

    /// <summary>A step-plan item (keys, plan id, rule, quota, four steps, times, a reason of about 150 characters, both index keys): about 450 bytes.</summary>
    public const int PlanItemBytes = 450;

    /// <summary>DynamoDB returns at most 1 MB a Query or Scan page.</summary>
    private const long PageBytes = 1 << 20;

    /// <summary>How much a usage head holds (DynamoUsageHistory.HeadSpan): a read of a window no longer than this is served from heads.</summary>
    public static readonly TimeSpan HeadSpan = TimeSpan.FromHours(2);

    /// <param name="rulesInTable">Rule items in the hub's rules table: a load scans all of them (the rule store has no index by target); the Lambda loads them once a batch of shards (BatchRuleStore).</param>
    /// <param name="cycleRecordsInReconcileWindow">
    /// The shard's entries in its partition of <c>shard-ts-index</c> within the reconcile window (a day of cycle starts
    /// and ends: 576 at one cycle per 5 minutes, 48 at one an hour). Its reconciliation reads them newest first and stops
    /// after the page that passes its previous run's <c>reconciled_through</c>: one page of at most
    /// <c>DynamoAuditLog.ReconcilePage</c> entries when that run ended (the simulation's runs always end).
    /// </param>
    /// <param name="listPagesOfService">ListServiceQuotas pages a service's listing takes (100 quotas a page).</param>
    /// <param name="shardHistoryRows">
    /// Usage history as DynamoShardHistory keeps a fleet shard's: one item per (shard, time) holding every quota's value,
    /// the window one Query per shard, a run's rows 25 a BatchWriteItem. False: DynamoUsageHistory (a sample item and
    /// a head item per quota).
    /// </param>
    /// <param name="reportValues">
    /// The quota source reads applied values from the run's utilization report, as a fleet shard's run on AWS does
    /// (AwsShardRunner): one report a run (a Start, <see cref="CountedUsageSource.ReportPolls"/> polls, a page per 1,000
    /// more), and listings only for the services of quotas it does not cover (those without a usage metric). False: a
    /// listing per service, as the hub's own cycle.
    /// </param>
    public AwsCallMap(int rulesInTable, int cycleRecordsInReconcileWindow, Func<string, int> listPagesOfService, bool shardHistoryRows = false, bool reportValues = false)
    {
        RulesInTable = rulesInTable;
        CycleRecordsInReconcileWindow = cycleRecordsInReconcileWindow;
        ListPagesOfService = listPagesOfService;
        ShardHistoryRows = shardHistoryRows;
        ReportValues = reportValues;
    }

    public int RulesInTable { get; }

    public int CycleRecordsInReconcileWindow { get; }

    public Func<string, int> ListPagesOfService { get; }

    public bool ShardHistoryRows { get; }

    public bool ReportValues { get; }

    /// <summary>Each shard's usage rows as DynamoShardHistory would hold them (shard rows only): see <see cref="ForOneShard"/>.</summary>
    private readonly Dictionary<(string Account, string Region), ShardRowsLedger> _ledgers = [];

    /// <summary>
    /// The same map with ledgers of its own, for one executed shard's history calls: an embedded shard's keys carry no
    /// account id (its backend is its account), so shards of one Region would otherwise share a ledger.
    /// </summary>
    public AwsCallMap ForOneShard() => new(RulesInTable, CycleRecordsInReconcileWindow, ListPagesOfService, ShardHistoryRows, ReportValues);

    /// <summary>The AWS calls for one port call, given its arguments and (for reads) what it returned.</summary>
    public IReadOnlyList<ApiCall> For(Type port, string method, object?[] args, object? result) => (port.Name, method) switch
    {
        (nameof(IRuleStore) or "IRuleEditor", "LoadRulesAsync") => Paged("Scan", "rules", (long)RulesInTable * RuleItemBytes, stronglyConsistent: true),
        (nameof(IPolicyStore) or nameof(IPolicyEditor), "LoadPoliciesAsync") => Paged("Scan", "policies", (long)PoliciesInTable * PolicyItemBytes, stronglyConsistent: true),
        (nameof(IQuotaSource), "GetQuotasAsync") => ReportValues
            ? ReportThenListings((IReadOnlyCollection<QuotaKey>)args[0]!, result as QuotaDictionary)
            : Listings((IReadOnlyCollection<QuotaKey>)args[0]!),
        (nameof(IQuotaSource), "GetQuotaAsync") => [Member("GetServiceQuota")],
        (nameof(IUsageSource), "GetUsageAsync") => MetricData((IReadOnlyList<UsageQuery>)args[0]!),
        (nameof(IUsageHistory), "AppendAsync") => HistoryWrites(new Dictionary<QuotaKey, IReadOnlyList<UsageSample>> { [(QuotaKey)args[0]!] = (IReadOnlyList<UsageSample>)args[1]! }),
        (nameof(IUsageHistory), "AppendManyAsync") => HistoryWrites((IReadOnlyDictionary<QuotaKey, IReadOnlyList<UsageSample>>)args[0]!),
        (nameof(IUsageHistory), "ReadAsync") =>
            HistoryReads([(QuotaKey)args[0]!], (DateTimeOffset)args[1]!, (DateTimeOffset)args[2]!, new Dictionary<QuotaKey, IReadOnlyList<UsageSample>> { [(QuotaKey)args[0]!] = (IReadOnlyList<UsageSample>?)result ?? [] }),
        (nameof(IUsageHistory), "ReadManyAsync") =>
            HistoryReads((IReadOnlyList<QuotaKey>)args[0]!, (DateTimeOffset)args[1]!, (DateTimeOffset)args[2]!, (IReadOnlyDictionary<QuotaKey, IReadOnlyList<UsageSample>>?)result ?? new Dictionary<QuotaKey, IReadOnlyList<UsageSample>>()),
        // A conditional PutItem: the table and every index whose keys the item has (kind; rule_id unless of rule '-'; a shard's intents, outcomes and cycle records: shard).
        (nameof(IAuditLog), "AppendAsync" or "TryAppendAsync") => [AuditPut((AuditRecord)args[0]!)],
        // Up to 8 records (a shard's flush: its digest and the few loud decisions): a conditional PutItem each, all at once. More: conditional puts in
        // TransactWriteItems of 100, a chunk of one a PutItem (BatchWriteItem is denied on the audit table: it cannot be conditional; docs/fleet-auditw.md).
        (nameof(IAuditLog), "AppendManyAsync") => (IReadOnlyList<AuditRecord>)args[0]! is { Count: <= AuditPutsUpTo } few
            ? [.. few.Select(AuditPut)]
            : [.. ((IReadOnlyList<AuditRecord>)args[0]!).Chunk(100).Select(chunk => chunk.Length == 1
                ? AuditPut(chunk[0])
                : Write("TransactWriteItems", "audit", chunk.Sum(r => AuditWriteUnits(r, transactional: true))) with { StoredBytes = chunk.Sum(AuditStored) })],
        // One Query page of the shard's partition of shard-ts-index, newest first (projected entries), then the open records it found read whole (BatchGetItem).
        (nameof(IAuditLog), "ListUnfinishedAsync") => ReconcileReads((IReadOnlyList<AuditRecord>?)result ?? []),
        // A fleet shard's state lists are Queries of its own partition of shard-state-index (a GSI: eventually consistent,
        // DynamoStateStore.ForShard): what they return is the shard's items alone, as the simulation (one shard a store) counts.
        (nameof(IRequestStore) or nameof(IApprovalStore) or nameof(IAlertLog), "ListOpenAsync" or "ListDeniedSinceAsync" or "ListActiveAsync" or "ActiveAsync") =>
            Paged("Query", "state", (long)Math.Max(1, Count(result)) * StateItemBytes, stronglyConsistent: false),
        (nameof(IRequestStore) or nameof(IApprovalStore), "FindRequestAsync" or "FindApprovalAsync") => [Read("GetItem", "state", StateItemBytes, true)],
        (nameof(IAlertLog), "LastSentAsync") => [Read("GetItem", "state", DynamoItemSizes.AlertItem((QuotaKey)args[0]!), true)],
        // The request or approval and its per-quota lock, both conditional puts in one transaction (2 units an item), plus the item's entries on state-index and shard-state-index.
        (nameof(IRequestStore), "TryReserveAsync") or (nameof(IApprovalStore), "TryStartAsync") =>
            [Write("TransactWriteItems", "state", 2 * Units(DynamoItemSizes.LockItem) + 2 * Units(StateItemBytes) + 2 * Units(StateItemBytes))],
        (nameof(IRequestStore), "UpdateAsync") => ((QuotaRequest)args[0]!).Status switch
        {
            var s when s.IsOpen() => StateUpdate(stillHeld: true, listedAfter: true),
            RequestStatus.Denied or RequestStatus.NotApproved => StateUpdate(stillHeld: false, listedAfter: true),
            _ => StateUpdate(stillHeld: false, listedAfter: false),
        },
        (nameof(IApprovalStore), "UpdateAsync") => ((ApprovalRequest)args[0]!).Status switch
        {
            ApprovalStatus.Waiting or ApprovalStatus.Approved => StateUpdate(stillHeld: true, listedAfter: true),
            ApprovalStatus.Denied => StateUpdate(stillHeld: false, listedAfter: true),
            _ => StateUpdate(stillHeld: false, listedAfter: false),
        },
        (nameof(IAlertLog), "RecordSentAsync") => [Write("PutItem", "state", 3 * Units(DynamoItemSizes.AlertItem((QuotaKey)args[0]!)))], // the item and its entries on both state indexes
        // A strongly consistent Query of the quota's alert items, then a DeleteItem for each (the map assumes one severity recorded), which deletes its entries on both indexes too.
        (nameof(IAlertLog), "ClearAsync") =>
            [Read("Query", "state", DynamoItemSizes.AlertItem((QuotaKey)args[0]!), true), Write("DeleteItem", "state", 3 * Units(DynamoItemSizes.AlertItem((QuotaKey)args[0]!)))],
        // Step plans (DynamoStepPlanStore): the view's plan items from its partition of shard-state-index (eventually
        // consistent), then each plan of the cycle's quotas read again by key, consistently; usually none.
        (nameof(IStepPlanStore), "LoadAsync") =>
            [.. Paged("Query", "state", (long)Math.Max(1, Count(result)) * PlanItemBytes, stronglyConsistent: false), .. Enumerable.Repeat(Read("GetItem", "state", PlanItemBytes, true), Count(result))],
        (nameof(IStepPlanStore), "ListAsync") => Paged("Query", "state", (long)Math.Max(1, Count(result)) * PlanItemBytes, stronglyConsistent: false),
        // A conditional PutItem: the item and its entries on both state indexes, which move when a plan moves on (updated_at
        // is their sort key: a delete and a put each); a new plan (made and updated at once) only adds them.
        (nameof(IStepPlanStore), "SaveAsync") => [Write("PutItem", "state", (((StepPlan)args[0]!).UpdatedAt > ((StepPlan)args[0]!).CreatedAt ? 5 : 3) * Units(PlanItemBytes))],
        // A conditional DeleteItem: the item and its two index entries.
        (nameof(IStepPlanStore), "EndAsync") => [Write("DeleteItem", "state", 3 * Units(PlanItemBytes))],
        // The account's one budget item (ACCOUNT#id / OPEN_REQUESTS, at most 20 quota keys: under 1 KB), a conditional UpdateItem; on no index.
        (nameof(IAccountRequestBudget), "TryReserveAsync" or "ReleaseAsync") => [Write("UpdateItem", "state", 1)],
        (nameof(INotifier), "PublishAsync") => [new ApiCall(AwsServices.Sns, "Publish", Hub: true)],
        (nameof(IEventPublisher), "PublishAsync") =>
            [.. Enumerable.Repeat(new ApiCall(AwsServices.EventBridge, "PutEvents", Hub: true), (((System.Collections.ICollection)args[0]!).Count + 9) / 10)],
        (nameof(IQuotaRequester), "RequestIncreaseAsync") => [Member("RequestServiceQuotaIncrease")],
        (nameof(IQuotaRequester), "GetRequestAsync") => [Member("GetRequestedServiceQuotaChange")],
        (nameof(IQuotaRequester), "FindOpenRequestAsync" or "FindRequestAsync") => [Member("ListRequestedServiceQuotaChangeHistoryByQuota")],
        (nameof(IQuotaRequester), "CreateSupportCaseAsync") => [Member("CreateSupportCase")],
        _ => [new ApiCall(AwsServices.Unmapped, $"{port.Name}.{method}", Hub: true)],
    };

    /// <summary>
    /// DynamoUsageHistory: every quota's new sample items and its new head, in one list cut into BatchWriteItems of 25.
    /// Shard rows: <see cref="ShardRowWrites"/>.
    /// </summary>
    private List<ApiCall> HistoryWrites(IReadOnlyDictionary<QuotaKey, IReadOnlyList<UsageSample>> samples)
    {
        if (ShardHistoryRows) return ShardRowWrites(samples);
        var units = new List<double>();
        foreach (var (key, added) in samples.Where(s => s.Value.Count > 0))
        {
            units.AddRange(added.Select(s => Units(DynamoItemSizes.Sample(key, s.Value))));
            units.Add(Units(DynamoItemSizes.Head(key, added[^1].Value)));
        }
        return [.. units.Chunk(25).Select(chunk => Write("BatchWriteItem", "usage", chunk.Sum()))];
    }

    /// <summary>
    /// DynamoShardHistory's append, call for call (docs/fleet-window.md), from the shard's <see cref="ShardRowsLedger"/>
    /// (the 5-minute rows it holds and its newest hourly row, as the adapter's table would): the newest hourly row's Query;
    /// when hours aged since, one consistent Query of their 5-minute rows and a PutItem per hour; the append's older samples
    /// into hourly rows (a consistent Query of their span, BatchWriteItems of 25); its 5-minute rows (one: a conditional
    /// PutItem; several: a consistent Query and BatchWriteItems). Stored rows found by those merge Queries are counted as none.
    /// Rows are compact (docs/fleet-rows.md): their size is the list's positions and the values; a list the shard has not
    /// stored yet (its first append, a quota joining) is one PutItem before the rows.
    /// </summary>
    private List<ApiCall> ShardRowWrites(IReadOnlyDictionary<QuotaKey, IReadOnlyList<UsageSample>> samples)
    {
        var all = samples.Where(p => p.Value.Count > 0).SelectMany(q => q.Value.Select(s => (q.Key, Sample: s))).ToList();
        if (all.Count == 0) return [];
        var fineFrom = UsageResolution.FineFrom(all.Max(x => x.Sample.Timestamp)).ToUnixTimeSeconds();
        var calls = new List<ApiCall>();
        foreach (var shard in all.GroupBy(x => (x.Key.AccountOrSelf, x.Key.Region)))
        {
            var ledger = Ledger(shard.Key);
            lock (ledger)
            {
                // The row's key list (the shard's newest while it names every appended quota), stored first when new.
                var keys = shard.Select(x => x.Key).Distinct().ToList();
                var (list, isNew) = ledger.Use(keys.Select(EntryId));
                var rows = shard.GroupBy(x => x.Sample.Timestamp.ToUnixTimeSeconds())
                    .ToDictionary(row => row.Key, row => (long)DynamoItemSizes.ShardRow(shard.Key.AccountOrSelf, shard.Key.Region, list.Count, row.Select(x => x.Sample.Value)));
                var newestHour = ledger.NewestHour;
                calls.Add(Read("Query", "usage", newestHour is null ? 0 : rows.Values.Max(), stronglyConsistent: false));
                var boundary = Math.Max(fineFrom, (newestHour + 1) * ShardRowsLedger.HourSeconds ?? long.MinValue);
                var compacts = !(newestHour is { } h && (h + 1) * ShardRowsLedger.HourSeconds >= boundary);
                IReadOnlyList<(long Hour, long Bytes, long QueryBytes)> compacted = compacts ? ledger.TakeAged(boundary) : [];
                if (compacts) calls.AddRange(Paged("Query", "usage", compacted.Sum(c => c.QueryBytes), stronglyConsistent: true));
                if (isNew) calls.Add(Write("PutItem", "usage", Units(DynamoItemSizes.ShardKeyList(shard.Key.AccountOrSelf, shard.Key.Region, keys))));
                var hours = rows.Where(r => r.Key < boundary).GroupBy(r => r.Key / ShardRowsLedger.HourSeconds).ToDictionary(g => g.Key, g => g.Max(r => r.Value));
                var stored = hours.Where(p => p.Key <= newestHour).Select(p => p.Value).ToList();
                calls.AddRange(MergedBatches(stored));
                calls.AddRange(compacted.Select(c => Write("PutItem", "usage", Units(Math.Max(c.Bytes, hours.GetValueOrDefault(c.Hour))))));
                calls.AddRange(MergedBatches([.. hours.Where(p => p.Key > (newestHour ?? long.MinValue) && !compacted.Any(c => c.Hour == p.Key)).Select(p => p.Value)]));
                var fine = rows.Where(r => r.Key >= boundary).ToList();
                if (fine.Count == 1) calls.Add(Write("PutItem", "usage", Units(fine[0].Value)));
                else calls.AddRange(MergedBatches([.. fine.Select(r => r.Value)]));
                ledger.Wrote(fine, hours.Keys.Concat(compacted.Select(c => c.Hour)));
            }
        }
        return calls;
    }

    private static string EntryId(QuotaKey key) => $"{key.ServiceCode}/{key.QuotaCode}";

    /// <summary>Rows merged with what their span holds: a consistent Query, then BatchWriteItems of 25 (none: no call).</summary>
    private static IEnumerable<ApiCall> MergedBatches(List<long> rowBytes) => rowBytes.Count == 0 ? [] :
        rowBytes.Chunk(25).Select(chunk => Write("BatchWriteItem", "usage", chunk.Sum(Units))).Prepend(Read("Query", "usage", 0, stronglyConsistent: true));

    private ShardRowsLedger Ledger((string Account, string Region) shard)
    {
        lock (_ledgers)
        {
            if (!_ledgers.TryGetValue(shard, out var ledger)) _ledgers[shard] = ledger = new ShardRowsLedger();
            return ledger;
        }
    }

    /// <summary>
    /// DynamoUsageHistory: a window no longer than a head's span is read from the heads, 100 a BatchGetItem (eventually
    /// consistent: half a unit per head of under 4 KB); a longer one (a cold container's 14 days) is one Query per quota,
    /// one after another. Shard rows: per shard, one Query of the hourly rows (the window's rows before the newest hourly
    /// row's end, in the shard's <see cref="ShardRowsLedger"/>) and one of the 5-minute rows after it, its rows being the
    /// times any quota has a sample, compact rows of the shard's newest list; then, for a whole window (a cold container's
    /// read; a warm one reads the last day and knows its lists), one Query of the key list they name.
    /// </summary>
    private List<ApiCall> HistoryReads(IReadOnlyList<QuotaKey> keys, DateTimeOffset from, DateTimeOffset until, IReadOnlyDictionary<QuotaKey, IReadOnlyList<UsageSample>> found)
    {
        var distinct = keys.Distinct().ToList();
        if (ShardHistoryRows)
            return [.. distinct.GroupBy(k => (k.AccountOrSelf, k.Region)).SelectMany(shard =>
            {
                long? newestHour;
                IReadOnlyList<string>? list;
                bool hasLists;
                var ledger = Ledger(shard.Key);
                lock (ledger) (newestHour, list, hasLists) = (ledger.NewestHour, ledger.NewestList, ledger.HasLists);
                var hourlyEnd = (newestHour + 1) * ShardRowsLedger.HourSeconds ?? long.MinValue;
                var listLength = list?.Count ?? shard.Count();
                var rows = shard.SelectMany(k => found.GetValueOrDefault(k, []).Select(s => (Key: k, Sample: s))).GroupBy(x => x.Sample.Timestamp.ToUnixTimeSeconds())
                    .Select(row => (At: row.Key, Bytes: (long)DynamoItemSizes.ShardRow(shard.Key.AccountOrSelf, shard.Key.Region, listLength, row.Select(x => x.Sample.Value)))).ToList();
                var fine = Paged("Query", "usage", rows.Where(r => r.At >= hourlyEnd).Sum(r => r.Bytes), stronglyConsistent: false);
                return from >= UsageResolution.FineFrom(until) ? fine // a window within the last day (a warm container's tail): no hourly Query, its lists known
                    : Paged("Query", "usage", rows.Where(r => r.At < hourlyEnd).Sum(r => r.Bytes), stronglyConsistent: false).Concat(fine)
                        // a whole window is a cold container's read: it also fetches the key list its rows name (one Query of the list partition)
                        .Concat(hasLists ? [Read("Query", "usage", DynamoItemSizes.ShardKeyList(shard.Key.AccountOrSelf, shard.Key.Region, shard), stronglyConsistent: false)] : []);
            })];
        if (until - from <= HeadSpan)
            return [.. distinct.Chunk(100).Select(chunk => new ApiCall(AwsServices.DynamoDb, "BatchGetItem", Hub: true, "usage",
                ReadUnits: chunk.Sum(k => BillingUnits.DynamoReadUnits(DynamoItemSizes.Head(k, found.GetValueOrDefault(k, []) is { Count: > 0 } s ? s[^1].Value : 0), stronglyConsistent: false))))];
        return [.. distinct.SelectMany(k => Paged("Query", "usage", found.GetValueOrDefault(k, []).Sum(s => (long)DynamoItemSizes.Sample(k, s.Value)), stronglyConsistent: false))];
    }

    /// <summary>
    /// A request or approval that stays open is a conditional PutItem; one that closes is a transaction of its put and
    /// its lock's conditional delete (2 units each). Either way its state-index entry moves (<c>updated_at</c>, the
    /// index's sort key, changes): a delete and a put there; so does its shard-state-index entry if it is still listed
    /// after (open, or denied), else that entry is only deleted (closed ones are not on that sparse index).
    /// </summary>
    private static List<ApiCall> StateUpdate(bool stillHeld, bool listedAfter)
    {
        var indexes = 2 * Units(StateItemBytes) + (listedAfter ? 2 : 1) * Units(StateItemBytes);
        return stillHeld
            ? [Write("PutItem", "state", Units(StateItemBytes) + indexes)]
            : [Write("TransactWriteItems", "state", 2 * Units(StateItemBytes) + 2 * Units(DynamoItemSizes.LockItem) + indexes)];
    }

    /// <summary>
    /// An audit record's write units: the table's (twice in a transaction: prepare and commit) and one per index that
    /// holds it, billed by the index entry's size (the projected attributes: every audit index entry is under 1 KB, so 1),
    /// not the item's: <c>kind-ts-index</c> always, <c>rule_id-ts-index</c> unless its rule is <c>-</c>, <c>shard-ts-index</c>
    /// for a shard's intents, outcomes and cycle records. A transaction's changes reach the indexes as ordinary writes.
    /// </summary>
    public static double AuditWriteUnits(AuditRecord record, bool transactional)
    {
        ArgumentNullException.ThrowIfNull(record);
        var shardIndexed = record.Kind is AuditKind.Intent or AuditKind.Outcome or AuditKind.Cycle;
        var item = Units(DynamoItemSizes.Audit(record, shardIndexed));
        var indexEntries = 1 + (record.RuleId == "-" ? 0 : 1) + (shardIndexed ? 1 : 0);
        return (transactional ? 2 : 1) * item + indexEntries;
    }

    /// <summary>A conditional PutItem of one audit record: its write units, and what it keeps stored until its TTL.</summary>
    private static ApiCall AuditPut(AuditRecord record) =>
        Write("PutItem", "audit", AuditWriteUnits(record, transactional: false)) with { StoredBytes = AuditStored(record) };

    private static long AuditStored(AuditRecord record) =>
        DynamoItemSizes.AuditStored(record, shardIndexed: record.Kind is AuditKind.Intent or AuditKind.Outcome or AuditKind.Cycle);

    /// <summary>
    /// A shard's reconciliation: one Query page of the window's newest entries (at most <see cref="ReconcilePage"/>,
    /// billed by their projected size), then the open records it found, read whole by key (BatchGetItem, 100 a call,
    /// each item rounded to 4 KB on its own).
    /// </summary>
    private List<ApiCall> ReconcileReads(IReadOnlyList<AuditRecord> open)
    {
        var entries = Math.Min(ReconcilePage, Math.Max(1, CycleRecordsInReconcileWindow));
        return [Read("Query", "audit", (long)entries * AuditShardEntryBytes, stronglyConsistent: false),
            .. open.Chunk(100).Select(chunk => new ApiCall(AwsServices.DynamoDb, "BatchGetItem", Hub: true, "audit",
                ReadUnits: chunk.Sum(r => BillingUnits.DynamoReadUnits(DynamoItemSizes.Audit(r, shardIndexed: true), stronglyConsistent: false))))];
    }

    /// <summary>DynamoAuditLog.PutsUpTo: the largest audit batch written as separate conditional PutItems.</summary>
    public const int AuditPutsUpTo = 8;

    /// <summary>DynamoAuditLog.ReconcilePage: the index entries a page of a shard's reconciliation read (Local does not reference the AWS adapters).</summary>
    public const int ReconcilePage = 24;

    private List<ApiCall> Listings(IReadOnlyCollection<QuotaKey> keys) =>
        [.. keys.Select(k => (k.AccountId, k.Region, k.ServiceCode)).Distinct()
            .SelectMany(g => Enumerable.Repeat(Member("ListServiceQuotas"), Math.Max(1, ListPagesOfService(g.ServiceCode))))];

    /// <summary>
    /// AwsQuotaSource with a run's report: per account and Region one report (Start, a poll 2 s later, a page per 1,000
    /// quotas it covers), then the listings of the services whose wanted quotas it does not cover. The report lists
    /// every quota with a usage metric and a value (as the simulated account's does); a read that failed is all listings.
    /// </summary>
    private List<ApiCall> ReportThenListings(IReadOnlyCollection<QuotaKey> keys, QuotaDictionary? found)
    {
        var calls = new List<ApiCall>();
        foreach (var shard in keys.GroupBy(k => (k.AccountId, k.Region)))
        {
            var covered = shard.Count(k => found?.GetValueOrDefault(k) is { UsageMetric: not null, Value: > 0 });
            calls.Add(Member("StartQuotaUtilizationReport"));
            for (var poll = 0; poll < CountedUsageSource.ReportPolls; poll++)
                calls.Add(Member("GetQuotaUtilizationReport") with { WaitFirst = CountedUsageSource.PollDelay }); // every poll waits, the first too
            for (var page = 1; page < (covered + 999) / 1000; page++) calls.Add(Member("GetQuotaUtilizationReport"));
            calls.AddRange(Listings([.. shard.Where(k => found?.GetValueOrDefault(k) is not { UsageMetric: not null, Value: > 0 })]));
        }
        return calls;
    }

    /// <summary>GetMetricData takes up to 500 queries a call and bills each metric requested.</summary>
    private static List<ApiCall> MetricData(IReadOnlyList<UsageQuery> queries)
    {
        var calls = new List<ApiCall>();
        foreach (var group in queries.Where(q => q.Quota.UsageMetric is not null).GroupBy(q => (q.Quota.Key.AccountId, q.Quota.Key.Region)))
            calls.AddRange(group.Chunk(500).Select(batch => new ApiCall(AwsServices.CloudWatch, "GetMetricData", Hub: false, Metrics: batch.Length)));
        return calls;
    }

    private static ApiCall Member(string operation) => new(AwsServices.ServiceQuotas, operation, Hub: false);

    private static ApiCall Read(string operation, string table, long bytes, bool stronglyConsistent) =>
        new(AwsServices.DynamoDb, operation, Hub: true, table, ReadUnits: BillingUnits.DynamoReadUnits(bytes, stronglyConsistent));

    private static ApiCall Write(string operation, string table, double writeUnits) =>
        new(AwsServices.DynamoDb, operation, Hub: true, table, WriteUnits: writeUnits);

    private static double Units(long itemBytes) => BillingUnits.DynamoWriteUnits(itemBytes);

    /// <summary>A Query or Scan: one call per 1 MB page, request units per 4 KB of what it returns.</summary>
    private static List<ApiCall> Paged(string operation, string table, long bytes, bool stronglyConsistent)
    {
        var pages = Math.Max(1, (int)((bytes + PageBytes - 1) / PageBytes));
        return [.. Enumerable.Range(0, pages).Select(p => Read(operation, table, Math.Min(PageBytes, bytes - p * PageBytes), stronglyConsistent))];
    }

    private static int Count(object? result) => result is System.Collections.ICollection c ? c.Count : 0;
}
