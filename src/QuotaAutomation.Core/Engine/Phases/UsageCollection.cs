using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Core.Engine.Phases;

/// <summary>
/// Part of evaluation: reads each quota's stored window once (<see cref="ReadWindowsAsync"/>, before the quotas are read), asks the usage source (one call) only for what came
/// after its newest sample, appends that, and returns the window with the new samples. With a
/// <see cref="EngineOptions.Cadence"/>, only the quotas whose detailed read is due ask for detail; the others take the
/// account's utilization report, and the collection says when the next cycle is needed (<see cref="CycleReport.NextCycleDue"/>).
/// </summary>
internal sealed class UsageCollection(EnginePorts ports, EngineOptions options)
{
    /// <param name="windows">The quotas' stored windows (<see cref="ReadWindowsAsync"/>): those of <paramref name="quotas"/> are used.</param>
    /// <param name="warningPercent">Each quota's lowest warning threshold among its rules (the cadence's "near").</param>
    /// <param name="woken">Quotas an event named: read in detail now.</param>
    public async Task<CollectedUsage> CollectAsync(IReadOnlyList<QuotaInfo> quotas, IReadOnlyDictionary<QuotaKey, IReadOnlyList<UsageSample>> windows,
        IReadOnlyDictionary<QuotaKey, double> warningPercent, IReadOnlySet<QuotaKey> woken, DateTimeOffset now, CycleAudit audit, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(windows);
        var windowStart = now - options.HistoryWindow;
        var histories = quotas.Where(q => windows.ContainsKey(q.Key)).ToDictionary(q => q.Key, q => windows[q.Key]);
        var queries = quotas.Where(q => histories.ContainsKey(q.Key))
            .Select(q => options.Cadence?.Query(q, histories[q.Key], warningPercent.GetValueOrDefault(q.Key, 0), woken.Contains(q.Key), windowStart, now)
                ?? new UsageQuery(q, histories[q.Key] is [.., var last] ? last.Timestamp : windowStart))
            .ToList();
        var reading = UsageReading.Of(new Dictionary<QuotaKey, IReadOnlyList<UsageSample>>());
        try
        {
            reading = await ports.Usage.ReadAsync(queries, now, ct);
            var fresh = reading.Samples;
            var appended = new Dictionary<QuotaKey, IReadOnlyList<UsageSample>>();
            foreach (var query in queries)
            {
                if (!fresh.TryGetValue(query.Quota.Key, out var samples)) continue;
                var added = Changed(histories[query.Quota.Key], samples.Where(s => s.Timestamp > query.From && s.Timestamp <= now));
                if (added.Count > 0) appended[query.Quota.Key] = added;
            }
            await ports.History.AppendManyAsync(appended, ct);
            foreach (var (key, added) in appended) histories[key] = UsageMerge.Replacing(histories[key], added);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Stored history still serves this cycle; the next one reads what this one missed.
            await audit.WriteAsync(AuditKind.Error, "-", null, "collect_usage", $"could not read usage, deciding on stored history: {e.Message}", ct);
        }
        foreach (var mismatch in reading.Mismatches)
            await audit.WriteAsync(AuditKind.Error, "-", mismatch.Key, "usage_mismatch", mismatch.Describe(), ct);
        return new CollectedUsage(histories, NextDue(quotas, histories, warningPercent, woken, now)) { Fullest = reading.Fullest, Failures = reading.Failures };
    }

    /// <summary>
    /// The samples a stored window does not already hold with the same value: a detailed read that reaches back over
    /// periods the report sampled (<see cref="Cadence.ReadCadence.Query"/>) rewrites only the periods whose value it changes.
    /// </summary>
    private static List<UsageSample> Changed(IReadOnlyList<UsageSample> stored, IEnumerable<UsageSample> read)
    {
        var samples = read.ToList();
        if (samples.Count == 0 || stored.Count == 0 || samples.Min(s => s.Timestamp) > stored[^1].Timestamp) return samples; // the usual case: all after the newest
        var earliest = samples.Min(s => s.Timestamp);
        var known = new Dictionary<DateTimeOffset, double>();
        for (var i = stored.Count - 1; i >= 0 && stored[i].Timestamp >= earliest; i--) known[stored[i].Timestamp] = stored[i].Value;
        return samples.Where(s => !known.TryGetValue(s.Timestamp, out var value) || value != s.Value).ToList();
    }

    /// <summary>
    /// The earliest next due read among the quotas, from their windows with this cycle's samples (the same inputs as the
    /// detailed-read decision): a quota this cycle could not read is backfilled next cycle. Null without a cadence.
    /// </summary>
    private DateTimeOffset? NextDue(IReadOnlyList<QuotaInfo> quotas, Dictionary<QuotaKey, IReadOnlyList<UsageSample>> histories,
        IReadOnlyDictionary<QuotaKey, double> warningPercent, IReadOnlySet<QuotaKey> woken, DateTimeOffset now)
    {
        if (options.Cadence is not { } cadence) return null;
        DateTimeOffset? next = null;
        foreach (var quota in quotas)
        {
            var interval = cadence.Interval(quota, histories.GetValueOrDefault(quota.Key) ?? [], warningPercent.GetValueOrDefault(quota.Key, 0), woken.Contains(quota.Key), now).Every;
            var due = cadence.NextDue(quota.Key, interval, now);
            if (next is null || due < next) next = due;
        }
        return next;
    }

    /// <summary>
    /// Every window in one batch (IUsageHistory's many-key methods: a store's round trips grow with quotas ÷ its batch
    /// size, not with quotas); when the batch fails after its retries, each quota on its own, so one quota's failing
    /// read fails that quota's rules and not the cycle.
    /// </summary>
    /// <param name="unreadable">Filled with the quotas whose stored window could not be read, and why: only their rules fail.</param>
    public async Task<Dictionary<QuotaKey, IReadOnlyList<UsageSample>>> ReadWindowsAsync(IReadOnlyList<QuotaKey> keys, DateTimeOffset now,
        Dictionary<QuotaKey, string> unreadable, CancellationToken ct)
    {
        var (from, until) = (now - options.HistoryWindow, now);
        try
        {
            return new(await ports.History.ReadManyAsync(keys, from, until, ct));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var windows = new Dictionary<QuotaKey, IReadOnlyList<UsageSample>>();
            foreach (var key in keys)
            {
                try
                {
                    windows[key] = await ports.History.ReadAsync(key, from, until, ct);
                }
                catch (Exception one) when (one is not OperationCanceledException)
                {
                    unreadable[key] = one.Message;
                }
            }
            return windows;
        }
    }
}

/// <summary>Each quota's window with this cycle's samples, and when the cadence next needs a cycle (null without one, or no quota).</summary>
internal sealed record CollectedUsage(Dictionary<QuotaKey, IReadOnlyList<UsageSample>> Histories, DateTimeOffset? NextDue)
{
    /// <summary>This cycle's fullest resource of each per-resource quota read (<see cref="UsageReading.Fullest"/>).</summary>
    public IReadOnlyDictionary<QuotaKey, FullestResource> Fullest { get; init; } = new Dictionary<QuotaKey, FullestResource>();

    /// <summary>Quotas a source could not read this cycle, and why (<see cref="UsageReading.Failures"/>).</summary>
    public IReadOnlyDictionary<QuotaKey, string> Failures { get; init; } = new Dictionary<QuotaKey, string>();
}
