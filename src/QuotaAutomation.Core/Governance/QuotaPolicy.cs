namespace QuotaAutomation.Core.Governance;

/// <summary>How a policy's <see cref="QuotaPolicy.MonthlyBudget"/> is pooled.</summary>
public enum BudgetPer
{
    /// <summary>One budget for everything the policy covers (an OU's, the organization's).</summary>
    Scope,
    /// <summary>One budget for each covered account.</summary>
    Account,
}

/// <summary>What an increase that would go over its budget does.</summary>
public enum OverBudget
{
    /// <summary>A person approves it (an approved increase is filed and counted, whatever the budget).</summary>
    Approval,
    /// <summary>It waits, audited as held, until the next month or a larger budget.</summary>
    Hold,
}

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

    /// <summary>How many distinct people must approve a covered increase that goes to a person (and meets this policy's approval condition, when it sets one); null: one.</summary>
    public int? ApproversRequired { get; init; }

    /// <summary>
    /// Named groups a covered increase that goes to a person needs one distinct approver from each (and that meets this
    /// policy's approval condition, when it sets one); empty: none. <see cref="ApproversRequired"/>, when larger, adds
    /// approvers from anywhere.
    /// </summary>
    public IReadOnlyList<Approvals.ApproverGroup> ApproverGroups { get; init; } = [];

    /// <summary>How many distinct people this policy's approval chain needs: its <c>approvers_required</c>, at least one per group.</summary>
    public int ChainLength => Math.Max(ApproversRequired ?? 1, ApproverGroups.Count);

    /// <summary>
    /// The most the increases filed in a calendar month (UTC) may add to the monthly cost of the covered quotas (USD, the
    /// cost model's estimate); null: no budget. An increase that would go over goes to a person, or waits (<see cref="OverBudget"/>).
    /// </summary>
    public double? MonthlyBudget { get; init; }

    /// <summary>Whether the budget is one pool for the whole scope (an OU's, the organization's) or one for each covered account.</summary>
    public BudgetPer BudgetPer { get; init; } = BudgetPer.Scope;

    /// <summary>What an increase over the budget does.</summary>
    public OverBudget OverBudget { get; init; } = OverBudget.Approval;

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
