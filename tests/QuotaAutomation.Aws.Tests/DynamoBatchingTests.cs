using System.Text;
using System.Text.Json.Nodes;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Tests;

/// <summary>
/// Issue 14: a shard's DynamoDB calls grow as N/100 (reads) and N/25 (writes), not 3N. A steady-state cycle over N
/// quotas (one rule each) on moto, its DynamoDB calls counted at the transport. Quotas and usage come from stand-ins
/// (N quotas in Service Quotas and CloudWatch would only slow moto down; they are counted in ApiCallCountTests).
/// </summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class DynamoBatchingTests(MotoServer moto)
{
    [Theory]
    [InlineData(10)]
    [InlineData(100)]
    [InlineData(1000)]
    public async Task SteadyStateCycle_DynamoDbCalls_GrowAsNOver100AndNOver25(int quotas)
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        var keys = await FullAutoRules.PutAsync(backend, quotas);
        var ports = backend.Ports with { Quotas = new StandInQuotas(keys), Usage = new StandInUsage(), History = new CachedUsageHistory(backend.Ports.History) };
        var engine = new AutomationEngine(ports, new TrendForecaster(), world.Time, new EngineOptions());
        await engine.RunCycleAsync(CancellationToken.None); // a warm container's first cycle: whole windows, one Query each
        world.Time.Advance(TimeSpan.FromMinutes(5));
        world.Quotas.Forwarded.Clear();

        var report = await engine.RunCycleAsync(CancellationToken.None);

        Assert.All(report.Rules, r => Assert.Equal("none", r.Decision.Kind)); // 40 %: quiet rules, the common case
        var calls = world.Quotas.Forwarded.Where(c => c.Key.StartsWith("DynamoDB_", StringComparison.Ordinal))
            .OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key["DynamoDB_20120810.".Length..]}={c.Value}").ToList();
        Assert.Equal([
            $"BatchGetItem={Ceiling(quotas, 100)}",       // every quota's head (its newest 2 h), 100 a call
            $"BatchWriteItem={Ceiling(2 * quotas, 25)}",  // every quota's new sample and its new head, 25 a call
            "PutItem=2",                                    // cycle start and end, each alone (reconciliation needs them durable at once)
            "Query=7",                                      // fixed: requests, approvals, active alerts, reconciliation (3), step plans; no denials: nothing wants an increase
            "Scan=2",                                       // the rules and the policies (1 MB a page)
            $"TransactWriteItems={Ceiling(quotas, 100)}"],  // the decisions, 100 conditional puts a call
            calls);
    }

    /// <summary>
    /// A fleet shard's cycle (<see cref="Dynamo.DynamoShardHistory"/> behind a warm container's cache, as the Lambda
    /// composes it): the same fixed calls, and the history is the newest hour's Query, the append's Queries and one PutItem (the new row).
    /// </summary>
    [Fact]
    public async Task SteadyStateCycle_ShardHistory_OneQueryAndOnePutForTheHistory()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        var keys = Enumerable.Range(0, 50).Select(i => new QuotaKey("vpc", $"L-{i:D8}", "us-east-1")).ToList();
        foreach (var key in keys)
            await backend.Rules.PutAsync(new Dictionary<string, object?>
            {
                ["rule_id"] = key.QuotaCode, ["service_code"] = key.ServiceCode, ["quota_code"] = key.QuotaCode, ["region"] = key.Region, ["automation_level"] = "full_auto",
            }, CancellationToken.None);
        var ports = backend.Ports with { Quotas = new StandInQuotas(keys), Usage = new StandInUsage(), History = new CachedUsageHistory(backend.ShardHistory) };
        var engine = new AutomationEngine(ports, new TrendForecaster(), world.Time, new EngineOptions());
        await engine.RunCycleAsync(CancellationToken.None); // a cold container: the 14-day window in one Query, 13 rows in one batch
        world.Time.Advance(TimeSpan.FromMinutes(5));
        world.Quotas.Forwarded.Clear();

        var report = await engine.RunCycleAsync(CancellationToken.None);

        Assert.All(report.Rules, r => Assert.Equal("none", r.Decision.Kind));
        // History: the warm tail's Query; the append's newest-hourly-row Query and, the stand-in's hour of samples having no
        // hourly row yet, the compaction's Query (nothing aged); 1 PutItem. The rest as above (no denial Queries: nothing wants an increase).
        Assert.Equal("PutItem=3 Query=10 Scan=2 TransactWriteItems=1", ShardUsage.DynamoCalls(world)); // with the step plans' Query; Scans: rules, policies
        Assert.Equal(50, report.Rules.Count);
    }

    [Fact]
    public async Task BatchWrite_SomeItemsUnprocessed_AreSentAgainUntilStored()
    {
        // moto never answers UnprocessedItems: the transport lets it store the first 10 items of the first call and
        // answers the rest as unprocessed, in DynamoDB's wire shape.
        using var world = await AwsWorld.CreateAsync(moto);
        var transport = new PartialBatches(world.Quotas, keep: 10);
        using var backend = new AwsBackend(moto.Options(transport), new AwsBackendOptions { AlertTopicArn = world.TopicArn });
        var key = new QuotaKey("vpc", "L-F678F1CE", "us-east-1");
        var samples = Enumerable.Range(1, 20).Select(i => new UsageSample(AwsWorld.Now.AddMinutes(5 * i), i)).ToList();

        await backend.Ports.History.AppendAsync(key, samples, CancellationToken.None);

        Assert.Equal(11, transport.Unprocessed); // 20 samples and the head: 10 stored, 11 sent again
        Assert.Equal(samples, await new Dynamo.DynamoUsageHistory(backend.Dynamo, backend.Options.UsageTable, TimeSpan.FromDays(30))
            .ReadAsync(key, AwsWorld.Now, AwsWorld.Now.AddDays(1), CancellationToken.None));
    }

    [Fact]
    public async Task BatchGet_SomeKeysUnprocessed_AreAskedAgain()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var writer = world.Backend();
        var keys = Enumerable.Range(0, 30).Select(i => new QuotaKey("vpc", $"L-{i:D8}", "us-east-1")).ToList();
        await writer.Ports.History.ReadManyAsync(keys, AwsWorld.Now - TimeSpan.FromMinutes(65), AwsWorld.Now - TimeSpan.FromMinutes(5), CancellationToken.None); // a cycle reads before it appends
        await writer.Ports.History.AppendManyAsync(keys.ToDictionary(k => k, IReadOnlyList<UsageSample> (k) => [new UsageSample(AwsWorld.Now, 4)]), CancellationToken.None);
        world.Quotas.Forwarded.Clear();
        var transport = new PartialBatches(world.Quotas, keep: 7);
        using var reader = new AwsBackend(moto.Options(transport), new AwsBackendOptions { AlertTopicArn = world.TopicArn });

        var windows = await reader.Ports.History.ReadManyAsync(keys, AwsWorld.Now - TimeSpan.FromHours(1), AwsWorld.Now, CancellationToken.None);

        Assert.Equal(23, transport.Unprocessed);
        Assert.All(keys, k => Assert.Equal([new UsageSample(AwsWorld.Now, 4)], windows[k]));
        Assert.Equal(0, world.Quotas.Forwarded.GetValueOrDefault("DynamoDB_20120810.Query")); // every head was found: no window was queried
    }

    [Fact]
    public async Task AuditBatch_AnIdAlreadyThere_FailsWithoutOverwritingIt_TheOthersAreWritten()
    {
        // A small batch (up to DynamoAuditLog.PutsUpTo: a fleet shard's flush) is a conditional put per record (docs/fleet-auditw.md): not all or nothing, and no record is ever overwritten.
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        AuditRecord Record(int i, string message) => new($"run-1/{i:D5}", "run-1", AwsWorld.Now, AuditKind.Decision, "r", null, "none", message);
        await backend.Audit.AppendAsync(Record(3, "first"), CancellationToken.None);

        await Assert.ThrowsAnyAsync<Amazon.DynamoDBv2.Model.ConditionalCheckFailedException>(() =>
            backend.Audit.AppendManyAsync([Record(1, "a"), Record(2, "b"), Record(3, "overwrite?")], CancellationToken.None));

        var stored = await backend.Audit.ForRuleAsync("r", CancellationToken.None);
        Assert.Equal(["run-1/00001 a", "run-1/00002 b", "run-1/00003 first"], stored.Select(r => $"{r.Id} {r.Message}"));
    }

    private static int Ceiling(int n, int size) => (n + size - 1) / size;

    /// <summary>
    /// Passes requests on, except the first BatchWriteItem or BatchGetItem: its items or keys after the first
    /// <paramref name="keep"/> are not sent, and come back as <c>UnprocessedItems</c> / <c>UnprocessedKeys</c>, as
    /// DynamoDB answers when it throttles part of a batch.
    /// </summary>
    private sealed class PartialBatches(HttpMessageHandler inner, int keep) : DelegatingHandler(inner)
    {
        private int _unprocessed;
        private int _batches;

        public int Unprocessed => _unprocessed;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var target = request.Headers.TryGetValues("X-Amz-Target", out var t) ? t.Single() : "";
            var (list, unprocessed) = target switch
            {
                "DynamoDB_20120810.BatchWriteItem" => ("RequestItems", "UnprocessedItems"),
                "DynamoDB_20120810.BatchGetItem" => ("RequestItems", "UnprocessedKeys"),
                _ => ("", ""),
            };
            if (list.Length == 0 || Interlocked.Increment(ref _batches) > 1) return await base.SendAsync(request, cancellationToken);

            var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!.AsObject();
            var (table, requests) = body[list]!.AsObject().Single();
            var items = unprocessed == "UnprocessedKeys" ? requests!["Keys"]!.AsArray() : requests!.AsArray();
            var rest = new JsonArray(items.Skip(keep).Select(i => i!.DeepClone()).ToArray());
            if (rest.Count == 0) return await base.SendAsync(request, cancellationToken);
            Interlocked.Add(ref _unprocessed, rest.Count);
            var kept = new JsonArray(items.Take(keep).Select(i => i!.DeepClone()).ToArray());
            if (unprocessed == "UnprocessedKeys") requests["Keys"] = kept; else body[list]![table] = kept;
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-amz-json-1.0");
            // The body changed after signing; moto does not check signatures.
            var reply = await base.SendAsync(request, cancellationToken);
            var answer = JsonNode.Parse(await reply.Content.ReadAsStringAsync(cancellationToken))!.AsObject();
            JsonNode left = unprocessed == "UnprocessedKeys" ? new JsonObject { ["Keys"] = rest } : rest;
            answer[unprocessed] = new JsonObject { [table] = left };
            // A new reply without moto's x-amz-crc32, which no longer matches the body.
            return new HttpResponseMessage(reply.StatusCode) { Content = new StringContent(answer.ToJsonString(), Encoding.UTF8, "application/x-amz-json-1.0") };
        }
    }
}
