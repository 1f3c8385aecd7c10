namespace QuotaAutomation.Core.Governance;

/// <summary>What a compliance check finds (<see cref="ComplianceCheck"/>).</summary>
public enum FindingKind
{
    /// <summary>An observed quota at or above the check's utilisation with no enabled rule on it.</summary>
    UnruledNearQuota,
    /// <summary>A rule item the engine rejects: nothing runs on what it meant to govern.</summary>
    RejectedRule,
    /// <summary>A disabled rule: it still holds its quota (a wildcard does not take it), so nothing runs there.</summary>
    DisabledRule,
    /// <summary>A wildcard rule that never runs: every observed quota it covers has a rule that names it or a narrower wildcard.</summary>
    ShadowedRule,
    /// <summary>An active account of the organization that no rule governs in any Region (the fleet runs nothing there).</summary>
    UngovernedAccount,
    /// <summary>An account the fleet plan leaves out (suspended, closed).</summary>
    SkippedAccount,
    /// <summary>A governed account the fleet cannot act in (its member role cannot be assumed).</summary>
    UnreachableAccount,
    /// <summary>Two fleet rules on the same quota in the same cells: the less specific one never runs there.</summary>
    OverlappingRule,
}

/// <param name="Subject">What the finding is about: a quota key or a rule id.</param>
public sealed record ComplianceFinding(FindingKind Kind, string Subject, string Detail)
{
    /// <summary>The kind as reports and JSON spell it: <c>unruled_near_quota</c>, <c>rejected_rule</c>, <c>disabled_rule</c>, <c>shadowed_rule</c>.</summary>
    public string KindName => Kind switch
    {
        FindingKind.UnruledNearQuota => "unruled_near_quota",
        FindingKind.RejectedRule => "rejected_rule",
        FindingKind.DisabledRule => "disabled_rule",
        FindingKind.ShadowedRule => "shadowed_rule",
        FindingKind.UngovernedAccount => "ungoverned_account",
        FindingKind.SkippedAccount => "skipped_account",
        FindingKind.UnreachableAccount => "unreachable_account",
        FindingKind.OverlappingRule => "overlapping_rule",
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "not a finding kind"),
    };
}
