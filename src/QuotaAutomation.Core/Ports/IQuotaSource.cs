using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Ports;

/// <summary>Reads applied quota values (Service Quotas <c>ListServiceQuotas</c>/<c>GetServiceQuota</c>).</summary>
public interface IQuotaSource
{
    /// <summary>
    /// The quotas found; a key that does not exist is absent from the result, not an error. A read that fails for some
    /// keys only (one service's listing) names them in <see cref="QuotaDictionary.Failed"/>; the others are still returned.
    /// </summary>
    Task<QuotaDictionary> GetQuotasAsync(IReadOnlyCollection<QuotaKey> keys, CancellationToken ct);

    /// <summary>One quota's applied value now (<c>GetServiceQuota</c>): re-read before filing, since another cycle's approved increase may have raised it.</summary>
    /// <returns>Null when the quota does not exist.</returns>
    Task<QuotaInfo?> GetQuotaAsync(QuotaKey key, CancellationToken ct);
}
