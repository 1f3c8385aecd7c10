using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Audit;

/// <summary>What an audit record says happened.</summary>
public enum AuditKind
{
    /// <summary>A rule item was rejected by the parser.</summary>
    RuleRejected,
    /// <summary>The engine's decision for a rule, with its reason.</summary>
    Decision,
    /// <summary>Written before an action: what is about to be done.</summary>
    Intent,
    /// <summary>Written after an action: what happened (success or the error).</summary>
    Outcome,
    /// <summary>A change seen on something in flight (request approved, denied, approval decided).</summary>
    StatusChange,
    /// <summary>A rule or quota could not be evaluated (missing quota, no usage, an AWS error).</summary>
    Error,
    /// <summary>Start and end of a cycle, with its counts.</summary>
    Cycle,
    /// <summary>A person changed a stored rule (imported, deleted, disabled, enabled), with who did it.</summary>
    RuleChange,
    /// <summary>A stored policy item was rejected by the parser (or the policies could not be read): the cycle ran with every quota alert-only.</summary>
    PolicyRejected,
    /// <summary>A stored policy changed (imported, deleted), with who did it.</summary>
    PolicyChange,
}

/// <summary>
/// One append-only audit entry. <see cref="Id"/> is unique, so a store can refuse to overwrite one.
/// <see cref="ActionId"/> ties an intent to its outcome.
/// </summary>
public sealed record AuditRecord(
    string Id,
    string RunId,
    DateTimeOffset Timestamp,
    AuditKind Kind,
    string RuleId,
    QuotaKey? Quota,
    string Action,
    string Message,
    string? ActionId = null,
    IReadOnlyDictionary<string, string>? Details = null);
