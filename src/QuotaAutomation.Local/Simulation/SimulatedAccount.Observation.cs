using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Usage;
using QuotaAutomation.Local.Simulation.Resources;

namespace QuotaAutomation.Local.Simulation;

/// <summary>
/// How the simulated account's quotas are observed, as AWS's usage sources would observe them: which source reads each
/// quota (<see cref="IUsageCoverage"/>), and a read that says besides the samples which resource is fullest, by what
/// each quota was observed and which sources failed (<see cref="SimulationOptions.FailingSources"/>).
/// </summary>
public sealed partial class SimulatedAccount
{
    /// <summary>The samples of <see cref="GetUsageAsync"/>; each counted per-resource quota's fullest resource as of its sample; each quota's source kind; the quotas of failing sources.</summary>
    public async Task<UsageReading> ReadAsync(IReadOnlyList<UsageQuery> queries, DateTimeOffset until, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var quotas = (await ListQuotasAsync(ct)).ToDictionary(q => q.Info.Key);
        var failures = new Dictionary<QuotaKey, string>();
        foreach (var query in queries)
            if (quotas.TryGetValue(query.Quota.Key, out var quota) && Source(quota) is var (_, name) && name is not null && options.FailingSources.Contains(name))
                failures[quota.Info.Key] = $"{name}: AccessDenied: the simulated account refuses this call (the simulation's failing sources name it)";
        var samples = Usage(quotas, queries.Where(q => !failures.ContainsKey(q.Quota.Key)).ToList(), until);
        var at = NextGridPoint(until - SampleInterval);
        var fullest = new Dictionary<QuotaKey, FullestResource>();
        var observed = new Dictionary<QuotaKey, UsageSourceKind>();
        foreach (var key in samples.Keys)
        {
            var quota = quotas[key];
            if (Source(quota).Kind is var kind and not UsageSourceKind.None) observed[key] = kind;
            if (quota.Counted && SimulatedEstate.For(key) is { Scope: CountScope.Resource } counter && _inventory.Count(counter, at).Fullest is { } resource)
                fullest[key] = resource;
        }
        return new UsageReading(samples) { Fullest = fullest, Failures = failures, ObservedBy = observed };
    }

    /// <summary>
    /// The account's quotas in <paramref name="region"/> and how each is observed. The simulated Service Quotas lists
    /// only these, so the unobserved ones (<paramref name="includeUnobserved"/>) are those of its quotas no source reads.
    /// </summary>
    /// <param name="accountId">Null (or "") for this account's own quotas when it is the caller's; a member account's id for its.</param>
    public async Task<IReadOnlyList<ObservableQuota>> ListAsync(string? accountId, string region, string? serviceCode, bool includeUnobserved, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(region);
        var account = string.IsNullOrEmpty(accountId) ? null : accountId;
        return (await ListQuotasAsync(ct))
            .Where(q => q.Info.Key.AccountId == account && q.Info.Key.Region == region && (serviceCode is null || q.Info.Key.ServiceCode == serviceCode))
            .Select(q => (Quota: q, Source: Source(q)))
            .Where(x => includeUnobserved || x.Source.Kind != UsageSourceKind.None)
            .Select(x => new ObservableQuota(x.Quota.Info.Key, x.Quota.Info.QuotaName, x.Source.Kind, x.Source.Name))
            .ToList();
    }

    /// <summary>
    /// What observes a quota: its counter (the describe or account-limit API AWS's counter of the code calls, whether the
    /// usage comes from the inventory or, for a member account or a built-in shape, is drawn), else its usage metric.
    /// </summary>
    private static (UsageSourceKind Kind, string? Name) Source(SimulatedQuota quota) =>
        SimulatedEstate.For(quota.Info.Key) is { } counter ? (counter.Kind, counter.SourceName)
        : quota.Info.UsageMetric is { } metric ? (UsageSourceKind.UsageMetric, $"{metric.MetricNamespace} {metric.MetricName}".TrimEnd())
        : (UsageSourceKind.None, null);
}
