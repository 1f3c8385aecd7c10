using Microsoft.Extensions.Time.Testing;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Local.Simulation;
using Xunit.Abstractions;

namespace QuotaAutomation.Local.Tests.Reliability;

/// <summary>
/// Eight `run`s at once on one SQLite file, four rounds, each opening the file as a separate CLI process would
/// (its own connections and clock), with the simulated account approving every request at once so quotas move under
/// the cycles' feet: one request per quota, no failed action, no lost audit row, and the clock moved by every run.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class ConcurrentEmbeddedCyclesTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Concurrent = 8;
    private const int Rounds = 12;

    private static readonly SimulationOptions FastApprovals = new() { ApprovalDelay = TimeSpan.Zero, LargeApprovalDelay = TimeSpan.Zero, DenyProbability = 0 };

    private readonly TempDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task EightRunsAtOnce_OnOneFile_OneRequestPerQuota_NoLostAuditRow_ClockMovedByEveryRun()
    {
        var (reports, written, backend) = await RunRoundsAsync();

        var requests = await backend.Account.ListRequestsAsync(CancellationToken.None);
        var rows = await backend.Audit.QueryAsync(null, null, 1_000_000, CancellationToken.None);
        // One request per quota at a time: never two open for a quota.
        Assert.All(requests.GroupBy(r => r.Quota), g => Assert.True(g.Count(r => r.Status.IsOpen()) <= 1, $"{g.Key}: {g.Count(r => r.Status.IsOpen())} open requests"));
        Assert.Equal(written, rows.Count);
        Assert.Equal(reports.Count, rows.Count(r => r.Action == "cycle_start"));
        Assert.Equal(reports.Select(r => r.RunId).Order(StringComparer.Ordinal), rows.Where(r => r.Action == "cycle_end").Select(r => r.RunId).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(rows.Where(r => r.Kind == AuditKind.Intent).Select(r => r.Id).Order(StringComparer.Ordinal),
            rows.Where(r => r.Kind == AuditKind.Outcome).Select(r => r.ActionId ?? "").Order(StringComparer.Ordinal));
        Assert.Equal(TempDatabase.Start + Rounds * Concurrent * SimulatedAccount.SampleInterval, backend.Clock.GetUtcNow());
    }

    [Fact]
    public async Task EightRunsAtOnce_OnOneFile_WithInstantApprovals_NoFailedAction()
    {
        var (reports, _, _) = await RunRoundsAsync();

        Assert.DoesNotContain(reports.SelectMany(r => r.Actions), a => a.Outcome == ActionOutcome.Failed);
    }

    [Fact]
    public async Task EightRunsAtOnce_OnOneFile_NoFinishedCycleIsRecordedAsUnfinished()
    {
        var (reports, _, backend) = await RunRoundsAsync();

        var rows = await backend.Audit.QueryAsync(null, null, 1_000_000, CancellationToken.None);
        Assert.Equal(reports.Count, rows.Count(r => r.Action == "cycle_end"));
    }

    private async Task<(List<CycleReport> Reports, int Written, EmbeddedBackend Backend)> RunRoundsAsync()
    {
        await _db.OpenAsync(FastApprovals); // creates the file: sample rules, built-in quotas, clock at 15:00
        var written = new CountingAudit();
        var reports = new List<CycleReport>();

        for (var round = 0; round < Rounds; round++)
            reports.AddRange(await Task.WhenAll(Enumerable.Range(0, Concurrent).Select(i => Task.Run(() => RunAsync(written, $"r{round}c{i}")))));

        var backend = await _db.OpenAsync(FastApprovals);
        var requests = await backend.Account.ListRequestsAsync(CancellationToken.None);
        output.WriteLine($"{reports.Count} cycles ({Rounds} rounds × {Concurrent} at once); {requests.Count} requests, {requests.Count(r => r.Status == RequestStatus.Approved)} approved; "
            + $"{reports.Sum(r => r.Actions.Count)} actions ({reports.Sum(r => r.ActionsFailed)} failed); audit rows written {written.Count}; clock {backend.Clock.GetUtcNow():HH:mm}");
        foreach (var failed in reports.SelectMany(r => r.Actions).Where(a => a.Outcome == ActionOutcome.Failed)) output.WriteLine($"  failed {failed.RuleId} {failed.Action}: {failed.Detail}");
        return (reports, written.Count, backend);
    }

    /// <summary>What `quota-automation run` does: open the file, one cycle, advance the clock by 5 minutes.</summary>
    private async Task<CycleReport> RunAsync(CountingAudit written, string nonce)
    {
        var backend = await EmbeddedBackend.OpenAsync(_db.Path, new EmbeddedOptions { Start = TempDatabase.Start, Simulation = FastApprovals },
            new FakeTimeProvider(TempDatabase.Start), CancellationToken.None);
        var engine = new AutomationEngine(backend.Ports with { Audit = written.Wrap(backend.Audit) }, new TrendForecaster(), backend.Clock,
            new EngineOptions { NewRunNonce = () => nonce, RunOwner = Local.Runtime.ProcessOwner.Current, OwnerAlive = Local.Runtime.ProcessOwner.IsAlive });
        var report = await engine.RunCycleAsync(CancellationToken.None);
        await backend.AdvanceAsync(SimulatedAccount.SampleInterval, CancellationToken.None);
        return report;
    }

    /// <summary>Counts the audit records the engines wrote (successfully), to compare with what the file holds.</summary>
    private sealed class CountingAudit
    {
        private int _count;

        public int Count => _count;

        public IAuditLog Wrap(IAuditLog inner) => new Counted(inner, this);

        private sealed class Counted(IAuditLog inner, CountingAudit counter) : IAuditLog
        {
            public async Task AppendAsync(AuditRecord record, CancellationToken ct)
            {
                await inner.AppendAsync(record, ct);
                Interlocked.Increment(ref counter._count);
            }

            public async Task<bool> TryAppendAsync(AuditRecord record, CancellationToken ct)
            {
                var written = await inner.TryAppendAsync(record, ct);
                if (written) Interlocked.Increment(ref counter._count);
                return written;
            }

            public Task<IReadOnlyList<AuditRecord>> ListUnfinishedAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken ct) =>
                inner.ListUnfinishedAsync(since, until, ct);
        }
    }
}
