namespace QuotaAutomation.Core.Audit;

/// <summary>
/// Which audit records to read: by rule, kind, time (<see cref="Since"/> inclusive, <see cref="Until"/> exclusive),
/// and <see cref="ChangesOnly"/>: only records where something changed (intents, outcomes, status changes and rule edits:
/// what was about to be done, what happened, what moved in flight, and who changed a rule), not the "nothing to do" decisions every cycle writes.
/// </summary>
public sealed record AuditFilter(string? RuleId = null, AuditKind? Kind = null, bool ChangesOnly = false, DateTimeOffset? Since = null, DateTimeOffset? Until = null)
{
    /// <summary>The kinds <see cref="ChangesOnly"/> keeps: what the engine did, what AWS or a person decided, and rule edits. Alerts are the intents and outcomes of <c>notify</c> actions.</summary>
    public static readonly IReadOnlyList<AuditKind> ChangeKinds = [AuditKind.Intent, AuditKind.Outcome, AuditKind.StatusChange, AuditKind.RuleChange];

    /// <summary>The kinds to read, or null for every kind.</summary>
    public IReadOnlyList<AuditKind>? Kinds => (Kind, ChangesOnly) switch
    {
        ({ } k, true) => ChangeKinds.Contains(k) ? [k] : [],
        ({ } k, false) => [k],
        (null, true) => ChangeKinds,
        (null, false) => null,
    };

    public bool Matches(AuditKind kind, string ruleId, DateTimeOffset at) =>
        (RuleId is null || RuleId == ruleId) && (Kinds is not { } kinds || kinds.Contains(kind))
        && (Since is not { } since || at >= since) && (Until is not { } until || at < until);
}
