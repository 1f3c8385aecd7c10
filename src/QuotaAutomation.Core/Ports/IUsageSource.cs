using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Core.Ports;

/// <summary>Usage wanted for one quota from <paramref name="From"/> (exclusive) up to the cycle's time.</summary>
public sealed record UsageQuery(QuotaInfo Quota, DateTimeOffset From)
{
    /// <summary>
    /// Read at 5-minute detail (CloudWatch <c>GetMetricData</c>, billed per metric). False: the account's Service Quotas
    /// utilization report (one per account and Region, whatever the number of quotas) is enough this cycle; a source
    /// without a report, or whose report omits the quota, reads it in detail anyway. See <see cref="Cadence.ReadCadence"/>.
    /// </summary>
    public bool Detailed { get; init; } = true;

    /// <summary>Why the cadence asked for this read at this detail (<see cref="Cadence.ReadCadence.Query"/>); null without a cadence. Read only to count reads by reason.</summary>
    public Cadence.CadenceReason? Reason { get; init; }
}

/// <summary>Reads usage observations (CloudWatch <c>GetMetricData</c>, describe counts, the simulator). One call serves every quota of a cycle.</summary>
public interface IUsageSource
{
    /// <summary>Samples per quota in time order; a quota with no usage source is absent from the result.</summary>
    Task<IReadOnlyDictionary<QuotaKey, IReadOnlyList<UsageSample>>> GetUsageAsync(
        IReadOnlyList<UsageQuery> queries, DateTimeOffset until, CancellationToken ct);

    /// <summary>
    /// <see cref="GetUsageAsync"/> with what a decision should say besides the samples: the fullest resource of a
    /// per-resource quota, metric/count mismatches, sources that failed. What the engine calls; a source that knows
    /// only samples need not implement it, and a wrapper of another source forwards it.
    /// </summary>
    async Task<UsageReading> ReadAsync(IReadOnlyList<UsageQuery> queries, DateTimeOffset until, CancellationToken ct) =>
        UsageReading.Of(await GetUsageAsync(queries, until, ct));
}

/// <summary>The usage history the engine keeps, so forecasts need not re-read the metric store.</summary>
public interface IUsageHistory
{
    Task AppendAsync(QuotaKey key, IReadOnlyList<UsageSample> samples, CancellationToken ct);

    /// <summary>Samples with <paramref name="from"/> &lt; time ≤ <paramref name="until"/>, in time order.</summary>
    Task<IReadOnlyList<UsageSample>> ReadAsync(QuotaKey key, DateTimeOffset from, DateTimeOffset until, CancellationToken ct);

    /// <summary>
    /// <see cref="ReadAsync"/> for many quotas at once, as few round trips as the store allows (a cycle reads every
    /// quota's window). Every key is in the result, with an empty list when it has no samples.
    /// </summary>
    async Task<IReadOnlyDictionary<QuotaKey, IReadOnlyList<UsageSample>>> ReadManyAsync(
        IReadOnlyList<QuotaKey> keys, DateTimeOffset from, DateTimeOffset until, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var windows = new Dictionary<QuotaKey, IReadOnlyList<UsageSample>>();
        foreach (var key in keys.Distinct()) windows[key] = await ReadAsync(key, from, until, ct);
        return windows;
    }

    /// <summary><see cref="AppendAsync"/> for many quotas at once (a cycle's new samples), as few round trips as the store allows.</summary>
    async Task AppendManyAsync(IReadOnlyDictionary<QuotaKey, IReadOnlyList<UsageSample>> samples, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(samples);
        foreach (var (key, added) in samples) await AppendAsync(key, added, ct);
    }
}
