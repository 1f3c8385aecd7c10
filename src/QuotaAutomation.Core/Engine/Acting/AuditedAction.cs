using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Engine.Acting;

/// <summary>
/// Every action of a cycle runs here: intent record, the action, outcome record. No intent, no action. The intent's
/// details carry what reconciliation needs to find out what happened, should the process end before the outcome.
/// </summary>
internal static class AuditedAction
{
    public static async Task<ActionResult> RunAsync(CycleAudit audit, string ruleId, QuotaKey? quota, string action, string intent,
        Func<CancellationToken, Task<(ActionOutcome, string)>> act, CancellationToken ct, IReadOnlyDictionary<string, string>? details = null)
    {
        string actionId;
        try
        {
            actionId = await audit.WriteAsync(AuditKind.Intent, ruleId, quota, action, intent, ct, details: details);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new ActionResult(ruleId, quota, action, ActionOutcome.Failed, $"not attempted: the audit intent could not be written ({e.Message})");
        }

        ActionOutcome outcome;
        string detail;
        try
        {
            (outcome, detail) = await act(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            (outcome, detail) = (ActionOutcome.Failed, e.Message);
        }
        await audit.WriteAsync(AuditKind.Outcome, ruleId, quota, action, $"{outcome.ToString().ToLowerInvariant()}: {detail}", CancellationToken.None, actionId,
            new Dictionary<string, string> { [AuditDetails.Outcome] = outcome.ToString() });
        return new ActionResult(ruleId, quota, action, outcome, detail);
    }
}
