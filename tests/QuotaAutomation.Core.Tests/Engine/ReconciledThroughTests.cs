using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Tests.Fakes;
using static QuotaAutomation.Core.Tests.Fakes.TestRules;

namespace QuotaAutomation.Core.Tests.Engine;

/// <summary>
/// A cycle's end record says up to when its reconciliation left nothing open (<see cref="ReconciledThrough"/>), so a
/// store reading the trail newest first can stop there: the reconcile window's end when everything was closed, just
/// before the oldest record left open otherwise, nothing when the list could not be read.
/// </summary>
public class ReconciledThroughTests
{
    private static EngineFixture FullAuto(EngineOptions? options = null)
    {
        var f = new EngineFixture(options);
        f.Account.Add("ec2", "L-1216C47A", 100, _ => 90);
        f.Stores.Rules.Add(Item("ec2-vcpu", "ec2", "L-1216C47A", "full_auto"));
        return f;
    }

    private static DateTimeOffset? LastEnd(EngineFixture f) => ReconciledThrough.Of(f.Stores.Audit.Last(a => a.Action == "cycle_end"));

    [Fact]
    public async Task CycleEnd_NothingOpen_VouchesForTheReconcileWindowsEnd()
    {
        var f = FullAuto();

        await f.CycleAsync();

        Assert.Equal(EngineFixture.Start - f.Options.ReconcileAfter, LastEnd(f));
    }

    [Fact]
    public async Task CycleEnd_AfterClosingACrashedIntent_VouchesForTheReconcileWindowsEnd()
    {
        var f = FullAuto();
        f.Stores.FailAuditWhen = r => r.Kind == AuditKind.Outcome;
        await Assert.ThrowsAsync<IOException>(f.CycleAsync);
        f.Stores.FailAuditWhen = null;
        f.Time.Advance(TimeSpan.FromMinutes(20));

        var report = await f.CycleAsync();

        var crashed = f.Stores.Audit.Single(a => a.Kind == AuditKind.Intent);
        Assert.Single(f.Stores.Audit, a => a.ActionId == crashed.Id);
        Assert.Equal(report.StartedAt - f.Options.ReconcileAfter, LastEnd(f));
    }

    [Fact]
    public async Task CycleEnd_AnIntentLeftOpen_VouchesOnlyForWhatIsOlderThanIt()
    {
        var alive = new HashSet<string>(StringComparer.Ordinal) { "process A" };
        var f = FullAuto(new EngineOptions { RunOwner = "process A", OwnerAlive = alive.Contains });
        f.Stores.FailAuditWhen = r => r.Kind == AuditKind.Outcome;
        await Assert.ThrowsAsync<IOException>(f.CycleAsync);
        f.Stores.FailAuditWhen = null;
        f.Time.Advance(TimeSpan.FromMinutes(20));

        await f.CycleAsync(); // its owner still runs: left open

        var start = f.Stores.Audit.First(a => a.Action == "cycle_start");
        Assert.Equal(start.Timestamp - TimeSpan.FromTicks(1), LastEnd(f));
    }

    [Fact]
    public async Task CycleEnd_TheListCouldNotBeRead_VouchesForNothing()
    {
        var f = new EngineFixture();
        var audit = new UnlistableAuditLog(f.Stores);
        var engine = new AutomationEngine(new(f.Stores, f.Account, f.Account, f.Stores, f.Account, f.Stores, f.Stores, f.Stores, f.Stores, audit, f.Stores),
            new Core.Forecasting.TrendForecaster(), f.Time, f.Options);

        await engine.RunCycleAsync(CancellationToken.None);

        var end = f.Stores.Audit.Last(a => a.Action == "cycle_end");
        Assert.Null(ReconciledThrough.Of(end));
        Assert.Contains(f.Stores.Audit, a => a.Action == "reconcile" && a.Message == "could not list unfinished audit records: audit index unavailable");
    }

    private sealed class UnlistableAuditLog(InMemoryStores inner) : IAuditLog
    {
        public Task AppendAsync(AuditRecord record, CancellationToken ct) => inner.AppendAsync(record, ct);

        public Task<bool> TryAppendAsync(AuditRecord record, CancellationToken ct) => inner.TryAppendAsync(record, ct);

        public Task<IReadOnlyList<AuditRecord>> ListUnfinishedAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken ct) =>
            throw new IOException("audit index unavailable");
    }
}
