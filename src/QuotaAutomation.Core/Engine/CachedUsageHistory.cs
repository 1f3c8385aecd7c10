using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Engine;

/// <summary>
/// Keeps each quota's last history window in memory between cycles of one process (a warm Lambda container, a
/// replay), so a cycle reads only the window's newest part from the store instead of the whole window (14 days:
/// 4,032 samples a quota at 5 minutes). The tail is re-read with an hour's overlap and merged by time, so samples
/// another process appended meanwhile are not missed. Appends go to the store and into the cached window: a quota's
/// first cycle appends its 14-day backfill after reading an empty window, older than the tail the next read fetches.
/// Each append compacts every cached window as the stores compact theirs (<see cref="UsageResolution"/>: older than a
/// day, hourly maxima), so a warm window is the series a cold read would return.
/// </summary>
public sealed class CachedUsageHistory(IUsageHistory store) : IUsageHistory
{
    /// <summary>How far back a cached window's tail is read again.</summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromHours(1);

    private readonly Dictionary<QuotaKey, Window> _windows = [];
    private readonly Lock _lock = new();

    /// <summary>Where the windows' 5-minute part begins, as far as the appends so far say (it never moves back, as in the stores).</summary>
    private DateTimeOffset _fineFrom = DateTimeOffset.MinValue;

    /// <param name="CompactedTo">The <see cref="_fineFrom"/> its samples were last compacted to (MinValue: as the store returned them).</param>
    private sealed record Window(DateTimeOffset From, DateTimeOffset Until, List<UsageSample> Samples, DateTimeOffset CompactedTo);

    public Task AppendAsync(QuotaKey key, IReadOnlyList<UsageSample> samples, CancellationToken ct) =>
        AppendManyAsync(new Dictionary<QuotaKey, IReadOnlyList<UsageSample>> { [key] = samples }, ct);

    public async Task AppendManyAsync(IReadOnlyDictionary<QuotaKey, IReadOnlyList<UsageSample>> samples, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(samples);
        await store.AppendManyAsync(samples, ct);
        if (samples.Values.All(s => s.Count == 0)) return;
        var fineFrom = UsageResolution.FineFrom(samples.Values.SelectMany(s => s).Max(s => s.Timestamp));
        lock (_lock)
        {
            if (fineFrom > _fineFrom) _fineFrom = fineFrom;
            foreach (var (key, added) in samples) Remember(key, added);
            // Once an hour at a 5-minute cadence the boundary moves and every window's newly aged hour is compacted.
            foreach (var (key, cached) in _windows.Where(w => w.Value.CompactedTo < _fineFrom).ToList())
                _windows[key] = cached with { Samples = [.. UsageResolution.Compact(cached.Samples, _fineFrom)], CompactedTo = _fineFrom };
        }
    }

    /// <summary>Samples past the window's end are left to the next read's tail, which fetches them with the others'.</summary>
    private void Remember(QuotaKey key, IReadOnlyList<UsageSample> samples)
    {
        if (!_windows.TryGetValue(key, out var cached)) return;
        var inside = samples.Where(s => s.Timestamp > cached.From && s.Timestamp <= cached.Until).ToList();
        if (inside.Count == 0) return;
        _windows[key] = cached with
        {
            Samples = UsageMerge.Replacing(cached.Samples, inside),
            CompactedTo = inside.Min(s => s.Timestamp) < _fineFrom ? DateTimeOffset.MinValue : cached.CompactedTo, // an old sample joins: compact again
        };
    }

    public async Task<IReadOnlyList<UsageSample>> ReadAsync(QuotaKey key, DateTimeOffset from, DateTimeOffset until, CancellationToken ct) =>
        (await ReadManyAsync([key], from, until, ct))[key];

    /// <summary>Quotas with no usable cached window are read whole in one batch; the others' tails in one batch per tail start (usually one).</summary>
    public async Task<IReadOnlyDictionary<QuotaKey, IReadOnlyList<UsageSample>>> ReadManyAsync(
        IReadOnlyList<QuotaKey> keys, DateTimeOffset from, DateTimeOffset until, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var whole = new List<QuotaKey>();
        var tails = new Dictionary<DateTimeOffset, List<(QuotaKey Key, Window Cached)>>();
        lock (_lock)
        {
            foreach (var key in keys.Distinct())
            {
                if (!_windows.TryGetValue(key, out var cached) || from < cached.From || until < cached.Until)
                {
                    whole.Add(key);
                    continue;
                }
                var tailFrom = cached.Until - Overlap > cached.From ? cached.Until - Overlap : cached.From;
                if (!tails.TryGetValue(tailFrom, out var group)) tails[tailFrom] = group = [];
                group.Add((key, cached));
            }
        }

        var result = new Dictionary<QuotaKey, IReadOnlyList<UsageSample>>();
        if (whole.Count > 0)
        {
            var read = await store.ReadManyAsync(whole, from, until, ct);
            foreach (var key in whole)
            {
                var all = read.GetValueOrDefault(key) ?? [];
                lock (_lock) _windows[key] = new Window(from, until, [.. all], DateTimeOffset.MinValue);
                result[key] = all;
            }
        }
        foreach (var (tailFrom, group) in tails)
        {
            var read = await store.ReadManyAsync(group.Select(g => g.Key).ToList(), tailFrom, until, ct);
            foreach (var (key, cached) in group)
            {
                var kept = cached.Samples.Where(s => s.Timestamp > from && s.Timestamp <= tailFrom);
                var window = new Window(from, until, [.. kept, .. read.GetValueOrDefault(key) ?? []], cached.CompactedTo);
                lock (_lock) _windows[key] = window;
                result[key] = window.Samples.ToList(); // a copy: the caller may keep it while the next cycle replaces the window
            }
        }
        return result;
    }
}
