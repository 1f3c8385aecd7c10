using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Adapters;

/// <summary>
/// Reads quotas with one paged <c>ListServiceQuotas</c> per service, Region and account in the rules, not one call per
/// rule. ListServiceQuotas leaves out quotas whose applied value is not available; those are read one by one with
/// <c>GetServiceQuota</c>, then <c>GetAWSDefaultServiceQuota</c>; so are all of a service's quotas when its listing
/// fails for another reason than throttling. A listing that is throttled after its retries, or whose connection
/// fails, fails only the keys it would have served (<see cref="QuotaDictionary.Failed"/>).
/// </summary>
public sealed class AwsQuotaSource(AwsClients clients) : IQuotaSource
{
    public async Task<QuotaDictionary> GetQuotasAsync(IReadOnlyCollection<QuotaKey> keys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var found = new Dictionary<QuotaKey, QuotaInfo>();
        var failed = new Dictionary<QuotaKey, string>();
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
                // below.
            }
            catch (Exception e) when (!ct.IsCancellationRequested && (e is AwsServiceException or HttpRequestException or TimeoutException or TaskCanceledException))
            {
                // Throttled after its retries, or the network failed: not worked around with more calls. Only the
                // rules this listing serves fail; the other listings of the cycle stand.
                var why = $"ListServiceQuotas for {group.Key.ServiceCode} in {group.Key.Region}{(group.Key.AccountId is { } account ? $" of account {account}" : "")} failed: {Describe(e)}";
                foreach (var key in wanted) failed[key] = why;
                continue;
            }
            foreach (var key in wanted.Where(k => !found.ContainsKey(k)))
            {
                try
                {
                    if (await GetOneAsync(client, key, ct) is { } info) found[key] = info;
                }
                catch (Exception e) when (!ct.IsCancellationRequested && (e is AwsServiceException or HttpRequestException or TimeoutException or TaskCanceledException))
                {
                    failed[key] = $"GetServiceQuota for {key} failed: {Describe(e)}";
                }
            }
        }
        return new QuotaDictionary(found, failed);
    }

    public async Task<QuotaInfo?> GetQuotaAsync(QuotaKey key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);
        return await GetOneAsync(clients.ServiceQuotas(key), key, ct);
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

    private static string Describe(Exception e) => e is AwsServiceException aws ? $"{aws.ErrorCode}: {aws.ErrorMessage}" : e.Message;

    internal static QuotaInfo? ToInfo(QuotaKey key, ServiceQuota? quota) => quota?.Value is { } value
        ? new QuotaInfo(key, quota.QuotaName ?? key.QuotaCode, value, quota.Adjustable ?? false, quota.Unit ?? "None",
            quota.UsageMetric is { MetricNamespace: { } ns, MetricName: { } name } metric
                ? new UsageMetric(ns, name, metric.MetricDimensions ?? new Dictionary<string, string>(), metric.MetricStatisticRecommendation ?? "Maximum")
                : null)
        : null;
}
