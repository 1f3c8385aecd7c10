using System.Globalization;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Governance;

/// <summary>Where a policy's monthly budget is kept: its key (the policy, and the account when each has its own) and the month.</summary>
public static class Budgets
{
    /// <summary>The ledger key of the budget <paramref name="policy"/> sets for <paramref name="quota"/>'s account.</summary>
    public static string Key(QuotaPolicy policy, QuotaKey quota)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(quota);
        return policy.BudgetPer == BudgetPer.Account ? $"{policy.PolicyId}#{quota.AccountOrSelf}" : policy.PolicyId;
    }

    /// <summary>The calendar month (UTC) a charge at <paramref name="at"/> counts in: <c>2026-12</c>.</summary>
    public static string Month(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>How the budget is named in decisions: <c>budget 'sandbox-spend' (account 111111111111)</c>.</summary>
    public static string Describe(QuotaPolicy policy, QuotaKey quota)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(quota);
        return policy.BudgetPer == BudgetPer.Account
            ? $"budget '{policy.PolicyId}' (account {quota.AccountOrSelf})"
            : $"budget '{policy.PolicyId}' ({(policy.Accounts.Contains(Rules.RuleTargets.All) ? "organization" : string.Join(",", policy.Accounts))})";
    }
}
