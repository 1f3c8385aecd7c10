using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Fleet;

/// <summary>
/// The rules of one batch of shards (one Lambda invocation of the fleet Map), read once (<see cref="BatchLoad{T}"/>).
/// On DynamoDB a load is a Scan of the whole rules table, which each shard run used to make for itself: 5 read units at
/// 50 rules, 977 at 10,000 (docs/fleet-run-cost.md). A rule edited while the batch runs applies from the next fleet
/// cycle, as one edited after the plan does.
/// </summary>
public sealed class BatchRuleStore(IRuleStore inner) : IRuleStore
{
    private readonly BatchLoad<IReadOnlyList<RawRule>> _load = new(inner.LoadRulesAsync);

    public Task<IReadOnlyList<RawRule>> LoadRulesAsync(CancellationToken ct) => _load.GetAsync(ct);

    /// <summary>Forgets the rules read, so the next load reads the store again (a new batch on the same store).</summary>
    public void Forget() => _load.Forget();
}
