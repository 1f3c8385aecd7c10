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
/// <para>
/// With a run's utilization report (a fleet shard's run: <c>report</c>, read once and shared with the run's usage source),
/// the quotas the completed report lists take their applied value, adjustability and name from it, and their unit,
/// period and usage metric from the container's <see cref="QuotaDefinitions"/> (a metric not resolved yet is
/// <see cref="UsageMetric.Unresolved"/>: the usage source resolves it when the quota's detailed read is due). Only a
/// service with a wanted quota the report does not list is listed; a report that fails or is not ready in time
/// leaves every key to the listings, as without a report: an outage of the report costs calls, never decisions.
/// </para>
/// </summary>
public sealed class AwsQuotaSource(AwsClients clients, QuotaUtilizationReports? report = null, QuotaDefinitions? definitions = null) : IQuotaSource
{
    public async Task<QuotaDictionary> GetQuotasAsync(IReadOnlyCollection<QuotaKey> keys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var found = new Dictionary<QuotaKey, QuotaInfo>();
        var failed = new Dictionary<QuotaKey, string>();
        var listed = keys;
        if (report is not null)
        {
            foreach (var shard in keys.GroupBy(k => (k.AccountId, k.Region)))
            {
                if (await report.TryReadAsync(shard.First(), ct) is not { } read) continue;
                foreach (var key in shard)
                    if (read.Quotas.TryGetValue((key.ServiceCode, key.QuotaCode), out var line)) found[key] = FromReport(key, line);
            }
            listed = keys.Where(k => !found.ContainsKey(k)).ToList();
        }
        foreach (var group in listed.GroupBy(k => (k.AccountId, k.Region, k.ServiceCode)))
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
                        if (wanted.Contains(key) && ToInfo(key, quota) is { } info) found[key] = Remembered(info);
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
                    if (await GetOneAsync(client, key, ct) is { } info) found[key] = Remembered(info);
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

    /// <summary>A quota the report lists: its value from the report, what it is from the known definition.</summary>
    private QuotaInfo FromReport(QuotaKey key, ReportedQuota line)
    {
        var known = definitions?.Find(key);
        // Without a known definition: the unit an absent Unit maps to (as ToInfo), no period (the report's utilization is
        // already in the quota's own terms; a detailed read resolves the definition first), and a metric known to exist.
        return new QuotaInfo(key, line.QuotaName ?? key.QuotaCode, line.AppliedValue, line.Adjustable ?? false, known?.Unit ?? "None",
            known?.UsageMetric ?? UsageMetric.Unresolved(line.Namespace), known?.Period);
    }

    /// <summary>The run's report of the account and Region; null when it failed, was throttled or was not ready in time (every key is listed).</summary>
    private QuotaInfo Remembered(QuotaInfo info)
    {
        definitions?.Remember(info);
        return info;
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
