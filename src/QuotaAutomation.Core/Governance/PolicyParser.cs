using QuotaAutomation.Core.Common;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Governance;

/// <summary>
/// Turns a hand-edited policy item into a <see cref="QuotaPolicy"/> with the rules' reader: the same tolerance for
/// what people type ("5000", "yes"), every bad field in one message naming the policy and the field:
/// <c>policy 'ec2-caps': max_step 1 must be &gt; 1 and ≤ 100; ...</c>.
/// </summary>
public static class PolicyParser
{
    /// <summary>The policy attributes in schema order, which is also the order problems are reported in.</summary>
    public static readonly IReadOnlyList<string> Attributes =
    [
        "policy_id", "service_code", "quota_code", "account_id", "exclude_accounts", "max_value", "max_step", "never_raise",
        "auto_approve_accounts", "approval_required", "approval_above_value", "approval_above_monthly_cost", "approvers_required", "approver_groups",
        "monthly_budget", "budget_per", "over_budget", "enabled",
    ];

    /// <summary>The attributes that limit something: a policy needs at least one.</summary>
    private static readonly string[] Limits =
        ["max_value", "max_step", "never_raise", "auto_approve_accounts", "approval_required", "approval_above_value", "approval_above_monthly_cost", "approvers_required", "approver_groups", "monthly_budget"];

    /// <summary>The most distinct approvers a policy may require: more would leave increases no one can get through.</summary>
    public const int MaxApprovers = 5;

    private static readonly ItemSchema Schema = new("policy", Attributes, RuleParser.NoteAttributes);

    public static Result<QuotaPolicy> Parse(RawPolicy raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var reader = new FieldReader(raw.Attributes, Schema);

        var policyId = reader.Identifier("policy_id", RuleParser.RuleIdPattern(), "letters, digits, '.', '_' or '-', at most 128");
        var serviceCode = reader.IsGiven("service_code")
            ? reader.IdentifierOrAll("service_code", RuleParser.ServiceCodePattern(), "a Service Quotas service code such as 'ec2'", "every service")
            : WildcardRules.All;
        var quotaCode = reader.IsGiven("quota_code")
            ? reader.IdentifierOrAll("quota_code", RuleParser.QuotaCodePattern(), "a quota code such as 'L-1216C47A'", "every quota of the service")
            : WildcardRules.All;
        var accounts = reader.IsGiven("account_id") ? reader.AccountTargets("account_id", allowAll: true) : [RuleTargets.All];
        var excluded = reader.AccountTargets("exclude_accounts", allowAll: false);
        var maxValue = Optional(reader, "max_value");
        var maxStep = Optional(reader, "max_step");
        var neverRaise = reader.Bool("never_raise", false);
        var autoApprove = reader.IsGiven("auto_approve_accounts") ? reader.AccountTargets("auto_approve_accounts", allowAll: true) : null;
        var approvalAlways = reader.Bool("approval_required", false);
        var aboveValue = Optional(reader, "approval_above_value");
        var aboveCost = Optional(reader, "approval_above_monthly_cost");
        var approvers = Optional(reader, "approvers_required");
        var groups = reader.ApproverGroups("approver_groups", MaxApprovers);
        var budget = Optional(reader, "monthly_budget");
        var budgetPer = reader.Choice("budget_per", "scope", "scope", "account");
        var overBudget = reader.Choice("over_budget", "approval", "approval", "hold");
        var enabled = reader.Bool("enabled", true);

        if (quotaCode is not null && quotaCode != WildcardRules.All && serviceCode == WildcardRules.All)
            reader.Bad("quota_code", $"'{quotaCode}' needs the service_code it belongs to: quota codes are per service");
        if (maxValue is { } mv && (mv <= 0 || mv > RuleParser.MaxQuotaValue)) reader.Bad("max_value", $"{RuleParser.Show(mv)} must be > 0 and ≤ {RuleParser.Show(RuleParser.MaxQuotaValue)}");
        if (maxStep is { } ms && (ms <= 1 || ms > RuleParser.MaxMultiplier)) reader.Bad("max_step", $"{RuleParser.Show(ms)} must be > 1 and ≤ {RuleParser.Show(RuleParser.MaxMultiplier)} (a multiple of the quota in force)");
        if (aboveValue is { } av && (av <= 0 || av > RuleParser.MaxQuotaValue)) reader.Bad("approval_above_value", $"{RuleParser.Show(av)} must be > 0 and ≤ {RuleParser.Show(RuleParser.MaxQuotaValue)}");
        if (aboveCost is { } ac && (ac < 0 || ac > RuleParser.MaxCostThreshold)) reader.Bad("approval_above_monthly_cost", $"{RuleParser.Show(ac)} must be ≥ 0 and ≤ {RuleParser.Show(RuleParser.MaxCostThreshold)}");
        if (approvers is { } n && (n < 1 || n > MaxApprovers || n != Math.Floor(n))) reader.Bad("approvers_required", $"{RuleParser.Show(n)} must be a whole number from 1 to {MaxApprovers} (distinct people)");
        if (approvers is { } fewer && groups is { Count: > 0 } named && fewer < named.Count)
            reader.Bad("approvers_required", $"{RuleParser.Show(fewer)} is fewer than the {named.Count} approver_groups, which need one approver each");
        if (budget is { } b && (b < 0 || b > RuleParser.MaxCostThreshold)) reader.Bad("monthly_budget", $"{RuleParser.Show(b)} must be ≥ 0 and ≤ {RuleParser.Show(RuleParser.MaxCostThreshold)} (USD a month)");
        if (!reader.IsGiven("monthly_budget"))
        {
            if (reader.IsGiven("budget_per")) reader.Bad("budget_per", "needs a monthly_budget to apply to");
            if (reader.IsGiven("over_budget")) reader.Bad("over_budget", "needs a monthly_budget to apply to");
        }
        if (!Limits.Any(reader.IsGiven))
            reader.Bad("policy_id", $"sets no limit: give at least one of {string.Join(", ", Limits)}");
        reader.RejectUnknownAttributes();

        var name = policyId ?? $"{Echo.Of(raw.Origin)} (no policy_id)";
        if (reader.Errors.Count > 0)
            return Result.Fail<QuotaPolicy>($"policy '{name}': {string.Join("; ", reader.Errors)}");

        // Every value below was checked above; the reader returned null only alongside an error.
        return Result.Ok(new QuotaPolicy(policyId!, serviceCode!, quotaCode!, accounts!, excluded!)
        {
            MaxValue = maxValue,
            MaxStep = maxStep,
            NeverRaise = neverRaise!.Value,
            AutoApproveAccounts = autoApprove,
            ApprovalAlways = approvalAlways!.Value,
            ApprovalAboveValue = aboveValue,
            ApprovalAboveMonthlyCost = aboveCost,
            ApproversRequired = approvers is { } required ? (int)required : null,
            ApproverGroups = groups ?? [],
            MonthlyBudget = budget,
            BudgetPer = budgetPer == "account" ? BudgetPer.Account : BudgetPer.Scope,
            OverBudget = overBudget == "hold" ? OverBudget.Hold : OverBudget.Approval,
            Enabled = enabled!.Value,
        });
    }

    /// <summary>Every item parsed: the valid policies, and one message per invalid item.</summary>
    public static (IReadOnlyList<QuotaPolicy> Policies, IReadOnlyList<string> Problems) ParseAll(IEnumerable<RawPolicy> raws)
    {
        ArgumentNullException.ThrowIfNull(raws);
        var policies = new List<QuotaPolicy>();
        var problems = new List<string>();
        foreach (var raw in raws)
        {
            var parsed = Parse(raw);
            if (!parsed.Success) problems.Add(parsed.Error!);
            else if (policies.Any(p => p.PolicyId == parsed.Value.PolicyId)) problems.Add($"policy '{parsed.Value.PolicyId}': policy_id is used by an earlier policy ({Echo.Of(raw.Origin)})");
            else policies.Add(parsed.Value);
        }
        return (policies, problems);
    }

    private static double? Optional(FieldReader reader, string field) => reader.IsGiven(field) ? reader.Number(field, 0) : null;
}
