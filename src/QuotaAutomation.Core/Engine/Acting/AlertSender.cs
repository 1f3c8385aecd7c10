using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Engine.Phases;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Core.Engine.Acting;

/// <summary>
/// The one path every alert takes, from a cycle's act phase or from an event handler: held back within the cool-down
/// (one per quota and severity; a higher severity goes at once), else an intent record, the message, the alert log's
/// "sent", an outcome record.
/// </summary>
public sealed class AlertSender(EnginePorts ports, TimeProvider time, EngineOptions options)
{
    /// <summary>Sends <paramref name="alert"/> with its audit records under <paramref name="runId"/> (an event handler's: the event id).</summary>
    /// <param name="subject">The message's subject, when not <c>[SEVERITY] quota</c>.</param>
    /// <returns>What was done; null when the cool-down held it back.</returns>
    public Task<ActionResult?> SendAsync(string runId, Alert alert, CancellationToken ct, string? subject = null)
    {
        ArgumentNullException.ThrowIfNull(ports);
        return SendAsync(new CycleAudit(ports.Audit, time, runId, options.RunOwner), alert, ct, subject);
    }

    internal async Task<ActionResult?> SendAsync(CycleAudit audit, Alert alert, CancellationToken ct, string? subject = null)
    {
        ArgumentNullException.ThrowIfNull(alert);
        if (await InCoolDownAsync(alert, ct)) return null; // the decision record already says it; people were told
        return await AuditedAction.RunAsync(audit, alert.RuleId, alert.Quota, "notify", $"send {alert.Kind}: {alert.Reason}",
            c => DeliverAsync(alert, subject, c), ct, Reconciliation.Details(severity: alert.Severity));
    }

    private async Task<bool> InCoolDownAsync(Alert alert, CancellationToken ct)
    {
        try
        {
            return await ports.Alerts.LastSentAsync(alert.Quota, alert.Severity, ct) is { } last && time.GetUtcNow() - last < options.AlertCoolDown;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A cool-down that cannot be read does not silence the alert, nor end the cycle for the other rules:
            // people may be told twice, never not at all. The send is an audited action like any other.
            return false;
        }
    }

    private async Task<(ActionOutcome, string)> DeliverAsync(Alert alert, string? subject, CancellationToken ct)
    {
        var message = await ports.Notifier.PublishAsync(new Notification(NotificationTopics.Alerts,
            subject ?? $"[{alert.Severity.ToString().ToUpperInvariant()}] {alert.Quota}", alert.Reason, alert.RuleId, alert.Quota, alert.Severity), ct);
        await ports.Alerts.RecordSentAsync(alert.Quota, alert.Severity, time.GetUtcNow(), ct);
        return (ActionOutcome.Done, "message " + message);
    }
}
