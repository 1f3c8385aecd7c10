using System.Text.Json.Nodes;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Dynamo;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Tests.Fleet;

/// <summary>
/// Issue 14: a fleet shard reconciles only its own (account, Region)'s unfinished audit records, read from its own
/// partition of <c>shard-ts-index</c>, so what it reads does not grow with the fleet. The Query replies are read at
/// the transport (<see cref="QueryReplies"/>): which record ids each shard's reconciliation was handed.
/// </summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class ShardReconciliationOnMotoTests(MotoServer moto)
{
    private const string AccountA = "111111111111";
    private const string AccountB = "222222222222";
    private const string Region = "eu-west-1";
    private static readonly DateTimeOffset T = AwsWorld.Now;

    [Fact]
    public async Task ListUnfinished_TwoShards_EachListsOnlyItsOwn()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        var a = backend.Audit.ForShard(AccountA, Region);
        var b = backend.Audit.ForShard(AccountB, Region);
        await WriteShardDayAsync(a, "a", AccountA, crashed: true);
        await WriteShardDayAsync(b, "b", AccountB, crashed: true);

        var unfinishedA = await a.ListUnfinishedAsync(T.AddDays(-1), T.AddMinutes(-15), CancellationToken.None);
        var unfinishedB = await b.ListUnfinishedAsync(T.AddDays(-1), T.AddMinutes(-15), CancellationToken.None);

        Assert.Equal(["a-crash/00001", "a-crash/00002"], unfinishedA.Select(r => r.Id));
        Assert.Equal(["b-crash/00001", "b-crash/00002"], unfinishedB.Select(r => r.Id));
    }

    [Fact]
    public async Task ListUnfinished_PlainCycleTrail_StillListsEveryShardsAndRecordsWithoutShard()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        await WriteShardDayAsync(backend.Audit.ForShard(AccountA, Region), "a", AccountA, crashed: true);
        await WriteShardDayAsync(backend.Audit, "old", AccountB, crashed: true); // written as before the shard attribute: plain

        var unfinished = await backend.Audit.ListUnfinishedAsync(T.AddDays(-1), T.AddMinutes(-15), CancellationToken.None);

        Assert.Equal(["a-crash/00001", "a-crash/00002", "old-crash/00001", "old-crash/00002"], unfinished.Select(r => r.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CrashLeftIntent_OfShardA_IsClosedByAsNextCycleAndNeverReadByB()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        var replies = new QueryReplies(world.Quotas);
        using var backend = new AwsBackend(moto.Options(replies), new AwsBackendOptions { AlertTopicArn = world.TopicArn });
        await WriteShardDayAsync(backend.Audit.ForShard(AccountA, Region), "a", AccountA, crashed: true);

        await CycleAsync(world, backend, AccountB);
        var readByB = replies.Ids();
        var stillOpen = await backend.Audit.ForShard(AccountA, Region).ListUnfinishedAsync(T.AddDays(-1), T, CancellationToken.None);
        await CycleAsync(world, backend, AccountA);
        var left = await backend.Audit.ForShard(AccountA, Region).ListUnfinishedAsync(T.AddDays(-1), T, CancellationToken.None);

        Assert.DoesNotContain(readByB, id => id.StartsWith("a-", StringComparison.Ordinal));
        Assert.Equal(["a-crash/00001", "a-crash/00002"], stillOpen.Select(r => r.Id));
        Assert.Empty(left);
        var closing = (await backend.Audit.ForRuleAsync("r-a", CancellationToken.None)).Single(r => r.Id == "a-crash/00002/outcome-reconciled");
        Assert.Equal("failed (reconciled: process ended before the outcome): what it did is unknown", closing.Message);
    }

    [Fact]
    public async Task ShardReconciliation_ReadsAndCalls_DoNotGrowWithOtherShards()
    {
        var withOne = await MeasureAsync(otherShards: 1);
        var withTwenty = await MeasureAsync(otherShards: 20);

        Assert.Equal((Calls: 1, Items: 4 * 2 + 4), withOne); // a day of 4 finished cycles (start, end) + one crashed cycle's 4 records
        Assert.Equal(withOne, withTwenty);
    }

    private async Task<(int Calls, int Items)> MeasureAsync(int otherShards)
    {
        using var world = await AwsWorld.CreateAsync(moto);
        var replies = new QueryReplies(new SocketsHttpHandler());
        using var backend = new AwsBackend(moto.Options(replies), new AwsBackendOptions { AlertTopicArn = world.TopicArn });
        await WriteShardDayAsync(backend.Audit.ForShard(AccountA, Region), "a", AccountA, crashed: true);
        for (var i = 0; i < otherShards; i++)
        {
            var account = (300000000000L + i).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await WriteShardDayAsync(backend.Audit.ForShard(account, Region), $"o{i}", account, crashed: true);
        }
        replies.Clear();

        await backend.Audit.ForShard(AccountA, Region).ListUnfinishedAsync(T.AddDays(-1), T.AddMinutes(-15), CancellationToken.None);

        return (replies.Calls, replies.Ids().Count);
    }

    /// <summary>A shard's day: 4 finished cycles (start, intent, outcome, end; decisions too) and, if crashed, a cycle whose process ended after its intent.</summary>
    private static async Task WriteShardDayAsync(DynamoAuditLog log, string prefix, string account, bool crashed)
    {
        var quota = new QuotaKey("ec2", "L-1216C47A", Region, account);
        for (var c = 0; c < 4; c++)
        {
            var run = $"{prefix}-{c}";
            var at = T.AddHours(-6 * (c + 1));
            await log.AppendAsync(new AuditRecord($"{run}/00001", run, at, AuditKind.Cycle, "-", null, "cycle_start", $"cycle {run} started"), CancellationToken.None);
            await log.AppendManyAsync([new AuditRecord($"{run}/00002", run, at, AuditKind.Decision, $"r-{prefix}", quota, "none", "peak 40.0%")], CancellationToken.None);
            await log.AppendAsync(new AuditRecord($"{run}/00003", run, at, AuditKind.Cycle, "-", null, "cycle_end", $"cycle {run}: 1 rules"), CancellationToken.None);
        }
        if (!crashed) return;
        var crash = $"{prefix}-crash";
        await log.AppendAsync(new AuditRecord($"{crash}/00001", crash, T.AddHours(-1), AuditKind.Cycle, "-", null, "cycle_start", $"cycle {crash} started"), CancellationToken.None);
        await log.AppendAsync(new AuditRecord($"{crash}/00002", crash, T.AddHours(-1), AuditKind.Intent, $"r-{prefix}", quota, "scale_out", "about to act"), CancellationToken.None);
        await log.AppendAsync(new AuditRecord($"{crash}/00003", crash, T.AddHours(-1), AuditKind.Intent, $"r-{prefix}", quota, "notify", "send alert"), CancellationToken.None);
        await log.AppendAsync(new AuditRecord($"{crash}/00004", crash, T.AddHours(-1), AuditKind.Outcome, $"r-{prefix}", quota, "notify", "done: message 1", $"{crash}/00003"), CancellationToken.None);
    }

    /// <summary>One cycle of a shard with no rules of its own: what is left to it is reconciliation.</summary>
    private static async Task CycleAsync(AwsWorld world, AwsBackend backend, string account)
    {
        var ports = backend.Ports with { Audit = backend.Audit.ForShard(account, Region) };
        await new AutomationEngine(ports, new TrendForecaster(), world.Time, new EngineOptions()).RunCycleAsync(CancellationToken.None);
    }

    /// <summary>Counts DynamoDB Query calls on the audit table and collects the ids of the items they returned.</summary>
    private sealed class QueryReplies(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private readonly List<string> _ids = [];
        private readonly Lock _lock = new();

        public int Calls { get; private set; }

        public List<string> Ids() { lock (_lock) return [.. _ids]; }

        public void Clear() { lock (_lock) { _ids.Clear(); Calls = 0; } }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var target = request.Headers.TryGetValues("X-Amz-Target", out var values) ? values.Single() : "";
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            var reply = await base.SendAsync(request, cancellationToken);
            if (target != "DynamoDB_20120810.Query" || !body.Contains($"\"{new AwsBackendOptions().AuditTable}\"", StringComparison.Ordinal)) return reply;
            var bytes = await reply.Content.ReadAsByteArrayAsync(cancellationToken);
            var items = JsonNode.Parse(bytes)?["Items"]?.AsArray() ?? [];
            lock (_lock)
            {
                Calls++;
                _ids.AddRange(items.Select(i => (string)i!["id"]!["S"]!));
            }
            var copy = new ByteArrayContent(bytes);
            foreach (var header in reply.Content.Headers) copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
            reply.Content = copy;
            return reply;
        }
    }
}
