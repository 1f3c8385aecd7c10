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
                }
                continue;
            }
            if (await ActOnAsync(audit, decision, admitted.Approved, ct) is { } action) actions.Add(action);
        }
        return actions;
    }

    private async Task<ActionResult?> ActOnAsync(CycleAudit audit, QuotaDecision decision, IReadOnlyList<ApprovalRequest> approved, CancellationToken ct) =>
        decision switch
        {
            Alert alert => await _alerts.SendAsync(audit, alert, ct),
            RequestIncrease { Route: IncreaseRoute.NeedsApproval } wanted => await AuditedAction.RunAsync(audit, wanted.RuleId, wanted.Quota, "start_approval",
                $"ask approval to raise {wanted.Quota} to {DecisionTable.Num(wanted.DesiredValue)}: {wanted.Reason}",
                c => _approvals.StartApprovalAsync(wanted, c), ct, Reconciliation.Details(desiredValue: wanted.DesiredValue)),
            RequestIncrease wanted => await AuditedAction.RunAsync(audit, wanted.RuleId, wanted.Quota, "request_increase",
                $"request {wanted.Quota} {DecisionTable.Num(wanted.CurrentValue)} → {DecisionTable.Num(wanted.DesiredValue)}: {wanted.Reason}",
                c => _filer.FileAsync(audit, wanted, approved.FirstOrDefault(a => a.Quota == wanted.Quota && a.RuleId == wanted.RuleId), c), ct,
                Reconciliation.Details(desiredValue: wanted.DesiredValue)),
            _ => null,
        };
}
