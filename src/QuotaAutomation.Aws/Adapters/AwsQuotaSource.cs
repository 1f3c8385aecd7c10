using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Adapters;

/// <summary>
/// Reads quotas with one paged <c>ListServiceQuotas</c> per service, Region and account in the rules, not one call per
/// rule. ListServiceQuotas leaves out quotas whose applied value is not available; those are read one by one with
/// <c>GetServiceQuota</c>, then <c>GetAWSDefaultServiceQuota</c>; so are all of a service's quotas when its listing
/// fails for another reason than throttling.
/// </summary>
public sealed class AwsQuotaSource(AwsClients clients) : IQuotaSource
{
    public async Task<IReadOnlyDictionary<QuotaKey, QuotaInfo>> GetQuotasAsync(IReadOnlyCollection<QuotaKey> keys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var found = new Dictionary<QuotaKey, QuotaInfo>();
        foreach (var group in keys.GroupBy(k => (k.AccountId, k.Region, k.ServiceCode)))
        {
            var wanted = group.ToHashSet();
            var client = clients.ServiceQuotas(group.First());
            try
            {
                string? next = null;
                do
                {
                    var page = await client.ListServiceQuotasAsync(new ListServiceQuotasRequest { ServiceCode = group.Key.ServiceCode, NextToken = next, MaxResults = 100 }, ct);
                    foreach (var quota in page.Quotas ?? [])
                    {
                        var key = new QuotaKey(group.Key.ServiceCode, quota.QuotaCode ?? "", group.Key.Region, group.Key.AccountId);
                        if (wanted.Contains(key) && ToInfo(key, quota) is { } info) found[key] = info;
                    }
                    next = page.NextToken;
                }
                while (!string.IsNullOrEmpty(next) && found.Count(f => wanted.Contains(f.Key)) < wanted.Count);
            }
            catch (AwsServiceException e) when (!e.IsThrottling)
            {
                // The service has no listing here (NoSuchResource), or the listing failed: each key is read on its own
                // below. Throttling is not worked around with more calls: it fails the cycle's reading of quotas.
            }
            foreach (var key in wanted.Where(k => !found.ContainsKey(k)))
                if (await GetOneAsync(client, key, ct) is { } info) found[key] = info;
        }
        return found;
    }

    private static async Task<QuotaInfo?> GetOneAsync(ServiceQuotasClient client, QuotaKey key, CancellationToken ct)
    {
        try
        {
            return ToInfo(key, (await client.GetServiceQuotaAsync(new(key.ServiceCode, key.QuotaCode), ct)).Quota);
        }
        catch (NoSuchResourceException)
        {
            try
            {
                return ToInfo(key, (await client.GetAWSDefaultServiceQuotaAsync(new(key.ServiceCode, key.QuotaCode), ct)).Quota);
            }
            catch (NoSuchResourceException)
            {
                return null; // the engine reports "quota not found" for the rule
            }
        }
    }

    internal static QuotaInfo? ToInfo(QuotaKey key, ServiceQuota? quota) => quota?.Value is { } value
        ? new QuotaInfo(key, quota.QuotaName ?? key.QuotaCode, value, quota.Adjustable ?? false, quota.Unit ?? "None",
            quota.UsageMetric is { MetricNamespace: { } ns, MetricName: { } name } metric
                ? new UsageMetric(ns, name, metric.MetricDimensions ?? new Dictionary<string, string>(), metric.MetricStatisticRecommendation ?? "Maximum")
                : null,
            ToPeriod(quota.Period))
        : null;

    /// <summary>A rate quota's period (botocore <c>QuotaPeriod</c>; units MICROSECOND … WEEK); null for other quotas.</summary>
    internal static TimeSpan? ToPeriod(QuotaPeriod? period) => period is { PeriodValue: > 0 and var n }
        ? period.PeriodUnit switch
        {
            "MICROSECOND" => TimeSpan.FromMicroseconds(n),
            "MILLISECOND" => TimeSpan.FromMilliseconds(n),
            "SECOND" => TimeSpan.FromSeconds(n),
            "MINUTE" => TimeSpan.FromMinutes(n),
            "HOUR" => TimeSpan.FromHours(n),
            "DAY" => TimeSpan.FromDays(n),
            "WEEK" => TimeSpan.FromDays(7.0 * n),
            _ => null,
        }
        : null;
}
