using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Fleet.Costs;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Local.FleetSimulation;

/// <summary>
/// The AWS calls each engine port call becomes on the AWS backend, written from the adapters in
/// src/QuotaAutomation.Aws (Dynamo*, AwsQuotaSource, AwsUsageSource, SnsNotifier, EventBridgePublisher,
/// AwsQuotaRequester) as they are today. DynamoDB request units follow from item sizes, which are modelled
/// (<see cref="SampleItemBytes"/> and the others below), not measured on DynamoDB. When an adapter changes (batched
/// stores, a rolling window per quota), this map must change with it: a port method it does not know is counted as
/// <see cref="AwsServices.Unmapped"/>, so the output shows the gap.
/// </summary>
public sealed class AwsCallMap
{
    /// <summary>A usage sample item: quota id (~45 bytes), ts, value, ttl and the attribute names: about 90 bytes.</summary>
    public const int SampleItemBytes = 90;

    /// <summary>A rule item as `rules import` stores it: about 400 bytes.</summary>
    public const int RuleItemBytes = 400;

    /// <summary>An audit item's attributes besides its message and details (id, run id, ts, kind, rule, quota, action, ttl).</summary>
    public const int AuditItemOverheadBytes = 220;

    /// <summary>A state item (request, approval, alert record): about 300 bytes.</summary>
    public const int StateItemBytes = 300;

    /// <summary>DynamoDB returns at most 1 MB a Query or Scan page.</summary>
    private const long PageBytes = 1 << 20;

    /// <param name="rulesInTable">Rule items in the hub's rules table: every shard scans all of them (the rule store has no index by target).</param>
    /// <param name="cycleRecordsInReconcileWindow">
    /// Cycle records reconciliation reads each cycle from the audit index (a day of cycle starts and ends: 576 at one
    /// cycle per 5 minutes), assuming the index is keyed by shard as the embedded backend's per-shard file is.
    /// </param>
    /// <param name="listPagesOfService">ListServiceQuotas pages a service's listing takes (100 quotas a page).</param>
    public AwsCallMap(int rulesInTable, int cycleRecordsInReconcileWindow, Func<string, int> listPagesOfService)
    {
        RulesInTable = rulesInTable;
        CycleRecordsInReconcileWindow = cycleRecordsInReconcileWindow;
        ListPagesOfService = listPagesOfService;
    }

    public int RulesInTable { get; }

    public int CycleRecordsInReconcileWindow { get; }

    public Func<string, int> ListPagesOfService { get; }

    /// <summary>The AWS calls for one port call, given its arguments and (for reads) what it returned.</summary>
    public IReadOnlyList<ApiCall> For(Type port, string method, object?[] args, object? result) => (port.Name, method) switch
    {
        (nameof(IRuleStore) or "IRuleEditor", "LoadRulesAsync") => Paged("Scan", "rules", (long)RulesInTable * RuleItemBytes, stronglyConsistent: true),
        (nameof(IQuotaSource), "GetQuotasAsync") => Listings((IReadOnlyCollection<QuotaKey>)args[0]!),
        (nameof(IQuotaSource), "GetQuotaAsync") => [Member("GetServiceQuota")],
        (nameof(IUsageSource), "GetUsageAsync") => MetricData((IReadOnlyList<UsageQuery>)args[0]!),
        (nameof(IUsageHistory), "AppendAsync") => BatchWrites("usage", ((IReadOnlyList<UsageSample>)args[1]!).Count, SampleItemBytes),
        (nameof(IUsageHistory), "ReadAsync") => Paged("Query", "usage", (long)Count(result) * SampleItemBytes, stronglyConsistent: false),
        (nameof(IAuditLog), "AppendAsync" or "TryAppendAsync") => [Write("PutItem", "audit", AuditBytes((AuditRecord)args[0]!))],
        // The batched methods are counted as the per-quota calls they replace (the model predates DynamoDB batching: an upper bound).
        (nameof(IAuditLog), "AppendManyAsync") => [.. ((IReadOnlyList<AuditRecord>)args[0]!).Select(r => Write("PutItem", "audit", AuditBytes(r)))],
        (nameof(IUsageHistory), "AppendManyAsync") =>
            [.. ((IReadOnlyDictionary<QuotaKey, IReadOnlyList<UsageSample>>)args[0]!).Values.SelectMany(samples => BatchWrites("usage", samples.Count, SampleItemBytes))],
        (nameof(IUsageHistory), "ReadManyAsync") =>
            [.. ((IReadOnlyDictionary<QuotaKey, IReadOnlyList<UsageSample>>)result!).Values.SelectMany(samples => Paged("Query", "usage", (long)samples.Count * SampleItemBytes, stronglyConsistent: false))],
        (nameof(IAuditLog), "ListUnfinishedAsync") =>
        [
            .. Paged("Query", "audit", AuditItemOverheadBytes + 100, stronglyConsistent: false), // intents of the window: few
            .. Paged("Query", "audit", AuditItemOverheadBytes + 100, stronglyConsistent: false), // outcomes: as few
            .. Paged("Query", "audit", (long)CycleRecordsInReconcileWindow * (AuditItemOverheadBytes + 100), stronglyConsistent: false),
        ],
        (nameof(IRequestStore) or nameof(IApprovalStore) or nameof(IAlertLog), "ListOpenAsync" or "ListDeniedSinceAsync" or "ListActiveAsync" or "ActiveAsync") =>
            Paged("Query", "state", (long)Math.Max(1, Count(result)) * StateItemBytes, stronglyConsistent: true),
        (nameof(IRequestStore) or nameof(IApprovalStore), "FindRequestAsync" or "FindApprovalAsync") => [Read("GetItem", "state", StateItemBytes, true)],
        (nameof(IAlertLog), "LastSentAsync") => [Read("GetItem", "state", StateItemBytes, true)],
        (nameof(IRequestStore) or nameof(IApprovalStore) or nameof(IAlertLog), "TryReserveAsync" or "TryStartAsync" or "UpdateAsync" or "RecordSentAsync") =>
            [Write("PutItem", "state", StateItemBytes)],
        (nameof(IAlertLog), "ClearAsync") => [Write("DeleteItem", "state", StateItemBytes)],
        (nameof(INotifier), "PublishAsync") => [new ApiCall(AwsServices.Sns, "Publish", Hub: true)],
        (nameof(IEventPublisher), "PublishAsync") =>
            [.. Enumerable.Repeat(new ApiCall(AwsServices.EventBridge, "PutEvents", Hub: true), (((System.Collections.ICollection)args[0]!).Count + 9) / 10)],
        (nameof(IQuotaRequester), "RequestIncreaseAsync") => [Member("RequestServiceQuotaIncrease")],
        (nameof(IQuotaRequester), "GetRequestAsync") => [Member("GetRequestedServiceQuotaChange")],
        (nameof(IQuotaRequester), "FindOpenRequestAsync" or "FindRequestAsync") => [Member("ListRequestedServiceQuotaChangeHistoryByQuota")],
        (nameof(IQuotaRequester), "CreateSupportCaseAsync") => [Member("CreateSupportCase")],
        _ => [new ApiCall(AwsServices.Unmapped, $"{port.Name}.{method}", Hub: true)],
    };

    private List<ApiCall> Listings(IReadOnlyCollection<QuotaKey> keys) =>
        [.. keys.Select(k => (k.AccountId, k.Region, k.ServiceCode)).Distinct()
            .SelectMany(g => Enumerable.Repeat(Member("ListServiceQuotas"), Math.Max(1, ListPagesOfService(g.ServiceCode))))];

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

    private static ApiCall Write(string operation, string table, long itemBytes) =>
        new(AwsServices.DynamoDb, operation, Hub: true, table, WriteUnits: BillingUnits.DynamoWriteUnits(itemBytes));

    /// <summary>A Query or Scan: one call per 1 MB page, request units per 4 KB of what it returns.</summary>
    private static List<ApiCall> Paged(string operation, string table, long bytes, bool stronglyConsistent)
    {
        var pages = Math.Max(1, (int)((bytes + PageBytes - 1) / PageBytes));
        return [.. Enumerable.Range(0, pages).Select(p => Read(operation, table, Math.Min(PageBytes, bytes - p * PageBytes), stronglyConsistent))];
    }

    /// <summary>BatchWriteItem: 25 items a call, each item billed on its own.</summary>
    private static List<ApiCall> BatchWrites(string table, int items, int itemBytes) =>
        [.. Enumerable.Range(0, (items + 24) / 25).Select(b => new ApiCall(AwsServices.DynamoDb, "BatchWriteItem", Hub: true, table,
            WriteUnits: Math.Min(25, items - b * 25) * BillingUnits.DynamoWriteUnits(itemBytes)))];

    private static long AuditBytes(AuditRecord record) =>
        AuditItemOverheadBytes + record.Message.Length + (record.Details?.Sum(d => d.Key.Length + d.Value.Length) ?? 0);

    private static int Count(object? result) => result is System.Collections.ICollection c ? c.Count : 0;
}
