using System.Globalization;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Engine.Acting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Engine.Phases;

/// <summary>Phase 6, recover: one "recovered" notice for each alerted quota now well below its warning threshold.</summary>
internal sealed class RecoverPhase(EnginePorts ports)
{
    public async Task<IReadOnlyList<ActionResult>> RunAsync(CycleAudit audit, IReadOnlyList<RuleResult> results, CancellationToken ct)
    {
        var actions = new List<ActionResult>();
        var calm = results.Where(r => r.Cleared && r.Decision is NoAction).GroupBy(r => r.Decision.Quota).Select(g => g.First()).ToList();
        var alerted = calm.Count > 0 && !ct.IsCancellationRequested ? await ports.Alerts.ActiveAsync(ct) : new Dictionary<QuotaKey, Severity>();
        foreach (var recovered in calm.Where(r => alerted.ContainsKey(r.Decision.Quota)))
        {
            if (ct.IsCancellationRequested) break;
            actions.Add(await RecoverAsync(audit, recovered, alerted[recovered.Decision.Quota], ct));
        }
        return actions;
    }

    private async Task<ActionResult> RecoverAsync(CycleAudit audit, RuleResult result, Severity worst, CancellationToken ct)
    {
        var quota = result.Decision.Quota;
        var text = string.Create(CultureInfo.InvariantCulture, $"{quota} recovered: utilisation {result.UtilizationPercent:0.#}% is well below the warning threshold again (it had reached {worst.ToString().ToLowerInvariant()})");
        return await AuditedAction.RunAsync(audit, result.Decision.RuleId, quota, "notify_recovered", $"send recovery notice: {text}", async c =>
        {
            var message = await ports.Notifier.PublishAsync(new Notification(NotificationTopics.Alerts, $"[RECOVERED] {quota}", text, result.Decision.RuleId, quota, null), c);
            await ports.Alerts.ClearAsync(quota, c);
            return (ActionOutcome.Done, "message " + message);
        }, ct);
    }
}
