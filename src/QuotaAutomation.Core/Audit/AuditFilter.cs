namespace QuotaAutomation.Core.Audit;

/// <summary>
/// Which audit records to read: by rule, kind, time (<see cref="Since"/> inclusive, <see cref="Until"/> exclusive),
/// and <see cref="ChangesOnly"/>: only records where something changed (intents, outcomes, status changes and rule edits:
/// what was about to be done, what happened, what moved in flight, and who changed a rule), not the "nothing to do" decisions every cycle writes.
/// </summary>
public sealed record AuditFilter(string? RuleId = null, AuditKind? Kind = null, bool ChangesOnly = false, DateTimeOffset? Since = null, DateTimeOffset? Until = null)
{
    /// <summary>Only records of these accounts (an account, or an OU's accounts); null for every account. "" is the hub's own.</summary>
    public IReadOnlyCollection<string>? Accounts { get; init; }

    /// <summary>Only records of this Region; null for every Region.</summary>
    public string? Region { get; init; }

    /// <summary>The kinds <see cref="ChangesOnly"/> keeps: what the engine did, what AWS or a person decided, and rule and policy edits. Alerts are the intents and outcomes of <c>notify</c> actions.</summary>
    public static readonly IReadOnlyList<AuditKind> ChangeKinds = [AuditKind.Intent, AuditKind.Outcome, AuditKind.StatusChange, AuditKind.RuleChange, AuditKind.PolicyChange];

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

    /// <summary>
    /// Whether a record's account and Region are selected: a fleet shard's records name them in their details
    /// (<c>account_id</c>, <c>region</c>), others through their quota (no account: the hub's own, "").
    /// </summary>
    public bool Matches(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var account = record.Details?.GetValueOrDefault("account_id") ?? (record.Quota is { } q ? q.AccountId ?? "" : null);
        var region = record.Details?.GetValueOrDefault("region") ?? record.Quota?.Region;
        return Matches(record.Kind, record.RuleId, record.Timestamp)
            && (Accounts is null || (account is not null && Accounts.Contains(account))) && (Region is null || Region == region);
    }
}
