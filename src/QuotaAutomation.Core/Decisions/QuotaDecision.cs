using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Decisions;

/// <summary>
/// What the engine decided for one rule and one quota: a closed set of cases, each with a reason a person can read.
/// </summary>
public abstract record QuotaDecision(string RuleId, QuotaKey Quota, string Reason)
{
    /// <summary>Short name for tables and the audit (e.g. <c>request_increase</c>).</summary>
    public abstract string Kind { get; }
}

/// <summary>Nothing to do: below the warning threshold, monitor only, or deferred.</summary>
public sealed record NoAction(string RuleId, QuotaKey Quota, string Reason) : QuotaDecision(RuleId, Quota, Reason)
{
    public override string Kind => "none";
}

/// <summary>Tell people; change nothing.</summary>
public sealed record Alert(string RuleId, QuotaKey Quota, string Reason, Severity Severity) : QuotaDecision(RuleId, Quota, Reason)
{
    public override string Kind => $"alert_{Severity.ToString().ToLowerInvariant()}";
}

/// <summary>How an increase reaches Service Quotas.</summary>
public enum IncreaseRoute
{
    /// <summary>File the request now.</summary>
    FileDirectly,
    /// <summary>A person approves first (auto_request, or costly with approval_required).</summary>
    NeedsApproval,
}

/// <summary>Raise the quota from <paramref name="CurrentValue"/> to <paramref name="DesiredValue"/>.</summary>
/// <param name="UtilizationPercent">The utilisation that triggered it; orders requests when AWS limits allow only some.</param>
public sealed record RequestIncrease(
    string RuleId,
    QuotaKey Quota,
    string Reason,
    Severity Severity,
    double CurrentValue,
    double DesiredValue,
    double EstimatedMonthlyCost,
    IncreaseRoute Route,
    double UtilizationPercent) : QuotaDecision(RuleId, Quota, Reason)
{
    public override string Kind => Route == IncreaseRoute.NeedsApproval ? "request_approval" : "request_increase";

    /// <summary>
    /// Risk sizing: the whole value the increase was sized to when <see cref="DesiredValue"/> is only its first step
    /// (a step plan's target); null when the increase asks for all of it, and always under v1.
    /// </summary>
    public double? Target { get; init; }

    /// <summary>
    /// The step plan this increase belongs to, as it is to be saved before the increase's intent (issue 16): a new plan
    /// (plan_recorded) or an open one with its next step advanced (plan_step). Null: no plan.
    /// </summary>
    public StepPlan? Plan { get; init; }

    /// <summary>How many distinct people must approve it when it goes to a person (a policy's <c>approvers_required</c>).</summary>
    public int ApproversRequired { get; init; } = 1;

    /// <summary>The named groups it needs one approver from each of when it goes to a person (a policy's <c>approver_groups</c>).</summary>
    public IReadOnlyList<Approvals.ApproverGroup> ApproverGroups { get; init; } = [];

    /// <summary>The approval a person granted for this increase; null when automation decided it alone (budgets charge an approved one whatever they say).</summary>
    public string? ApprovalId { get; init; }

    /// <summary>The budgets charged for it before filing (<c>monthly_budget</c>); refunded when it is then not filed.</summary>
    public Governance.ChargedBudgets? Charged { get; init; }

    /// <summary>True when <see cref="Plan"/> is one this cycle made (audited as plan_recorded; a followed plan's step as plan_step).</summary>
    public bool NewPlan { get; init; }
}

/// <summary>An increase the engine would make but may not now: one is already open, or AWS's open-request limits are full.</summary>
public sealed record Held(string RuleId, QuotaKey Quota, string Reason, RequestIncrease Wanted) : QuotaDecision(RuleId, Quota, Reason)
{
    public override string Kind => "held";
}

/// <summary>The rule could not be evaluated (rejected rule, missing quota or usage, an AWS error).</summary>
public sealed record Failed(string RuleId, QuotaKey? FailedQuota, string Reason) : QuotaDecision(RuleId, FailedQuota ?? Unknown, Reason)
{
    public static readonly QuotaKey Unknown = new("-", "-", "-");

    public override string Kind => "error";
}
