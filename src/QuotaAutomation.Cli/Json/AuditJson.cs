namespace QuotaAutomation.Cli.Json;

/// <summary><c>audit --output json</c>: the selected records, oldest first.</summary>
internal sealed record AuditDocument(IReadOnlyList<AuditRecordDocument> Records);

/// <param name="Kind">As stored and as <c>--kind</c> takes it: <c>Decision</c>, <c>Intent</c>, <c>Outcome</c>, <c>StatusChange</c>, ….</param>
/// <param name="ActionId">On an outcome, the id of the intent it closes.</param>
internal sealed record AuditRecordDocument(string Id, string RunId, DateTimeOffset Time, string Kind, string RuleId, string? Quota, string Action, string Message, string? ActionId);

/// <summary><c>notifications --output json</c>: the newest messages sent to people, newest first.</summary>
internal sealed record NotificationsDocument(IReadOnlyList<NotificationDocument> Notifications);

internal sealed record NotificationDocument(DateTimeOffset Time, string Topic, string Subject, string Message);
