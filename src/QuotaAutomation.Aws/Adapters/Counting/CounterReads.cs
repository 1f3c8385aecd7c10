using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Aws.Adapters.Counting;

/// <summary>
/// Runs the counters a cycle needs: per account and Region, each counter once, for every wanted quota it serves. A
/// quota with no usage metric takes the count as its sample at the cycle's time. A quota with a metric keeps the
/// metric (it wins); when it is read in detail and a counter serves it too, the count cross-checks it, and a
/// difference beyond <see cref="UsageMismatch.Tolerance"/> is reported. A counter that fails fails only its own quotas,
/// named in <see cref="UsageReading.Failures"/>.
/// </summary>
public sealed class CounterReads(AwsClients clients, IReadOnlyList<IQuotaCounter> counters)
{
    /// <param name="metered">What the metric path read this cycle, for the cross-check.</param>
    public async Task<UsageReading> ReadAsync(IReadOnlyList<UsageQuery> queries, IReadOnlyDictionary<QuotaKey, IReadOnlyList<UsageSample>> metered,
        DateTimeOffset until, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(metered);
        var (samples, fullest, failures, observed) = (new Dictionary<QuotaKey, IReadOnlyList<UsageSample>>(), new Dictionary<QuotaKey, FullestResource>(),
            new Dictionary<QuotaKey, string>(), new Dictionary<QuotaKey, UsageSourceKind>());
        var mismatches = new List<UsageMismatch>();
        var wanted = queries.Where(q => q.Quota.UsageMetric is null || q.Detailed).ToList();
        foreach (var place in wanted.GroupBy(q => (q.Quota.Key.AccountId, q.Quota.Key.Region)))
        {
            var scope = new CounterScope(clients, place.Key.AccountId, place.Key.Region);
            foreach (var counter in counters)
            {
                var served = place
                    .Select(q => (Query: q, Served: counter.Serves.FirstOrDefault(s => s.Is(q.Quota.Key.ServiceCode, q.Quota.Key.QuotaCode))))
                    .Where(x => x.Served is not null)
                    .ToList();
                // A metered quota alone is no reason to call: it is cross-checked only when the call is made anyway.
                if (!served.Any(x => x.Query.Quota.UsageMetric is null)) continue;
                IReadOnlyList<QuotaCount> counts;
                try
                {
                    counts = await counter.CountAsync(scope, served.Select(x => x.Served!).Distinct().ToList(), ct);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    // Access denied, throttled after retries, a timeout: this counter's quotas go without a sample this cycle.
                    foreach (var (query, _) in served.Where(x => x.Query.Quota.UsageMetric is null))
                        failures.TryAdd(query.Quota.Key, $"{counter.Name}: {e.Message}");
                    continue;
                }
                foreach (var count in counts)
                {
                    foreach (var (query, _) in served.Where(x => x.Served == count.Quota))
                    {
                        var key = query.Quota.Key;
                        if (query.Quota.UsageMetric is not null)
                        {
                            if (metered.GetValueOrDefault(key) is [.., var last] && UsageMismatch.Differ(last.Value, count.Used))
                                mismatches.Add(new UsageMismatch(key, last.Value, count.Used, counter.Name));
                            continue;
                        }
                        samples[key] = until > query.From ? [new UsageSample(until, count.Used)] : [];
                        observed[key] = counter.Kind;
                        failures.Remove(key);
                        if (count.Fullest is { } resource) fullest[key] = resource;
                    }
                }
            }
        }
        return new UsageReading(samples) { Fullest = fullest, Failures = failures, ObservedBy = observed, Mismatches = mismatches };
    }
}
