namespace QuotaAutomation.Core.Ports;

/// <summary>
/// What the increases filed in a month have added to the monthly cost of quotas, per budget (issue 17, docs/governance.md).
/// A charge is taken before an increase is filed, atomically against the budget's limit, so concurrent fleet shards
/// can never spend past it between them. DynamoDB: one conditional <c>ADD</c> on an item of the state table; SQLite: one
/// transaction.
/// </summary>
public interface IBudgetLedger
{
    /// <summary>
    /// Adds <paramref name="cost"/> to the budget's month unless the spend would then exceed <paramref name="limit"/>
    /// (null: no limit, always added: a person approved the increase).
    /// </summary>
    Task<BudgetCharge> TryChargeAsync(string budgetKey, string month, double cost, double? limit, CancellationToken ct);

    /// <summary>Takes back a charge (another budget of the same increase refused it).</summary>
    Task RefundAsync(string budgetKey, string month, double cost, CancellationToken ct);

    /// <summary>What the budget's month has spent so far.</summary>
    Task<double> SpentAsync(string budgetKey, string month, CancellationToken ct);
}

/// <summary>A charge's answer: whether it was taken, and what the month had spent before it.</summary>
public sealed record BudgetCharge(bool Charged, double SpentBefore);
