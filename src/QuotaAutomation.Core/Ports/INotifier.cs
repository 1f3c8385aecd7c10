using QuotaAutomation.Core.Common;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Ports;

/// <summary>A message for people (SNS): alerts, approvals wanted, request outcomes.</summary>
/// <remarks>
/// The subject is one line (SNS refuses line breaks and control characters in it), so it passes <see cref="Echo"/>: a quota
/// code from an event cannot forge or break it. The message may have lines of its own; whoever puts a value a person or an
/// event supplied into it escapes that value.
/// </remarks>
public sealed record Notification(string Topic, string Subject, string Message, string RuleId, QuotaKey? Quota, Severity? Severity)
{
    public string Subject { get; init; } = Echo.Of(Subject);
}

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
