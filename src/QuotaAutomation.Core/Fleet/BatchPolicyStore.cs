using QuotaAutomation.Core.Governance;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Core.Fleet;

/// <summary>The policies of one batch of shards, read once as the rules are (<see cref="BatchRuleStore"/>): one Scan a batch, not one a shard.</summary>
public sealed class BatchPolicyStore(IPolicyStore inner) : IPolicyStore
{
    private readonly BatchLoad<IReadOnlyList<RawPolicy>> _load = new(inner.LoadPoliciesAsync);

    public Task<IReadOnlyList<RawPolicy>> LoadPoliciesAsync(CancellationToken ct) => _load.GetAsync(ct);
}
