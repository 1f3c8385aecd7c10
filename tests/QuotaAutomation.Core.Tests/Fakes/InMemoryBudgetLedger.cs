using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Core.Tests.Fakes;

/// <summary>Budgets in memory, each charge atomic under a lock, as the stores' conditional writes are.</summary>
internal sealed class InMemoryBudgetLedger : IBudgetLedger
{
    private readonly Lock _lock = new();

    public Dictionary<(string Key, string Month), double> Spent { get; } = [];

    public Task<BudgetCharge> TryChargeAsync(string budgetKey, string month, double cost, double? limit, CancellationToken ct)
    {
        lock (_lock)
        {
            var spent = Spent.GetValueOrDefault((budgetKey, month));
            if (limit is { } l && spent + cost > l) return Task.FromResult(new BudgetCharge(false, spent));
            Spent[(budgetKey, month)] = spent + cost;
            return Task.FromResult(new BudgetCharge(true, spent));
        }
    }

    public Task RefundAsync(string budgetKey, string month, double cost, CancellationToken ct) => TryChargeAsync(budgetKey, month, -cost, null, ct);

    public Task<double> SpentAsync(string budgetKey, string month, CancellationToken ct)
    {
        lock (_lock) return Task.FromResult(Spent.GetValueOrDefault((budgetKey, month)));
    }
}
