using System.Collections.Concurrent;
using QuotaAutomation.Aws.Adapters.Counting;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Aws.Adapters;

/// <summary>
/// Which quotas of an account and Region the AWS backend observes, and how, best source first as
/// <see cref="AwsUsageSource"/> reads them: the quota's usage metric (Service Quotas' <c>UsageMetric</c>), else a counter
/// that serves it (<see cref="QuotaCounters.All"/>: account-limit APIs, describe counts), else the Trusted Advisor
/// Service Limits check that reports it (<see cref="TrustedAdvisorLimits"/>), else none.
/// <para>
/// The metered quotas come from the account and Region's utilization report (every quota with a usage metric in a few
/// calls) when every service is wanted, from <c>ListServiceQuotas</c> for one service, and from the full listing
/// (<see cref="AwsQuotaListing"/>) when the unobserved quotas are wanted too or the report is not to be had. What a
/// quota is metered by changes rarely, so an answer is kept for <see cref="KeepFor"/>: a warm Lambda asks once an hour,
/// not every 5 minutes.
/// </para>
/// </summary>
/// <param name="reports">A fleet shard's run report (read once and shared with its quota and usage sources); null: a report of its own when needed.</param>
public sealed class AwsUsageCoverage(AwsClients clients, TimeProvider time, QuotaUtilizationReports? reports = null, IReadOnlyList<IQuotaCounter>? counters = null)
    : IUsageCoverage
{
    /// <summary>How long an answer is reused.</summary>
    public TimeSpan KeepFor { get; init; } = TimeSpan.FromHours(1);

    private readonly QuotaUtilizationReports _reports = reports ?? new(clients, time);
    private readonly IReadOnlyList<IQuotaCounter> _counters = counters ?? QuotaCounters.All;
    private readonly ConcurrentDictionary<(string? Account, string Region, string? Service, bool Unobserved), (DateTimeOffset At, IReadOnlyList<ObservableQuota> Quotas)> _kept = new();

    public async Task<IReadOnlyList<ObservableQuota>> ListAsync(string? accountId, string region, string? serviceCode, bool includeUnobserved, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(region);
        var key = (accountId, region, serviceCode, includeUnobserved);
        var now = time.GetUtcNow();
        if (_kept.TryGetValue(key, out var kept) && now - kept.At < KeepFor) return kept.Quotas;
        var quotas = Combine(accountId, region, serviceCode, includeUnobserved, await MeteredAsync(accountId, region, serviceCode, includeUnobserved, ct));
        _kept[key] = (now, quotas);
        return quotas;
    }

    /// <summary>The quotas Service Quotas knows (code → name and whether it has a usage metric): the report's, or a listing's.</summary>
    private async Task<Dictionary<(string Service, string Code), (string Name, string? Metric)>> MeteredAsync(
        string? accountId, string region, string? serviceCode, bool includeUnobserved, CancellationToken ct)
    {
        var probe = new QuotaKey(serviceCode ?? "servicequotas", "-", region, accountId);
        if (serviceCode is null && !includeUnobserved && await _reports.TryReadAsync(probe, ct) is { } report)
            return report.Quotas.ToDictionary(q => q.Key, q => (q.Value.QuotaName ?? q.Key.QuotaCode, (string?)$"{q.Value.Namespace} usage metric".TrimStart()));
        var listed = await AwsQuotaListing.ListAsync(clients.ServiceQuotas(probe), serviceCode, ct);
        var known = new Dictionary<(string, string), (string, string?)>();
        foreach (var q in listed)
            if (q is { ServiceCode: { } service, QuotaCode: { } code })
                known[(service, code)] = (q.QuotaName ?? code, q.UsageMetric is { } m ? $"{m.MetricNamespace} {m.MetricName}".Trim() : null);
        return known;
    }

    private List<ObservableQuota> Combine(string? accountId, string region, string? serviceCode, bool includeUnobserved,
        Dictionary<(string Service, string Code), (string Name, string? Metric)> known)
    {
        bool Wanted(string service) => serviceCode is null || string.Equals(service, serviceCode, StringComparison.Ordinal);
        var found = new Dictionary<(string Service, string Code), ObservableQuota>();
        void Offer(string service, string code, string? name, UsageSourceKind kind, string? source)
        {
            if (!Wanted(service)) return;
            var quota = new ObservableQuota(new QuotaKey(service, code, region, accountId), known.TryGetValue((service, code), out var k) ? k.Name : name ?? code, kind, source);
            if (!found.TryGetValue((service, code), out var held) || kind < held.Source) found[(service, code)] = quota; // best source first (the enum's order)
        }
        foreach (var ((service, code), (name, metric)) in known)
            if (metric is not null) Offer(service, code, name, UsageSourceKind.UsageMetric, metric);
            else if (includeUnobserved) Offer(service, code, name, UsageSourceKind.None, null);
        foreach (var counter in _counters)
            foreach (var served in counter.Serves)
                Offer(served.ServiceCode, served.QuotaCode, served.Counted, counter.Kind, counter.Name);
        foreach (var limit in TrustedAdvisorLimits.All)
            Offer(limit.ServiceCode, limit.QuotaCode, limit.LimitName, UsageSourceKind.TrustedAdvisor, $"{limit.CheckName}: {limit.LimitName}");
        return found.Values.OrderBy(q => q.Key.ServiceCode, StringComparer.Ordinal).ThenBy(q => q.Key.QuotaCode, StringComparer.Ordinal).ToList();
    }
}
