using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Engine.Acting;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Core.Engine.Phases;

/// <summary>
/// Phase 5, act: alerts (within the cool-down), approvals started, increases filed, each as an audited action.
/// When the time budget runs out nothing new starts, and what was not reached is recorded.
/// </summary>
internal sealed class ActPhase(EnginePorts ports, TimeProvider time, EngineOptions options)
{
    private readonly AlertSender _alerts = new(ports, time, options);
    private readonly ApprovalStarter _approvals = new(ports, time, options);
    private readonly IncreaseFiler _filer = new(ports, time, options.Limits.PerAccount);

    public async Task<IReadOnlyList<ActionResult>> RunAsync(CycleAudit audit, AdmittedDecisions admitted, CancellationToken ct)
    {
        var actions = new List<ActionResult>();
        foreach (var decision in admitted.Decisions)
        {
            if (ct.IsCancellationRequested)
            {
                // Out of time: start nothing new, and say what was not reached so the next cycle's reader knows.
                if (decision is Alert or RequestIncrease)
                {
                    await audit.WriteAsync(AuditKind.Error, decision.RuleId, decision.Quota, "not_reached",
                        $"not reached before the time budget ran out: {decision.Kind}: {decision.Reason}", CancellationToken.None);
                    actions.Add(new ActionResult(decision.RuleId, decision.Quota, decision.Kind, ActionOutcome.Skipped, "not reached: time budget ran out"));
                    if (decision is RequestIncrease charged) await BudgetRefund.ForUnfiledAsync(ports, audit, charged, "not reached before the time budget ran out", CancellationToken.None);
                }
                continue;
            }
            if (decision is RequestIncrease { Plan: not null } planned && await SavePlanAsync(audit, planned, ct) is { } unsaved)
            {
                actions.Add(unsaved);
                continue;
            }
            if (await ActOnAsync(audit, decision, admitted.Approved, ct) is { } action) actions.Add(action);
        }
        return actions;
    }

    /// <summary>
    /// Saves the increase's step plan before the step's intent (a cycle that ends between the two leaves the plan to
    /// follow, and the next cycle files the same step: it is read from the quota in force) and audits it. A plan that
    /// cannot be saved files nothing: its step would otherwise run unrecorded.
    /// </summary>
    /// <returns>Null when saved (or there is no store); else the failed action.</returns>
    private async Task<ActionResult?> SavePlanAsync(CycleAudit audit, RequestIncrease wanted, CancellationToken ct)
    {
        if (ports.Plans is not { } store || wanted.Plan is not { } plan) return null;
        var action = wanted.Route == IncreaseRoute.NeedsApproval ? "start_approval" : "request_increase";
        try
        {
            await store.SaveAsync(plan, ct);
        }
        catch (InvalidOperationException e)
        {
            // Another cycle planned this quota first (the stores refuse a second plan): it files the step; this one waits.
            var held = $"plan {plan.Id} not recorded: {e.Message}; step {plan.Next} ({DecisionTable.Num(wanted.DesiredValue)}) is the other plan's to file";
            await audit.WriteAsync(AuditKind.Decision, wanted.RuleId, wanted.Quota, wanted.NewPlan ? "plan_recorded" : "plan_step", held, ct);
            await BudgetRefund.ForUnfiledAsync(ports, audit, wanted, held, ct);
            return new ActionResult(wanted.RuleId, wanted.Quota, action, ActionOutcome.Skipped, held);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var why = $"could not save plan {plan.Id}: {e.Message}; step {plan.Next} ({DecisionTable.Num(wanted.DesiredValue)}) not filed";
            await audit.WriteAsync(AuditKind.Error, wanted.RuleId, wanted.Quota, wanted.NewPlan ? "plan_recorded" : "plan_step", why, ct);
            await BudgetRefund.ForUnfiledAsync(ports, audit, wanted, why, ct);
            return new ActionResult(wanted.RuleId, wanted.Quota, action, ActionOutcome.Failed, why);
        }
        var text = wanted.NewPlan
            ? $"plan {plan.Id} for {plan.Quota} recorded: {StepPlanner.Describe(plan)} (target {DecisionTable.Num(plan.Target)}), step 1 next: {plan.Reason}"
            : $"plan {plan.Id} for {plan.Quota}: step {plan.Next} of {plan.Steps.Count} next, {DecisionTable.Num(wanted.CurrentValue)} → {DecisionTable.Num(wanted.DesiredValue)} ({StepPlanner.Describe(plan)})";
        await audit.WriteAsync(AuditKind.Decision, wanted.RuleId, wanted.Quota, wanted.NewPlan ? "plan_recorded" : "plan_step", text, ct, details: PlanPhase.Details(plan));
        return null;
    }

    private async Task<ActionResult?> ActOnAsync(CycleAudit audit, QuotaDecision decision, IReadOnlyList<ApprovalRequest> approved, CancellationToken ct) =>
        decision switch
        {
            Alert alert => await _alerts.SendAsync(audit, alert, ct),
            RequestIncrease { Route: IncreaseRoute.NeedsApproval } wanted => await AuditedAction.RunAsync(audit, wanted.RuleId, wanted.Quota, "start_approval",
                $"ask approval to raise {wanted.Quota} to {DecisionTable.Num(wanted.DesiredValue)}: {wanted.Reason}",
                c => _approvals.StartApprovalAsync(wanted, c), ct, Reconciliation.Details(desiredValue: wanted.DesiredValue, increase: wanted)),
            RequestIncrease wanted => await FileAsync(audit, wanted, approved, ct),
            _ => null,
        };

    private async Task<ActionResult> FileAsync(CycleAudit audit, RequestIncrease wanted, IReadOnlyList<ApprovalRequest> approved, CancellationToken ct)
    {
        var attempted = false;
        var result = await AuditedAction.RunAsync(audit, wanted.RuleId, wanted.Quota, "request_increase",
            $"request {wanted.Quota} {DecisionTable.Num(wanted.CurrentValue)} → {DecisionTable.Num(wanted.DesiredValue)}: {wanted.Reason}",
            c =>
            {
                attempted = true;
                return _filer.FileAsync(audit, wanted, approved.FirstOrDefault(a => a.Quota == wanted.Quota && a.RuleId == wanted.RuleId), c);
            }, ct,
            Reconciliation.Details(desiredValue: wanted.DesiredValue, increase: wanted));
        // No intent, no action: its budget charge goes back (the filer gives back its own when it files nothing).
        if (!attempted) await BudgetRefund.ForUnfiledAsync(ports, audit, wanted, result.Detail, CancellationToken.None);
        return result;
    }
}
