using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Core.Engine.Acting;

/// <summary>Sends an alert unless one of its quota and severity went out within the cool-down, and records it as sent.</summary>
internal sealed class AlertSender(EnginePorts ports, TimeProvider time, EngineOptions options)
{
    public async Task<bool> InCoolDownAsync(Alert alert, CancellationToken ct)
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

    public async Task<(ActionOutcome, string)> SendAsync(Alert alert, CancellationToken ct)
    {
        var message = await ports.Notifier.PublishAsync(AlertMessage(alert), ct);
        await ports.Alerts.RecordSentAsync(alert.Quota, alert.Severity, time.GetUtcNow(), ct);
        return (ActionOutcome.Done, "message " + message);
    }

    private static Notification AlertMessage(Alert alert) => new(
        NotificationTopics.Alerts,
        $"[{alert.Severity.ToString().ToUpperInvariant()}] {alert.Quota}",
        alert.Reason, alert.RuleId, alert.Quota, alert.Severity);
}
