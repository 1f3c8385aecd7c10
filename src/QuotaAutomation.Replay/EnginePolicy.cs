using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Local.Simulation;
using QuotaAutomation.Local.Storage;

namespace QuotaAutomation.Replay;

/// <summary>
/// QuotaAutomation itself: the real engine with one <c>full_auto</c> rule at default settings, the given forecaster,
/// the embedded backend's SQLite stores (rules, usage history, requests, approvals, audit, notifications, events) in
/// a scratch file per trace, and the replay account behind the Service Quotas and CloudWatch ports. One engine cycle
/// per grid step, at the step's time on a virtual clock; the warm-up is written into the usage history first.
/// </summary>
/// <param name="dueCyclesOnly">
/// Run a cycle only when the last one's <see cref="CycleReport.NextCycleDue"/> has come (within half a step), as a
/// fleet shard runs only when due (<c>Core/Fleet/FleetSchedule.cs</c>); false: every step.
/// </param>
public sealed class EnginePolicy(IForecaster forecaster, string scratchFolder, EngineOptions? options = null, bool dueCyclesOnly = false) : IReplayPolicy
{
    public const string RuleId = "replay";

    /// <summary>
    /// <see cref="Policies.QuotaAutomation"/>; <see cref="Policies.QuotaAutomationAdaptive"/> with a read cadence;
    /// <see cref="Policies.QuotaAutomationV1"/> with v1's sizing (both: the two suffixes, a name no default run uses).
    /// </summary>
    public string Name => Policies.QuotaAutomation + (options?.Cadence is null ? "" : "-adaptive") + (options?.Sizing == SizingPolicy.V1 ? "-v1" : "");

    /// <summary><see cref="Policies.QuotaAutomationV1"/>: the engine as shipped before issue 16 (<see cref="SizingPolicy.V1"/>), beside the new sizing on the same run.</summary>
    public static EnginePolicy V1(IForecaster forecaster, string scratchFolder) =>
        new(forecaster, scratchFolder, new EngineOptions { Sizing = SizingPolicy.V1 });

    /// <summary>The rule as a person would type it: full_auto, everything else at its default.</summary>
    public static IReadOnlyDictionary<string, object?> Rule { get; } = new Dictionary<string, object?>(StringComparer.Ordinal)
    {
        ["rule_id"] = RuleId,
        ["service_code"] = ReplayAccount.Key.ServiceCode,
        ["quota_code"] = ReplayAccount.Key.QuotaCode,
        ["region"] = ReplayAccount.Key.Region,
        ["automation_level"] = "full_auto",
    };

    public async Task<IPolicyRun> StartAsync(ReplayTrace trace, ReplayAccount account, VirtualClock clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(clock);
        var run = "replay-" + Guid.NewGuid().ToString("N");
        var folder = Directory.CreateDirectory(Path.Combine(scratchFolder, run)).FullName;
        var db = await SqliteDatabase.OpenAsync(Path.Combine(folder, "replay.db"), ct);
        var rules = new SqliteRuleStore(db, clock);
        await rules.UpsertAsync([(RuleId, Rule)], ct);
        var history = new SqliteUsageHistory(db);
        var engineOptions = options ?? new EngineOptions();
        // One engine cycle per grid step: the cadence's cycle is the trace's step.
        if (engineOptions.Cadence is { } cadence) engineOptions = engineOptions with { Cadence = cadence with { Cycle = trace.Step } };
        var warmupEnd = trace.TimeAt(trace.FirstEvaluated - 1);
        await history.AppendAsync(ReplayAccount.Key, account.Samples(warmupEnd - engineOptions.HistoryWindow, warmupEnd), ct);
        var requests = new SqliteRequestStore(db);
        var notifier = new SqliteNotifier(db, clock);
        var audit = new SqliteAuditLog(db);
        var ports = new EnginePorts(rules, account, account, new CachedUsageHistory(history), account, requests, requests, notifier, notifier, audit, new SqliteEventLog(db))
        {
            // The new sizing follows step plans, kept as the embedded backend keeps them; v1 re-decided every cycle.
            Plans = engineOptions.Sizing == SizingPolicy.V1 ? null : new SqliteStepPlanStore(db, audit, clock),
        };
        return new Run(new AutomationEngine(ports, new RunForecaster(forecaster, run), clock, engineOptions), db, folder, dueCyclesOnly ? clock : null, trace.Step);
    }

    private sealed class Run(AutomationEngine engine, SqliteDatabase db, string folder, TimeProvider? dueClock, TimeSpan step) : IPolicyRun
    {
        private DateTimeOffset? _nextDue;

        /// <summary>Cycles run (fewer than steps when only due cycles run).</summary>
        public int Cycles { get; private set; }

        public int ApprovalsAsked { get; private set; }

        public int FailedActions { get; private set; }

        public async Task StepAsync(int index, CancellationToken ct)
        {
            if (dueClock is not null && _nextDue is { } due && due > dueClock.GetUtcNow() + step / 2) return; // not due: the shard waits
            var report = await engine.RunCycleAsync(ct);
            Cycles++;
            _nextDue = report.NextCycleDue;
            ApprovalsAsked += report.Actions.Count(a => a.Action == "start_approval" && a.Outcome == ActionOutcome.Done);
            FailedActions += report.Actions.Count(a => a.Outcome == ActionOutcome.Failed);
        }

        public ValueTask DisposeAsync()
        {
            db.ReleaseConnections();
            Directory.Delete(folder, recursive: true);
            return ValueTask.CompletedTask;
        }
    }
}
