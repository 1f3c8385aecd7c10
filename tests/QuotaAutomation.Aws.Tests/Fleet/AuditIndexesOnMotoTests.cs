using Amazon.DynamoDBv2.Model;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Dynamo;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Tests.Fleet;

/// <summary>
/// The audit table's indexes copy only what their readers read (docs/fleet-auditw.md): on moto, which enforces each
/// index's projection, every index holds exactly its projected attributes, records of no rule (<c>-</c>) are not on
/// <c>rule_id-ts-index</c>, the readers still get whole records (by key), a flush is a conditional PutItem per record,
/// and a shard's reconciliation reads newest first and stops at the newest cycle end's <see cref="ReconciledThrough"/>,
/// yet finds a crashed intent from any time within its window. DynamoDB calls are counted at the transport; moto reports
/// consumed capacity as a constant, so the units are the call map's (AwsCallMapTests).
/// </summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class AuditIndexesOnMotoTests(MotoServer moto)
{
    private const string Account = "111111111111";
    private const string Region = "eu-west-1";
    private static readonly DateTimeOffset T = AwsWorld.Now;
    private static readonly QuotaKey Quota = new("ec2", "L-1216C47A", Region, Account);

    [Fact]
    public async Task Indexes_HoldOnlyTheirProjectedAttributes_AndNoRecordOfRuleDashOnTheRuleIndex()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        await WriteRunAsync(backend.Audit.ForShard(Account, Region), "run-1", T);

        var byRule = await ScanAsync(backend, DynamoTables.AuditByRuleIndex);
        var byKind = await ScanAsync(backend, DynamoTables.AuditByKindIndex);
        var byShard = await ScanAsync(backend, DynamoTables.AuditByShardIndex);

        Assert.Equal(["run-1/00003 id,rule_id,ts", "run-1/00004 id,rule_id,ts", "run-1/00005 id,rule_id,ts"], byRule);
        Assert.Equal(["run-1/00001 action,id,kind,run_id,ts", "run-1/00002 action,id,kind,run_id,ts", "run-1/00003 action,id,kind,run_id,ts",
            "run-1/00004 action,action_id,id,kind,run_id,ts", "run-1/00005 action,id,kind,run_id,ts", "run-1/00006 action,id,kind,run_id,ts"], byKind);
        Assert.Equal(["run-1/00001 action,id,kind,run_id,shard,ts", "run-1/00003 action,id,kind,run_id,shard,ts", "run-1/00004 action,action_id,id,kind,run_id,shard,ts",
            "run-1/00006 action,id,kind,reconciled_through,run_id,shard,ts"], byShard);
    }

    [Fact]
    public async Task Readers_ByRuleByKindAndOfRuleDash_GetWholeRecords()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        await WriteRunAsync(backend.Audit.ForShard(Account, Region), "run-1", T);

        var rule = await backend.Audit.ForRuleAsync("r", CancellationToken.None);
        var dash = await backend.Audit.ForRuleAsync("-", CancellationToken.None);
        var outcomes = await backend.Audit.QueryAsync(new AuditFilter(Kind: AuditKind.Outcome), CancellationToken.None);
        var dashCycles = await backend.Audit.QueryAsync(new AuditFilter("-", AuditKind.Cycle), CancellationToken.None);

        Assert.Equal(["run-1/00003 Intent r ec2/L-1216C47A@eu-west-1#111111111111 notify send alert severity=Warning",
            "run-1/00004 Outcome r ec2/L-1216C47A@eu-west-1#111111111111 notify done: message 1 ", "run-1/00005 Decision r ec2/L-1216C47A@eu-west-1#111111111111 alert peak 85.0% "],
            rule.Select(Line));
        Assert.Equal(["run-1/00001 Cycle - cycle_start cycle run-1 started ", "run-1/00002 Decision - none_digest 49 rules: no action ",
            $"run-1/00006 Cycle - cycle_end cycle run-1: 50 rules reconciled_through={ReconciledThrough.Format(T - TimeSpan.FromMinutes(15))}"], dash.Select(Line));
        Assert.Equal("run-1/00003", Assert.Single(outcomes!).ActionId);
        Assert.Equal(["run-1/00001", "run-1/00006"], dashCycles!.Select(r => r.Id));
    }

    [Fact]
    public async Task AppendMany_TheDigestAndADecision_AreTwoConditionalPutItemsNoTransaction()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        var digest = new AuditRecord("run-1/00002", "run-1", T, AuditKind.Decision, "-", null, QuietDecisions.Action, "49 rules: no action");
        var alert = new AuditRecord("run-1/00003", "run-1", T, AuditKind.Decision, "r", Quota, "alert", "peak 85.0%");
        world.Quotas.Forwarded.Clear();

        await backend.Audit.AppendManyAsync([digest, alert], CancellationToken.None);

        Assert.Equal("PutItem=2", ShardUsage.DynamoCalls(world));
        await backend.Audit.AppendManyAsync([digest, alert], CancellationToken.None); // the same batch again (a flush retried after a lost reply): no error, nothing twice
        await Assert.ThrowsAsync<ConditionalCheckFailedException>(() =>
            backend.Audit.AppendManyAsync([alert with { Message = "overwrite?" }], CancellationToken.None));
        Assert.Equal(["run-1/00003 peak 85.0%"], (await backend.Audit.ForRuleAsync("r", CancellationToken.None)).Select(r => $"{r.Id} {r.Message}"));
    }

    [Fact]
    public async Task ShardReconciliation_ADayOfCyclesThatEnded_IsOneQueryPageOfTheNewestEntries()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        var replies = new AuditQueries(world.Quotas);
        using var backend = new AwsBackend(moto.Options(replies), new AwsBackendOptions { AlertTopicArn = world.TopicArn });
        var log = backend.Audit.ForShard(Account, Region);
        await WriteDayAsync(log, crashedAt: null);
        replies.Clear();

        var unfinished = await log.ListUnfinishedAsync(T.AddDays(-1), T.AddMinutes(-15), CancellationToken.None);

        Assert.Empty(unfinished);
        Assert.Equal((1, DynamoAuditLog.ReconcilePage), (replies.Calls, replies.Entries)); // of 576 entries in the window
    }

    /// <summary>
    /// A crash at any time in the window (from its first hour to 20 minutes ago) whose records every later cycle left
    /// open (as when its reservation is not settled yet): each later end vouches only for what is older than the crash,
    /// so the read goes back to it, and finds the intent and its cycle start, however far back.
    /// </summary>
    [Theory]
    [InlineData(1430)]
    [InlineData(1080)]
    [InlineData(360)]
    [InlineData(60)]
    [InlineData(20)]
    public async Task ShardReconciliation_ACrashedIntentLeftOpen_IsFoundFromAnyTimeInTheWindow(int minutesAgo)
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        var log = backend.Audit.ForShard(Account, Region);
        await WriteDayAsync(log, crashedAt: T.AddMinutes(-minutesAgo));

        var unfinished = await log.ListUnfinishedAsync(T.AddDays(-1), T.AddMinutes(-15), CancellationToken.None);

        var crash = $"crash-{minutesAgo}";
        Assert.Equal([$"{crash}/00001 cycle_start", $"{crash}/00002 request_increase"], unfinished.Select(r => $"{r.Id} {r.Action}"));
        Assert.Equal("send request", unfinished[1].Message); // read whole
    }

    /// <summary>One run of a shard: start, digest, a rule's intent, outcome and decision, end vouching for its window's end.</summary>
    private static async Task WriteRunAsync(DynamoAuditLog log, string run, DateTimeOffset at)
    {
        await log.AppendAsync(new AuditRecord($"{run}/00001", run, at, AuditKind.Cycle, "-", null, "cycle_start", $"cycle {run} started"), CancellationToken.None);
        await log.AppendManyAsync([new AuditRecord($"{run}/00002", run, at, AuditKind.Decision, "-", null, QuietDecisions.Action, "49 rules: no action")], CancellationToken.None);
        await log.AppendAsync(new AuditRecord($"{run}/00003", run, at, AuditKind.Intent, "r", Quota, "notify", "send alert",
            Details: new Dictionary<string, string> { ["severity"] = "Warning" }), CancellationToken.None);
        await log.AppendAsync(new AuditRecord($"{run}/00004", run, at, AuditKind.Outcome, "r", Quota, "notify", "done: message 1", $"{run}/00003"), CancellationToken.None);
        await log.AppendManyAsync([new AuditRecord($"{run}/00005", run, at, AuditKind.Decision, "r", Quota, "alert", "peak 85.0%")], CancellationToken.None);
        await log.AppendAsync(new AuditRecord($"{run}/00006", run, at, AuditKind.Cycle, "-", null, "cycle_end", $"cycle {run}: 50 rules",
            Details: new Dictionary<string, string> { [ReconciledThrough.Key] = ReconciledThrough.Format(at - TimeSpan.FromMinutes(15)) }), CancellationToken.None);
    }

    /// <summary>
    /// A day of 5-minute cycles up to 5 minutes ago (start and end each, as the engine writes them); with a crash, that
    /// cycle's start and intent and no more, and every later end vouching for no later than just before the crash.
    /// </summary>
    private static async Task WriteDayAsync(DynamoAuditLog log, DateTimeOffset? crashedAt)
    {
        for (var at = T.AddDays(-1); at < T; at += TimeSpan.FromMinutes(5))
        {
            var run = $"c{at:HHmm}";
            if (crashedAt is { } crash && at >= crash && at < crash + TimeSpan.FromMinutes(5))
            {
                var id = $"crash-{(int)(T - crash).TotalMinutes}";
                await log.AppendAsync(new AuditRecord($"{id}/00001", id, crash, AuditKind.Cycle, "-", null, "cycle_start", $"cycle {id} started"), CancellationToken.None);
                await log.AppendAsync(new AuditRecord($"{id}/00002", id, crash, AuditKind.Intent, "r", Quota, "request_increase", "send request"), CancellationToken.None);
            }
            var through = at - TimeSpan.FromMinutes(15);
            if (crashedAt is { } open && open <= through) through = open - TimeSpan.FromTicks(1);
            await log.AppendAsync(new AuditRecord($"{run}/00001", run, at, AuditKind.Cycle, "-", null, "cycle_start", $"cycle {run} started"), CancellationToken.None);
            await log.AppendAsync(new AuditRecord($"{run}/00002", run, at.AddSeconds(1), AuditKind.Cycle, "-", null, "cycle_end", $"cycle {run}: 50 rules",
                Details: new Dictionary<string, string> { [ReconciledThrough.Key] = ReconciledThrough.Format(through) }), CancellationToken.None);
        }
    }

    private static string Line(AuditRecord r) =>
        $"{r.Id} {r.Kind} {r.RuleId} {(r.Quota is { } q ? q + " " : "")}{r.Action} {r.Message} {string.Join(",", (r.Details ?? new Dictionary<string, string>()).Select(d => $"{d.Key}={d.Value}"))}";

    /// <summary>Every entry of an index: its id and the attribute names it holds, by id.</summary>
    private static async Task<List<string>> ScanAsync(AwsBackend backend, string index)
    {
        var items = (await backend.Dynamo.ScanAsync(new ScanRequest { TableName = new AwsBackendOptions().AuditTable, IndexName = index }, CancellationToken.None)).Items;
        return [.. items.Select(i => $"{i["id"].S} {string.Join(',', i.Keys.Order(StringComparer.Ordinal))}").Order(StringComparer.Ordinal)];
    }

    /// <summary>Counts the Query calls on the audit table and the index entries they returned.</summary>
    private sealed class AuditQueries(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private readonly Lock _lock = new();

        public int Calls { get; private set; }

        public int Entries { get; private set; }

        public void Clear() { lock (_lock) (Calls, Entries) = (0, 0); }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var target = request.Headers.TryGetValues("X-Amz-Target", out var values) ? values.Single() : "";
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            var reply = await base.SendAsync(request, cancellationToken);
            if (target != "DynamoDB_20120810.Query" || !body.Contains($"\"{new AwsBackendOptions().AuditTable}\"", StringComparison.Ordinal)) return reply;
            var bytes = await reply.Content.ReadAsByteArrayAsync(cancellationToken);
            var count = System.Text.Json.Nodes.JsonNode.Parse(bytes)?["Items"]?.AsArray().Count ?? 0;
            lock (_lock) (Calls, Entries) = (Calls + 1, Entries + count);
            var copy = new ByteArrayContent(bytes);
            foreach (var header in reply.Content.Headers) copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
            reply.Content = copy;
            return reply;
        }
    }
}
