using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Fleet;

/// <summary>
/// The rules of one batch of shards (one Lambda invocation of the fleet Map), read once: the first load reads the store,
/// every later load in the batch, concurrent or not, gets the same list. On DynamoDB a load is a Scan of the whole rules
/// table, which each shard run used to make for itself: 5 read units at 50 rules, 977 at 10,000 (docs/fleet-run-cost.md).
/// A rule edited while the batch runs applies from the next fleet cycle, as one edited after the plan does. A load that
/// fails is not kept: the next shard of the batch reads again.
/// </summary>
public sealed class BatchRuleStore(IRuleStore inner) : IRuleStore
{
    private readonly Lock _lock = new();
    private Task<IReadOnlyList<RawRule>>? _load;

    public async Task<IReadOnlyList<RawRule>> LoadRulesAsync(CancellationToken ct)
    {
        Task<IReadOnlyList<RawRule>> load;
        lock (_lock) load = _load is { IsFaulted: false, IsCanceled: false } kept ? kept : _load = inner.LoadRulesAsync(ct);
        return await load.WaitAsync(ct);
    }

    /// <summary>Forgets the rules read, so the next load reads the store again (a new batch on the same store).</summary>
    public void Forget()
    {
        lock (_lock) _load = null;
    }
}
