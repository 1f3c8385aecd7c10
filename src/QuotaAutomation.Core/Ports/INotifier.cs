using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Ports;

/// <summary>A message for people (SNS): alerts, approvals wanted, request outcomes.</summary>
public sealed record Notification(string Topic, string Subject, string Message, string RuleId, QuotaKey? Quota, Severity? Severity);

public static class NotificationTopics
{
    public const string Alerts = "alerts";
    public const string Approvals = "approvals";
}

public interface INotifier
{
    /// <returns>The message id.</returns>
    Task<string> PublishAsync(Notification notification, CancellationToken ct);
}

/// <summary>When each quota was last alerted at each severity, for the alert cool-down.</summary>
public interface IAlertLog
{
    Task<DateTimeOffset?> LastSentAsync(QuotaKey quota, Severity severity, CancellationToken ct);

    Task RecordSentAsync(QuotaKey quota, Severity severity, DateTimeOffset at, CancellationToken ct);

    /// <summary>Every quota alerted since it last recovered, with the highest severity sent: one read per cycle.</summary>
    Task<IReadOnlyDictionary<QuotaKey, Severity>> ActiveAsync(CancellationToken ct);

    /// <summary>Forgets a quota's alerts: it has recovered, and its next crossing alerts at once.</summary>
    Task ClearAsync(QuotaKey quota, CancellationToken ct);
}
