using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Fleet;

/// <summary>
/// The hub's request store as one shard sees it: only its own account and Region's requests. Shards of a fleet run
/// in parallel over one table; a shard that followed or filed another shard's requests would race it (and could file
/// another account's approved increase twice). Writes pass through unchanged.
/// </summary>
public sealed class ShardRequestStore(IRequestStore inner, Func<QuotaKey, bool> inShard) : IRequestStore
{
    public async Task<IReadOnlyList<QuotaRequest>> ListOpenAsync(CancellationToken ct) => [.. (await inner.ListOpenAsync(ct)).Where(r => inShard(r.Quota))];

    public Task<QuotaRequest?> FindRequestAsync(string id, CancellationToken ct) => inner.FindRequestAsync(id, ct);

    public Task<bool> TryReserveAsync(QuotaRequest request, CancellationToken ct) => inner.TryReserveAsync(request, ct);

    public Task UpdateAsync(QuotaRequest request, CancellationToken ct) => inner.UpdateAsync(request, ct);

    public async Task<IReadOnlyList<QuotaRequest>> ListDeniedSinceAsync(DateTimeOffset since, CancellationToken ct) =>
        [.. (await inner.ListDeniedSinceAsync(since, ct)).Where(r => inShard(r.Quota))];
}

/// <summary>The hub's approvals as one shard sees them: its own account and Region's only (see <see cref="ShardRequestStore"/>).</summary>
public sealed class ShardApprovalStore(IApprovalStore inner, Func<QuotaKey, bool> inShard) : IApprovalStore
{
    public Task<bool> TryStartAsync(ApprovalRequest approval, CancellationToken ct) => inner.TryStartAsync(approval, ct);

    public async Task<IReadOnlyList<ApprovalRequest>> ListActiveAsync(CancellationToken ct) => [.. (await inner.ListActiveAsync(ct)).Where(a => inShard(a.Quota))];

    public Task UpdateAsync(ApprovalRequest approval, CancellationToken ct) => inner.UpdateAsync(approval, ct);

    public async Task<IReadOnlyList<ApprovalRequest>> ListDeniedSinceAsync(DateTimeOffset since, CancellationToken ct) =>
        [.. (await inner.ListDeniedSinceAsync(since, ct)).Where(a => inShard(a.Quota))];
}
