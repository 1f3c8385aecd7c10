using System.Globalization;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Engine.Phases;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Engine;

/// <summary>
/// One automation cycle, as a list of phases (each in <c>Engine/Phases/</c>): follow what is in flight, reconcile what
/// an ended process left unfinished, evaluate, follow step plans, admit within AWS's limits, act, recover, publish; every step audited. Data flows one way, each phase taking
/// what the earlier ones returned. A bad rule, a missing quota or a failing action is audited and skipped; it never
/// stops the other rules. Every action has an intent record before it and an outcome after it; when the intent
/// cannot be written the action is not taken.
/// </summary>
public sealed class AutomationEngine
{
    private readonly EnginePorts _ports;
    private readonly IForecaster _forecaster;
    private readonly TimeProvider _time;
    private readonly EngineOptions _options;
    private readonly CyclePhases _phases;

    public AutomationEngine(EnginePorts ports, IForecaster forecaster, TimeProvider time, EngineOptions options)
    {
        _ports = ports;
        _forecaster = forecaster;
        _time = time;
        _options = options;
        _phases = new CyclePhases(ports, forecaster, time, options);
    }

    /// <summary>The phases, made for a cycle's options (they keep nothing between cycles).</summary>
    private sealed class CyclePhases(EnginePorts ports, IForecaster forecaster, TimeProvider time, EngineOptions options)
    {
        public EngineOptions Options => options;
        public PolicyLoad Policies { get; } = new(ports, options);
        public FollowPhase Follow { get; } = new(ports, options);
        public ReconcilePhase Reconcile { get; } = new(ports, options);
        public EvaluatePhase Evaluate { get; } = new(ports, forecaster, options);
        public PlanPhase Plan { get; } = new(ports, options);
        public AdmitPhase Admit { get; } = new(ports, options);
        public ActPhase Act { get; } = new(ports, time, options);
        public RecoverPhase Recover { get; } = new(ports);
        public PublishPhase Publish { get; } = new(ports);
    }

    /// <summary>The phases of this cycle: the engine's own, or, where prices are read each cycle, made with this cycle's prices.</summary>
    private async Task<CyclePhases> PhasesAsync(CancellationToken ct) =>
        _ports.Prices is { } prices ? new CyclePhases(_ports, _forecaster, _time, _options with { Costs = await prices.CostModelAsync(ct) }) : _phases;

    public Task<CycleReport> RunCycleAsync(CancellationToken ct) => RunCycleAsync(null, ct);

    /// <param name="expectations">Usage that events announce for some quotas (scaling, failover): it raises those rules' forecast peaks.</param>
    public Task<CycleReport> RunCycleAsync(IReadOnlyDictionary<QuotaKey, Events.Expectation>? expectations, CancellationToken ct) =>
        RunCycleAsync(expectations, null, ct);

    /// <param name="expectations">Usage that events announce for some quotas (scaling, failover): it raises those rules' forecast peaks.</param>
    /// <param name="woken">Quotas an event named (a threshold breach, a spike): their usage is read in detail this cycle whatever <see cref="EngineOptions.Cadence"/> says.</param>
    public async Task<CycleReport> RunCycleAsync(IReadOnlyDictionary<QuotaKey, Events.Expectation>? expectations, IReadOnlyCollection<QuotaKey>? woken, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var runId = string.Create(CultureInfo.InvariantCulture, $"{now:yyyyMMdd'T'HHmmss'Z'}-{_options.NewRunNonce()}");
        var audit = new CycleAudit(_ports.Audit, _time, runId, _options.RunOwner);
        await audit.WriteAsync(AuditKind.Cycle, "-", null, "cycle_start", $"cycle {runId} started", ct);

        try
        {
            return await RunPhasesAsync(audit, now, expectations, woken, ct);
        }
        catch
        {
            await FlushQuietlyAsync(audit); // what the cycle decided before it failed is written; its own exception goes on
            throw;
        }
    }

    /// <summary>The phases in order. Each phase's held audit records (decisions, errors) are written as one batch when it ends (<see cref="CycleAudit"/>).</summary>
    private async Task<CycleReport> RunPhasesAsync(CycleAudit audit, DateTimeOffset now, IReadOnlyDictionary<QuotaKey, Events.Expectation>? expectations,
        IReadOnlyCollection<QuotaKey>? woken, CancellationToken ct)
    {
        var phases = await PhasesAsync(ct);
        var inFlight = await phases.Follow.RunAsync(audit, now, ct);
        await audit.FlushAsync(CancellationToken.None);
        var reconciled = await phases.Reconcile.RunAsync(audit, now, ct);
        await audit.FlushAsync(CancellationToken.None);
        var policies = await phases.Policies.RunAsync(audit, ct);
        var evaluated = await phases.Evaluate.RunAsync(audit, now, policies, expectations, woken, ct);
        var planned = await phases.Plan.RunAsync(audit, now, evaluated, ct);
        var admitted = await phases.Admit.RunAsync(audit, now, inFlight, PolicyReview.Apply(planned, policies, phases.Options), policies, ct);
        await audit.FlushAsync(CancellationToken.None);
        var acted = await phases.Act.RunAsync(audit, admitted, ct);
        var recovered = await phases.Recover.RunAsync(audit, admitted.Results, ct);
        IReadOnlyList<ActionResult> actions = [.. inFlight.Actions, .. acted, .. recovered];
        var published = await phases.Publish.RunAsync(audit, now, admitted.Results, actions, ct);

        var runId = audit.RunId;
        var results = admitted.Results;
        var report = new CycleReport(runId, now, results, actions, [.. inFlight.Changes, .. reconciled.Lines]) { Published = published, NextCycleDue = evaluated.NextCycleDue };
        await audit.WriteAsync(AuditKind.Cycle, "-", null, "cycle_end", string.Create(CultureInfo.InvariantCulture,
            $"cycle {runId}: {results.Count} rules, {report.Rejected} failed, {actions.Count} actions ({report.ActionsFailed} failed, {report.NotReached} not reached)"), CancellationToken.None,
            details: reconciled.Through is { } through ? new Dictionary<string, string> { [ReconciledThrough.Key] = ReconciledThrough.Format(through) } : null);
        return report;
    }

    /// <summary>Writes what a failing cycle had decided before it failed; a second failure here must not hide the first.</summary>
    private static async Task FlushQuietlyAsync(CycleAudit audit)
    {
        try
        {
            await audit.FlushAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The store that failed the cycle may be the audit store itself: the cycle's exception says what went wrong.
        }
    }
}
