using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Tests.Fakes;
using static QuotaAutomation.Core.Tests.Fakes.TestRules;

namespace QuotaAutomation.Core.Tests.Engine;

/// <summary>
/// A process that ends between an action's intent and its outcome (simulated by an exception that escapes the cycle,
/// as a kill would end it) leaves the intent and its cycle unfinished; a later cycle reconciles both.
/// </summary>
public class ReconciliationTests
{
    private static EngineFixture FullAuto()
    {
        var f = new EngineFixture();
        f.Account.Add("ec2", "L-1216C47A", 100, _ => 90);
        f.Stores.Rules.Add(Item("ec2-vcpu", "ec2", "L-1216C47A", "full_auto"));
        return f;
    }

    /// <summary>Runs cycles until <see cref="EngineOptions.ReconcileAfter"/> has passed since the crash.</summary>
    private static async Task<List<CycleReport>> RecoverAsync(EngineFixture f)
    {
        f.Time.Advance(TimeSpan.FromMinutes(5)); // the crashed cycle did not move the clock
        var reports = new List<CycleReport>();
        for (var i = 0; i < 3; i++) reports.Add(await f.CycleAsync());
        return reports;
    }

    private static void AssertNothingDangles(EngineFixture f)
    {
        var audit = f.Stores.Audit;
        Assert.All(audit.Where(a => a.Kind == AuditKind.Intent), i => Assert.Single(audit, o => o.Kind == AuditKind.Outcome && o.ActionId == i.Id));
        Assert.All(audit.Where(a => a.Action == "cycle_start"), s => Assert.Single(audit, e => e.Action == "cycle_end" && e.RunId == s.RunId));
    }

    [Fact]
    public async Task RunCycle_KilledAfterAwsAcceptedTheRequest_ReconcilesItAsDone()
    {
        var f = FullAuto();
        f.Stores.FailAuditWhen = r => r.Kind == AuditKind.Outcome; // the process ends before the outcome is written
        await Assert.ThrowsAsync<IOException>(f.CycleAsync);
        f.Stores.FailAuditWhen = null;
        var crashed = f.Stores.Audit.Single(a => a.Kind == AuditKind.Intent);

        var reports = await RecoverAsync(f);

        var outcome = Assert.Single(f.Stores.Audit, a => a.ActionId == crashed.Id);
        Assert.Equal((AuditKind.Outcome, "request_increase", "done (reconciled): AWS has request fake-1 (PENDING) for 150"), (outcome.Kind, outcome.Action, outcome.Message));
        var end = Assert.Single(f.Stores.Audit, a => a.RunId == crashed.RunId && a.Action == "cycle_end");
        Assert.Equal($"cycle {crashed.RunId} did not finish: its process ended before the end record (reconciled by cycle {reports[^1].RunId})", end.Message);
        Assert.Single(f.Account.Requests);
        AssertNothingDangles(f);
    }

    [Fact]
    public async Task RunCycle_KilledBeforeTheRequestReachedAws_ReconcilesItAsFailed()
    {
        var f = FullAuto();
        f.Account.Fail = (operation, _) => operation == "RequestServiceQuotaIncrease" ? new OperationCanceledException("killed") : null;
        await Assert.ThrowsAsync<OperationCanceledException>(f.CycleAsync);
        f.Account.Fail = (_, _) => null;
        var crashed = f.Stores.Audit.Single(a => a.Kind == AuditKind.Intent);

        await RecoverAsync(f);

        var outcome = Assert.Single(f.Stores.Audit, a => a.ActionId == crashed.Id);
        Assert.Equal("failed (reconciled: process ended before the outcome): reservation never reached AWS", outcome.Message);
        Assert.Empty(f.Account.Violations);
        AssertNothingDangles(f);
    }

    [Fact]
    public async Task RunCycle_IntentYoungerThanReconcileAfter_IsLeftToTheCycleThatMayStillRunIt()
    {
        var f = FullAuto();
        f.Stores.FailAuditWhen = r => r.Kind == AuditKind.Outcome;
        await Assert.ThrowsAsync<IOException>(f.CycleAsync);
        f.Stores.FailAuditWhen = null;
        f.Time.Advance(TimeSpan.FromMinutes(5));

        await f.CycleAsync(); // 5 minutes later: the crashed cycle could still be running

        var crashed = f.Stores.Audit.Single(a => a.Kind == AuditKind.Intent && a.Action == "request_increase");
        Assert.DoesNotContain(f.Stores.Audit, a => a.ActionId == crashed.Id);
    }

    [Fact]
    public async Task RunCycle_OldIntentWhoseOwnerStillRuns_IsLeftAlone_AndClosedOnceTheOwnerHasEnded()
    {
        // The embedded backend's shared virtual clock can run ahead of a cycle that is still running.
        var alive = new HashSet<string>(StringComparer.Ordinal) { "process A" };
        var f = new EngineFixture(new EngineOptions { RunOwner = "process A", OwnerAlive = alive.Contains });
        f.Account.Add("ec2", "L-1216C47A", 100, _ => 90);
        f.Stores.Rules.Add(Item("ec2-vcpu", "ec2", "L-1216C47A", "full_auto"));
        f.Stores.FailAuditWhen = r => r.Kind == AuditKind.Outcome;
        await Assert.ThrowsAsync<IOException>(f.CycleAsync);
        f.Stores.FailAuditWhen = null;
        var crashed = f.Stores.Audit.Single(a => a.Kind == AuditKind.Intent);

        await RecoverAsync(f); // 20 minutes on the clock, but process A still runs
        var whileAlive = f.Stores.Audit.Count(a => a.ActionId == crashed.Id);
        alive.Clear();
        await f.CycleAsync();

        Assert.Equal("process A", crashed.Details![CycleAudit.OwnerKey]);
        Assert.Equal(0, whileAlive);
        Assert.Single(f.Stores.Audit, a => a.ActionId == crashed.Id);
        AssertNothingDangles(f);
    }

    /// <summary>An audit log whose list of unfinished records is the one read before any cycle reconciled: as two concurrent cycles both see it.</summary>
    private sealed class SnapshotAuditLog(InMemoryStores inner, IReadOnlyList<AuditRecord> unfinished) : IAuditLog
    {
        public Task AppendAsync(AuditRecord record, CancellationToken ct) => inner.AppendAsync(record, ct);

        public Task<bool> TryAppendAsync(AuditRecord record, CancellationToken ct) => inner.TryAppendAsync(record, ct);

        public Task<IReadOnlyList<AuditRecord>> ListUnfinishedAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken ct) => Task.FromResult(unfinished);
    }

    [Fact]
    public async Task RunCycle_TwoCyclesSawTheSameDanglingIntent_OneOutcomeIsWritten()
    {
        var f = FullAuto();
        f.Stores.FailAuditWhen = r => r.Kind == AuditKind.Outcome;
        await Assert.ThrowsAsync<IOException>(f.CycleAsync);
        f.Stores.FailAuditWhen = null;
        f.Time.Advance(TimeSpan.FromMinutes(20));
        var seen = await f.Stores.ListUnfinishedAsync(DateTimeOffset.MinValue, f.Time.GetUtcNow(), CancellationToken.None);
        var audit = new SnapshotAuditLog(f.Stores, seen);
        var engine = new AutomationEngine(new(f.Stores, f.Account, f.Account, f.Stores, f.Account, f.Stores, f.Stores, f.Stores, f.Stores, audit, f.Stores),
            new TrendForecaster(), f.Time, f.Options);

        var first = await engine.RunCycleAsync(CancellationToken.None);
        var second = await engine.RunCycleAsync(CancellationToken.None);

        Assert.Equal(2, seen.Count); // the intent and its cycle's start
        var intent = seen.Single(r => r.Kind == AuditKind.Intent);
        Assert.Single(f.Stores.Audit, a => a.ActionId == intent.Id);
        Assert.Single(f.Stores.Audit, a => a.RunId == intent.RunId && a.Action == "cycle_end");
        Assert.Equal((2, 0), (first.StatusChanges.Count(c => c.Contains("reconciled", StringComparison.Ordinal)), second.StatusChanges.Count(c => c.Contains("reconciled", StringComparison.Ordinal))));
    }
}
