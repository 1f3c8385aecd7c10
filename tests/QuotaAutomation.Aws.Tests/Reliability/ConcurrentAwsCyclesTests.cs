using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Ports;
using Xunit.Abstractions;

namespace QuotaAutomation.Aws.Tests.Reliability;

/// <summary>
/// Eight cycles at once on one moto (one DynamoDB state table, one audit table), as eight Lambda invocations that
/// overlap would run, three rounds, the 20 rules of <see cref="FaultWorld"/> and AWS approving every request as soon
/// as it is filed: one request per quota, no failed action, no lost audit row.
/// </summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Reliability")]
public sealed class ConcurrentAwsCyclesTests(MotoServer moto, ITestOutputHelper output)
{
    private const int Concurrent = 8;
    private const int Rounds = 3;

    [Fact]
    public async Task EightCyclesAtOnce_OnOneMoto_OneRequestPerQuota_NoFailedAction_NoLostAuditRow()
    {
        using var world = await FaultWorld.CreateAsync(moto, seed: 1); // the proxy's fault rate stays 0
        world.Proxy.SerializeDynamoDb = true; // moto's transaction rollback loses concurrent writes; DynamoDB does not
        var written = 0;
        var reports = new List<CycleReport>();
        var backends = Enumerable.Range(0, Concurrent).Select(_ => world.Backend()).ToList();

        for (var round = 0; round < Rounds; round++)
        {
            using var stop = new CancellationTokenSource();
            var approver = ApproveAsSoonAsFiledAsync(world, stop.Token);
            reports.AddRange(await Task.WhenAll(backends.Select((b, i) => Task.Run(async () =>
            {
                // Staggered starts, so that some cycles read quotas before an approval and file after it.
                await Task.Delay(TimeSpan.FromMilliseconds(60 * i));
                return await new AutomationEngine(b.Ports with { Audit = new Counted(b.Audit, () => Interlocked.Increment(ref written)) }, new Core.Forecasting.TrendForecaster(), world.Time,
                    new EngineOptions { NewRunNonce = () => $"r{round}c{i}" }).RunCycleAsync(CancellationToken.None);
            }))));
            await stop.CancelAsync();
            await approver;
            world.Time.Advance(TimeSpan.FromMinutes(5));
        }

        var audit = await RunResult.ScanAsync(backends[0], backends[0].Options.AuditTable);
        var requests = world.Quotas.Requests;
        output.WriteLine($"{reports.Count} cycles ({Rounds} rounds × {Concurrent} at once) × {FaultWorld.RuleSet.Count} rules; {requests.Count} requests filed from "
            + $"{world.Quotas.Calls("RequestServiceQuotaIncrease")} RequestServiceQuotaIncrease calls; {reports.Sum(r => r.Actions.Count)} actions ({reports.Sum(r => r.ActionsFailed)} failed); audit rows written {written}, read back {audit.Count}");
        foreach (var failed in reports.SelectMany(r => r.Actions).Where(a => a.Outcome == ActionOutcome.Failed)) output.WriteLine($"  failed {failed.RuleId} {failed.Action}: {failed.Detail}");
        Assert.Equal(requests.Count, world.Quotas.Calls("RequestServiceQuotaIncrease")); // no second filing for a quota already requested
        Assert.DoesNotContain(reports.SelectMany(r => r.Actions), a => a.Outcome == ActionOutcome.Failed);
        Assert.Equal(written, audit.Count);
        Assert.Equal(reports.Count, audit.Count(a => RunResult.S(a, "action") == "cycle_start"));
        Assert.Equal(reports.Count, audit.Count(a => RunResult.S(a, "action") == "cycle_end"));
        Assert.Equal(audit.Where(a => RunResult.S(a, "kind") == "Intent").Select(a => RunResult.S(a, "id")).Order(StringComparer.Ordinal),
            audit.Where(a => RunResult.S(a, "kind") == "Outcome").Select(a => RunResult.S(a, "action_id")).Order(StringComparer.Ordinal));
        backends.ForEach(b => b.Dispose());
    }

    /// <summary>AWS approving fast: every pending request is approved (its value applied) a few milliseconds after it is filed.</summary>
    private static async Task ApproveAsSoonAsFiledAsync(FaultWorld world, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            foreach (var r in world.Quotas.Requests.Where(r => (string?)r["Status"] == "PENDING")) world.Quotas.Decide((string)r["Id"]!, "APPROVED");
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(5), stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private sealed class Counted(IAuditLog inner, Action written) : IAuditLog
    {
        public async Task AppendAsync(AuditRecord record, CancellationToken ct)
        {
            await inner.AppendAsync(record, ct);
            written();
        }

        public async Task<bool> TryAppendAsync(AuditRecord record, CancellationToken ct)
        {
            var stored = await inner.TryAppendAsync(record, ct);
            if (stored) written();
            return stored;
        }

        public Task<IReadOnlyList<AuditRecord>> ListUnfinishedAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken ct) =>
            inner.ListUnfinishedAsync(since, until, ct);
    }
}
