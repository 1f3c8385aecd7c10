using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Ports;

/// <summary>Reads applied quota values (Service Quotas <c>ListServiceQuotas</c>/<c>GetServiceQuota</c>).</summary>
public interface IQuotaSource
{
    /// <summary>The quotas found; a key that does not exist is absent from the result, not an error.</summary>
    Task<IReadOnlyDictionary<QuotaKey, QuotaInfo>> GetQuotasAsync(IReadOnlyCollection<QuotaKey> keys, CancellationToken ct);
}
