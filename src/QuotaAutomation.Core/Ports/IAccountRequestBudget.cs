using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Ports;

/// <summary>
/// AWS's limit of open increase requests per account (20, across all its Regions), shared by every shard of the
/// account, which run in parallel: a slot is reserved before a request is filed and released when it ends.
/// DynamoDB: a conditional write on one item per account; SQLite: one transaction.
/// </summary>
public interface IAccountRequestBudget
{
    /// <summary>Reserves a slot for <paramref name="quota"/> on its account unless <paramref name="limit"/> are taken; idempotent per quota.</summary>
    /// <returns>False when the account has no slot left.</returns>
    Task<bool> TryReserveAsync(QuotaKey quota, int limit, CancellationToken ct);

    /// <summary>Frees the quota's slot (its request ended, or was never filed); a slot not held is a no-op.</summary>
    Task ReleaseAsync(QuotaKey quota, CancellationToken ct);
}

/// <summary>No shared budget: one process sees all of the account's requests itself (a single cycle, the CLI).</summary>
public sealed class LocalRequestBudget : IAccountRequestBudget
{
    public static readonly LocalRequestBudget Instance = new();

    public Task<bool> TryReserveAsync(QuotaKey quota, int limit, CancellationToken ct) => Task.FromResult(true);

    public Task ReleaseAsync(QuotaKey quota, CancellationToken ct) => Task.CompletedTask;
}
