using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Local.FleetSimulation;

namespace QuotaAutomation.Local.Tests.FleetSimulation;

/// <summary>
/// The DynamoDB rows of the call map, pinned method by method: the calls the adapters in src/QuotaAutomation.Aws/Dynamo
/// make for a given argument and the request units they are billed (the moto cross-check, that the adapters make that
/// many calls, is in QuotaAutomation.Aws.Tests' CallMapOnMotoTests).
/// </summary>
public sealed class AwsCallMapTests
{
    private static readonly DateTimeOffset T = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly AwsCallMap Map = new(rulesInTable: 50, cycleRecordsInReconcileWindow: 576, _ => 1);
    private static readonly AwsCallMap RowsMap = new(rulesInTable: 50, cycleRecordsInReconcileWindow: 576, _ => 1, shardHistoryRows: true);

    /// <summary><c>ec2/L-00000001@us-east-1</c> … (24 characters each): a sample item of value 4 is 53 bytes, a head 379.</summary>
    private static List<QuotaKey> Keys(int n, string? account = null) => [.. Enumerable.Range(1, n).Select(i => new QuotaKey("ec2", $"L-{i:D8}", "us-east-1", account))];

    private static Dictionary<QuotaKey, IReadOnlyList<UsageSample>> Window(IEnumerable<QuotaKey> keys, int samples) =>
        keys.ToDictionary(k => k, IReadOnlyList<UsageSample> (_) => [.. Enumerable.Range(0, samples).Select(i => new UsageSample(T - TimeSpan.FromMinutes(5 * i), 4))]);

    private static List<string> Shown(IReadOnlyList<ApiCall> calls) =>
        [.. calls.Select(c => $"{c.Operation} {c.Table} r{c.ReadUnits.ToString(System.Globalization.CultureInfo.InvariantCulture)} w{c.WriteUnits.ToString(System.Globalization.CultureInfo.InvariantCulture)}")];

    [Fact]
    public void StepPlans_LoadIsAQueryAndAConsistentGetPerPlan_SavesAndEndsWriteTheItemAndItsIndexEntries()
    {
        var plan = new StepPlan("plan-1", "r", Keys(1)[0], 100, [200, 400], 1, T, T, "why");
        var plans = new Dictionary<QuotaKey, StepPlan> { [plan.Quota] = plan };

        var none = Map.For(typeof(IStepPlanStore), "LoadAsync", [Keys(50), CancellationToken.None], new Dictionary<QuotaKey, StepPlan>());
        var one = Map.For(typeof(IStepPlanStore), "LoadAsync", [Keys(50), CancellationToken.None], plans);
        var made = Map.For(typeof(IStepPlanStore), "SaveAsync", [plan, CancellationToken.None], null);
        var moved = Map.For(typeof(IStepPlanStore), "SaveAsync", [plan with { Next = 2, UpdatedAt = T.AddMinutes(5) }, CancellationToken.None], null);
        var ended = Map.For(typeof(IStepPlanStore), "EndAsync", [plan, CancellationToken.None], null);

        Assert.Equal(["Query state r0.5 w0"], Shown(none)); // a GSI Query of the shard's partition: eventually consistent, half a unit for what is under 4 KB
        Assert.Equal(["Query state r0.5 w0", "GetItem state r1 w0"], Shown(one));
        Assert.Equal(["PutItem state r0 w3"], Shown(made)); // a new plan: the item (450 B, 1 unit) and an entry on each state index
        Assert.Equal(["PutItem state r0 w5"], Shown(moved)); // moved on: each index entry is deleted and put again (updated_at is their sort key)
        Assert.Equal(["DeleteItem state r0 w3"], Shown(ended));
    }

    [Fact]
    public void HistoryReadMany_50QuotasOverAnHour_IsOneBatchGetItemOf50Heads()
    {
        var keys = Keys(50);

        var calls = Map.For(typeof(IUsageHistory), "ReadManyAsync", [keys, T.AddHours(-1), T, CancellationToken.None], Window(keys, 12));

        Assert.Equal(["BatchGetItem usage r25 w0"], Shown(calls)); // a head of under 4 KB: half a unit, eventually consistent
    }

    [Fact]
    public void HistoryReadMany_150QuotasOverAnHour_IsTwoBatchGetItems()
    {
        var keys = Keys(150);

        var calls = Map.For(typeof(IUsageHistory), "ReadManyAsync", [keys, T.AddHours(-1), T, CancellationToken.None], Window(keys, 12));

        Assert.Equal(["BatchGetItem usage r50 w0", "BatchGetItem usage r25 w0"], Shown(calls));
    }

    [Fact]
    public void HistoryReadMany_14DaysOf3Quotas_IsOneQueryPerQuota()
    {
        var keys = Keys(3);

        var calls = Map.For(typeof(IUsageHistory), "ReadManyAsync", [keys, T.AddDays(-14), T, CancellationToken.None], Window(keys, 4032));

        // 4,032 samples × 53 bytes = 213,696 bytes: 53 units of 4 KB, halved.
        Assert.Equal(["Query usage r26.5 w0", "Query usage r26.5 w0", "Query usage r26.5 w0"], Shown(calls));
    }

    [Fact]
    public void HistoryAppendMany_50QuotasOneSampleEach_IsFourBatchWriteItemsOf100Units()
    {
        var samples = Window(Keys(50), 1);

        var calls = Map.For(typeof(IUsageHistory), "AppendManyAsync", [samples, CancellationToken.None], null);

        Assert.Equal(Enumerable.Repeat("BatchWriteItem usage r0 w25", 4), Shown(calls)); // ⌈(50 samples + 50 heads) / 25⌉, each under 1 KB
    }

    [Fact]
    public void ShardRowsAppendMany_100QuotasOneTime_IsTheirKeyListThenOneRowOfOneUnit()
    {
        var samples = Window(Keys(100), 1);

        var calls = RowsMap.ForOneShard().For(typeof(IUsageHistory), "AppendManyAsync", [samples, CancellationToken.None], null);

        // A new shard has no hourly row (the newest-hour Query finds none), so it looks for 5-minute rows to compact (none).
        // Its key list: q = 100 × "ec2/L-00000001;" (15) − 1 = 1,499 bytes, with its keys 1,535: 2 units, once (docs/fleet-rows.md).
        // The compact row: v = 100 × "4" + 99 × ";" = 199 bytes, with quota "shard#self#us-east-1", ts, k, ttl: 252 bytes (with the
        // names in every entry it was 1,742: 2 units).
        Assert.Equal(["Query usage r0.5 w0", "Query usage r1 w0", "PutItem usage r0 w2", "PutItem usage r0 w1"], Shown(calls)); // one new row: DynamoShardHistory's conditional put
    }

    [Fact]
    public void ShardRowsAppendMany_30TimesOfOneShard_IsAQueryOfTheSpanAndTwoBatchWriteItems()
    {
        var samples = Window(Keys(10), 30);

        var calls = RowsMap.ForOneShard().For(typeof(IUsageHistory), "AppendManyAsync", [samples, CancellationToken.None], null);

        Assert.Equal(["Query usage r0.5 w0", "Query usage r1 w0", "PutItem usage r0 w1", "Query usage r1 w0", "BatchWriteItem usage r0 w25", "BatchWriteItem usage r0 w5"], Shown(calls)); // the key list, then the rows
    }

    /// <summary>
    /// A run every 5 minutes from 25 hours before T: at T (12:00) the hour 11:00 of the day before ages past a day. Its
    /// 12 rows of 212 bytes are read in one consistent Query and become one hourly row; the next run finds that row and
    /// compacts nothing (docs/fleet-window.md).
    /// </summary>
    [Fact]
    public void ShardRowsAppendMany_AnHourAgedSinceTheLastRun_IsOneQueryAndOnePutItemMore()
    {
        var map = RowsMap.ForOneShard();
        var keys = Keys(10);
        List<ApiCall> Run(DateTimeOffset at) => [.. map.For(typeof(IUsageHistory), "AppendManyAsync", [keys.ToDictionary(k => k, IReadOnlyList<UsageSample> (_) => [new UsageSample(at, 4)]), CancellationToken.None], null)];
        for (var at = T - TimeSpan.FromHours(25); at < T; at += TimeSpan.FromMinutes(5)) Run(at);

        var aged = Run(T);
        var next = Run(T.AddMinutes(5));

        Assert.Equal(["Query usage r0.5 w0", "Query usage r1 w0", "PutItem usage r0 w1", "PutItem usage r0 w1"], Shown(aged));
        Assert.Equal(["Query usage r0.5 w0", "PutItem usage r0 w1"], Shown(next));
    }

    [Fact]
    public void ShardRowsReadMany_14DaysOf50Quotas_IsTheHourlyQueryAndTheRowsPaged()
    {
        var keys = Keys(50);

        var calls = RowsMap.ForOneShard().For(typeof(IUsageHistory), "ReadManyAsync", [keys, T.AddDays(-14), T, CancellationToken.None], Window(keys, 4032));

        // No hourly row (before a first compaction): the hourly Query finds nothing, then 4,032 compact rows × 152 bytes = 612,864
        // bytes: one page, 150 units of 4 KB, halved (with the names in every entry: 892 bytes a row, four pages, 439.5 units).
        Assert.Equal(["Query usage r0.5 w0", "Query usage r75 w0"], Shown(calls));
    }

    [Fact]
    public void ShardRowsReadMany_TwoShards_IsOneQueryEach()
    {
        var keys = Keys(5, "111111111111").Concat(Keys(5, "222222222222")).ToList();

        var calls = RowsMap.ForOneShard().For(typeof(IUsageHistory), "ReadManyAsync", [keys, T.AddHours(-1), T, CancellationToken.None], Window(keys, 12));

        Assert.Equal(["Query usage r0.5 w0", "Query usage r0.5 w0"], Shown(calls)); // the last hour: no hourly rows to ask for
    }

    [Fact]
    public void AuditAppendMany_150Decisions_IsTwoTransactionsOfFourUnitsARecord()
    {
        var records = Enumerable.Range(1, 150).Select(i => Decision(i)).ToList();

        var calls = Map.For(typeof(IAuditLog), "AppendManyAsync", [records, CancellationToken.None], null);

        // Each record: 2 units in the table (a transaction's prepare and commit) + 1 entry in rule_id-ts-index + 1 in kind-ts-index.
        Assert.Equal(["TransactWriteItems audit r0 w400", "TransactWriteItems audit r0 w200"], Shown(calls));
    }

    [Fact]
    public void AuditAppendMany_EightDecisions_AreEightConditionalPutItemsOfThreeUnits()
    {
        var records = Enumerable.Range(1, 8).Select(i => Decision(i)).ToList();

        var calls = Map.For(typeof(IAuditLog), "AppendManyAsync", [records, CancellationToken.None], null);

        // Each record: 1 unit in the table (a transaction would bill 2) + 1 entry in rule_id-ts-index + 1 in kind-ts-index.
        Assert.Equal(Enumerable.Repeat("PutItem audit r0 w3", 8), Shown(calls));
    }

    [Fact]
    public void AuditAppendMany_OneDigest_IsOneConditionalPutItemOffTheRuleIndex()
    {
        var digest = new AuditRecord("run-1/00002", "run-1", T, AuditKind.Decision, "-", null, QuietDecisions.Action, "2 rules: no action",
            Details: new Dictionary<string, string> { [QuietDecisions.KeyOf("a")] = "ec2/L-1@us-east-1 peak 40.0%", [QuietDecisions.KeyOf("b")] = "ec2/L-2@us-east-1 peak 41.0%" });

        var calls = Map.For(typeof(IAuditLog), "AppendManyAsync", [new List<AuditRecord> { digest }, CancellationToken.None], null);

        // 1 unit in the table + 1 entry in kind-ts-index; rule '-' is not on rule_id-ts-index.
        Assert.Equal(["PutItem audit r0 w2"], Shown(calls));
    }

    [Fact]
    public void AuditAppendMany_A5KilobyteDigestAndAnAlertDecision_TheDigestIsBilledGzippedOnceAndOneUnitAnIndexEntry()
    {
        var random = new Random(0);
        var details = Enumerable.Range(0, 49).ToDictionary(i => QuietDecisions.KeyOf($"rule-{i:D3}"),
            i => $"servicequotas/L-{random.Next(0x10000000, int.MaxValue):X8}@us-east-1#123456789012 usage {random.Next(0, 400)} of quota {random.Next(500, 5000)} = {random.Next(0, 80)}%, below warning 80%");
        var digest = new AuditRecord("run-1/00002", "run-1", T, AuditKind.Decision, "-", null, QuietDecisions.Action, "49 rules: no action", Details: details);

        var calls = Map.For(typeof(IAuditLog), "AppendManyAsync", [new List<AuditRecord> { digest, Decision(1) }, CancellationToken.None], null);

        // The digest: its 5.5 KB of JSON gzip'd to under 2 KB, 2 units in the table + 1 in kind-ts-index (round 4, as text: 6 + 1; before: a transaction's 2 × 6 + 6 in each of two ALL indexes).
        Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(System.Text.Json.JsonSerializer.Serialize(details)), 5 * 1024, 7 * 1024);
        Assert.Equal(["PutItem audit r0 w3", "PutItem audit r0 w3"], Shown(calls));
    }

    [Fact]
    public void AuditAppend_AnIntent_KeepsItsItemAndThreeIndexEntriesStored_EachWith100BytesOverhead()
    {
        var intent = new AuditRecord("run-1/00003", "run-1", T, AuditKind.Intent, "rule-1", Keys(1)[0], "notify", "send alert");

        var call = Assert.Single(Map.For(typeof(IAuditLog), "AppendAsync", [intent, CancellationToken.None], null));

        // The item 184 bytes (id 13, run_id 11, ts 8, at 35, kind 10, rule_id 13, action 12, message 17, ttl 9, quota 29, shard 27);
        // kind-ts-index: id, ts, kind, run_id, action = 54; rule_id-ts-index: id, ts, rule_id = 34; shard-ts-index: id, ts, shard, kind, run_id, action = 81; each + 100.
        Assert.Equal(184 + 100 + 54 + 100 + 34 + 100 + 81 + 100, call.StoredBytes);
    }

    [Fact]
    public void AuditAppend_ACycleRecord_IsOnTheKindAndShardIndexesNotTheRuleIndex()
    {
        var end = new AuditRecord("run-1/00009", "run-1", T, AuditKind.Cycle, "-", null, "cycle_end", "cycle run-1: 50 rules, 0 failed, 0 actions (0 failed, 0 not reached)",
            Details: new Dictionary<string, string> { [ReconciledThrough.Key] = ReconciledThrough.Format(T.AddMinutes(-15)) });

        var calls = Map.For(typeof(IAuditLog), "AppendAsync", [end, CancellationToken.None], null);

        Assert.Equal(["PutItem audit r0 w3"], Shown(calls));
    }

    [Fact]
    public void AuditAppend_AnIntent_IsOnePutItemWrittenToTheTableAndThreeIndexes()
    {
        var intent = new AuditRecord("run-1/00003", "run-1", T, AuditKind.Intent, "rule-1", Keys(1)[0], "notify", "send alert");

        var calls = Map.For(typeof(IAuditLog), "AppendAsync", [intent, CancellationToken.None], null);

        Assert.Equal(["PutItem audit r0 w4"], Shown(calls));
    }

    [Fact]
    public void AuditAppend_ADecision_IsNotOnTheShardIndex()
    {
        var calls = Map.For(typeof(IAuditLog), "TryAppendAsync", [Decision(1), CancellationToken.None], true);

        Assert.Equal(["PutItem audit r0 w3"], Shown(calls));
    }

    [Fact]
    public void AuditListUnfinished_ADayOf5MinuteCycles_IsOneQueryPageOfTheNewestEntries()
    {
        var calls = Map.For(typeof(IAuditLog), "ListUnfinishedAsync", [T.AddDays(-1), T.AddMinutes(-15), CancellationToken.None], Array.Empty<AuditRecord>());

        Assert.Equal(["Query audit r0.5 w0"], Shown(calls)); // 24 of the 576 entries × 160 bytes = 3,840 bytes: 1 unit, halved (before: all 576 whole items, 22.5)
    }

    [Fact]
    public void AuditListUnfinished_TwoOpenRecords_AreReadWholeByKey()
    {
        var open = new List<AuditRecord>
        {
            new("crash/00001", "crash", T.AddHours(-1), AuditKind.Cycle, "-", null, "cycle_start", "cycle crash started"),
            new("crash/00002", "crash", T.AddHours(-1), AuditKind.Intent, "rule-1", Keys(1)[0], "notify", "send alert"),
        };

        var calls = Map.For(typeof(IAuditLog), "ListUnfinishedAsync", [T.AddDays(-1), T.AddMinutes(-15), CancellationToken.None], open);

        Assert.Equal(["Query audit r0.5 w0", "BatchGetItem audit r1 w0"], Shown(calls)); // 0.5 an item of under 4 KB
    }

    [Fact]
    public void StateRequest_ReserveCloseAndUpdate_AreTheAdaptersTransactionsAndPuts()
    {
        var request = new QuotaRequest("req-1", "rule-1", Keys(1)[0], 100, 150, RequestStatus.Filing, T, T);

        var reserve = Map.For(typeof(IRequestStore), "TryReserveAsync", [request, CancellationToken.None], true);
        var stillOpen = Map.For(typeof(IRequestStore), "UpdateAsync", [request with { Status = RequestStatus.Pending }, CancellationToken.None], null);
        var closed = Map.For(typeof(IRequestStore), "UpdateAsync", [request with { Status = RequestStatus.Denied }, CancellationToken.None], null);

        Assert.Equal(["TransactWriteItems state r0 w6"], Shown(reserve));   // lock and request, 2 units each, + the request's state-index and shard-state-index entries
        Assert.Equal(["PutItem state r0 w5"], Shown(stillOpen));            // the request + both index entries moved (delete and put)
        Assert.Equal(["TransactWriteItems state r0 w8"], Shown(closed));    // the request and the lock's delete, 2 units each, + both index moves (denied: still listed)
    }

    [Fact]
    public void StateRequest_Approved_LeavesTheShardIndex()
    {
        var request = new QuotaRequest("req-1", "rule-1", Keys(1)[0], 100, 150, RequestStatus.Approved, T, T);

        var closed = Map.For(typeof(IRequestStore), "UpdateAsync", [request, CancellationToken.None], null);

        Assert.Equal(["TransactWriteItems state r0 w7"], Shown(closed)); // the request and the lock's delete, 2 units each, + the state-index move + the shard-state-index delete
    }

    [Fact]
    public void StateLists_AreEventuallyConsistentQueriesOfTheShardsIndexPartition()
    {
        var calls = Map.For(typeof(IRequestStore), "ListOpenAsync", [CancellationToken.None], new List<QuotaRequest>());

        Assert.Equal(["Query state r0.5 w0"], Shown(calls));
    }

    [Fact]
    public void AccountRequestBudget_ReserveAndRelease_AreOneUpdateItemEach()
    {
        var reserve = Map.For(typeof(IAccountRequestBudget), "TryReserveAsync", [Keys(1)[0], 20, CancellationToken.None], true);
        var release = Map.For(typeof(IAccountRequestBudget), "ReleaseAsync", [Keys(1)[0], CancellationToken.None], null);

        Assert.Equal(["UpdateItem state r0 w1", "UpdateItem state r0 w1"], Shown([.. reserve, .. release]));
    }

    [Fact]
    public void Rules_10000Items_AreAStronglyConsistentScanOf4Pages()
    {
        var calls = new AwsCallMap(10_000, 576, _ => 1).For(typeof(IRuleStore), "LoadRulesAsync", [CancellationToken.None], null);

        // 10,000 × 400 bytes = 4,000,000 bytes: three full pages (256 units each) and 854,272 bytes (209 units).
        Assert.Equal(["Scan rules r256 w0", "Scan rules r256 w0", "Scan rules r256 w0", "Scan rules r209 w0"], Shown(calls));
    }

    private static AuditRecord Decision(int i) =>
        new($"run-1/{i + 10:D5}", "run-1", T, AuditKind.Decision, $"rule-{i}", Keys(1)[0], "none", "peak 40.0%: below the warning threshold 80%");
}
