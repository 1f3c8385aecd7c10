namespace QuotaAutomation.Core.Governance;

/// <summary>
/// A policy an organization sets above its rules (issue 17): what automation may do to the quotas it covers, whatever
/// a rule says. Build one with <see cref="PolicyParser"/>. Every limit is optional; a policy that sets none is rejected.
/// </summary>
/// <param name="ServiceCode">A Service Quotas service code, or <c>*</c>: every service.</param>
/// <param name="QuotaCode">A quota code, or <c>*</c>: every quota of the service.</param>
/// <param name="Accounts">Account ids, <c>ou-…</c>/<c>r-…</c> ids, or <c>*</c>: whose quotas the policy covers.</param>
/// <param name="ExcludeAccounts">Account, OU or root ids the policy does not cover.</param>
public sealed record QuotaPolicy(string PolicyId, string ServiceCode, string QuotaCode, IReadOnlyList<string> Accounts, IReadOnlyList<string> ExcludeAccounts)
{
    /// <summary>The highest value any rule may request for a covered quota (it lowers the rule's <c>max_auto_increase</c>).</summary>
    public double? MaxValue { get; init; }

    /// <summary>The largest multiple of the quota in force one request may ask for.</summary>
    public double? MaxStep { get; init; }

    /// <summary>Automation must never raise a covered quota: rules alert at most.</summary>
    public bool NeverRaise { get; init; }

    /// <summary>
    /// The only accounts, OUs or roots whose covered quotas may be raised without a person (<c>auto_approve</c>,
    /// <c>full_auto</c>); elsewhere those rules ask for approval. Null: the policy does not restrict it.
    /// </summary>
    public IReadOnlyList<string>? AutoApproveAccounts { get; init; }

    /// <summary>Every increase of a covered quota goes to a person, whatever the rule's level.</summary>
    public bool ApprovalAlways { get; init; }

    /// <summary>An increase to more than this value goes to a person.</summary>
    public double? ApprovalAboveValue { get; init; }

    /// <summary>An increase whose added quota costs more than this a month (dollars) goes to a person.</summary>
    public double? ApprovalAboveMonthlyCost { get; init; }

    public bool Enabled { get; init; } = true;

    /// <summary>The id of the policy a cycle adds when a stored policy item is invalid (<see cref="FailClosed"/>).</summary>
    public const string InvalidId = "fail-closed:invalid-policy";

    /// <summary>The id of the policy a cycle adds when the stored policies cannot be read.</summary>
    public const string UnreadableId = "fail-closed:policies-unreadable";

    /// <summary>
    /// What a cycle runs under when it cannot know its policies (an invalid item, an unreadable store): never raise
    /// anything, everywhere. Rules still alert, and their decisions name this policy.
    /// </summary>
    public static QuotaPolicy FailClosed(string policyId) =>
        new(policyId, Rules.WildcardRules.All, Rules.WildcardRules.All, [Rules.RuleTargets.All], []) { NeverRaise = true };

    /// <summary>True when the policy covers <paramref name="quota"/>'s service and code (not yet where it is).</summary>
    public bool CoversQuota(Quotas.QuotaKey quota)
    {
        ArgumentNullException.ThrowIfNull(quota);
        return Rules.WildcardRules.Matches(ServiceCode, QuotaCode, quota.ServiceCode, quota.QuotaCode);
    }
}
