using System.Collections.Concurrent;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Adapters;

/// <summary>
/// What a quota is, apart from its value in one account: its usage metric, unit and period (the API's
/// <c>ServiceQuota.UsageMetric</c>, <c>Unit</c>, <c>Period</c>). <paramref name="UsageMetric"/> null: Service Quotas
/// gives the quota no metric.
/// </summary>
public sealed record QuotaDefinition(UsageMetric? UsageMetric, string Unit, TimeSpan? Period);

/// <summary>
/// Quota definitions by (service code, quota code), kept for the container's life. A definition is the same in every
/// account and Region: the metric's dimensions name the service and resource, never an account or Region (the AWS
/// CLI's recorded <c>get-service-quota</c> and <c>get-aws-default-service-quota</c> examples answer the same
/// <c>UsageMetric</c> for <c>ec2/L-1216C47A</c>, one of them from the account-independent defaults). So one
/// <c>GetServiceQuota</c> per quota code serves every shard the container runs. Filled from every listing and
/// <c>GetServiceQuota</c> the quota source reads anyway, and resolved on demand (<see cref="ResolveAsync"/>) for a
/// quota whose value came from the utilization report and whose usage is to be read in detail. A failed resolution
/// is not kept: the next one asks again.
/// </summary>
public sealed class QuotaDefinitions
{
    private readonly ConcurrentDictionary<(string ServiceCode, string QuotaCode), QuotaDefinition> _known = new();
    private int _resolutions;

    /// <summary><c>GetServiceQuota</c> calls made to resolve definitions (for the call map's check).</summary>
    public int Resolutions => Volatile.Read(ref _resolutions);

    public QuotaDefinition? Find(QuotaKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _known.GetValueOrDefault((key.ServiceCode, key.QuotaCode));
    }

    /// <summary>Keeps the definition of a quota the API answered.</summary>
    public void Remember(QuotaInfo quota)
    {
        ArgumentNullException.ThrowIfNull(quota);
        if (quota.UsageMetric is { IsResolved: false }) return;
        _known[(quota.Key.ServiceCode, quota.Key.QuotaCode)] = new QuotaDefinition(quota.UsageMetric, quota.Unit, quota.Period);
    }

    /// <summary>
    /// The quota's definition: known, or read with <c>GetServiceQuota</c> in the quota's account and Region; null when
    /// that fails (throttled, denied, not found, the network): the caller goes on without it.
    /// </summary>
    public async Task<QuotaDefinition?> ResolveAsync(ServiceQuotasClient client, QuotaKey key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(key);
        if (Find(key) is { } known) return known;
        Interlocked.Increment(ref _resolutions);
        try
        {
            if (AwsQuotaSource.ToInfo(key, (await client.GetServiceQuotaAsync(new(key.ServiceCode, key.QuotaCode), ct)).Quota) is not { } info) return null;
            Remember(info);
            return Find(key);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && (e is AwsServiceException or HttpRequestException or TimeoutException or TaskCanceledException))
        {
            return null;
        }
    }
}
