using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Tests.Fakes;

/// <summary>Each of <paramref name="keys"/> as a quota of 10 (Service Quotas stood in for: moto serves GetServiceQuota only).</summary>
internal sealed class StandInQuotas(IReadOnlyList<QuotaKey> keys) : IQuotaSource
{
    public Task<QuotaDictionary> GetQuotasAsync(IReadOnlyCollection<QuotaKey> wanted, CancellationToken ct) =>
        Task.FromResult(new QuotaDictionary(keys.Where(wanted.Contains).ToDictionary(k => k, Info)));

    public Task<QuotaInfo?> GetQuotaAsync(QuotaKey key, CancellationToken ct) => Task.FromResult<QuotaInfo?>(keys.Contains(key) ? Info(key) : null);

    private static QuotaInfo Info(QuotaKey key) => new(key, key.QuotaCode, 10, Adjustable: true, "None", null);
}

/// <summary>Usage 4 every 5 minutes over the last hour: what GetMetricData would answer for a quiet quota.</summary>
internal sealed class StandInUsage : IUsageSource
{
    public Task<IReadOnlyDictionary<QuotaKey, IReadOnlyList<UsageSample>>> GetUsageAsync(IReadOnlyList<UsageQuery> queries, DateTimeOffset until, CancellationToken ct)
    {
        IReadOnlyDictionary<QuotaKey, IReadOnlyList<UsageSample>> usage = queries.ToDictionary(q => q.Quota.Key, IReadOnlyList<UsageSample> (q) =>
            Enumerable.Range(0, 13).Select(i => until - TimeSpan.FromMinutes(5 * i)).Where(t => t > q.From).Order().Select(t => new UsageSample(t, 4)).ToList());
        return Task.FromResult(usage);
    }
}
