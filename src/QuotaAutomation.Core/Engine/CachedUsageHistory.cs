using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Engine;

/// <summary>
/// Keeps each quota's last history window in memory between cycles of one process (a warm Lambda container, a
/// replay), so a cycle reads only the window's newest part from the store instead of the whole window (14 days:
/// 4,032 samples a quota at 5 minutes). The tail is re-read with an hour's overlap and merged by time, so samples
/// another process appended meanwhile are not missed. Appends go straight to the store; the next read fetches them.
/// </summary>
public sealed class CachedUsageHistory(IUsageHistory store) : IUsageHistory
{
    /// <summary>How far back a cached window's tail is read again.</summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromHours(1);

    private readonly Dictionary<QuotaKey, Window> _windows = [];
    private readonly Lock _lock = new();

    private sealed record Window(DateTimeOffset From, DateTimeOffset Until, List<UsageSample> Samples);

    public Task AppendAsync(QuotaKey key, IReadOnlyList<UsageSample> samples, CancellationToken ct) => store.AppendAsync(key, samples, ct);

    public async Task<IReadOnlyList<UsageSample>> ReadAsync(QuotaKey key, DateTimeOffset from, DateTimeOffset until, CancellationToken ct)
    {
        Window? cached;
        lock (_lock) _windows.TryGetValue(key, out cached);
        if (cached is null || from < cached.From || until < cached.Until)
        {
            var all = await store.ReadAsync(key, from, until, ct);
            lock (_lock) _windows[key] = new Window(from, until, [.. all]);
            return all;
        }

        var tailFrom = cached.Until - Overlap > cached.From ? cached.Until - Overlap : cached.From;
        var tail = await store.ReadAsync(key, tailFrom, until, ct);
        var kept = cached.Samples.Where(s => s.Timestamp > from && s.Timestamp <= tailFrom);
        var window = new Window(from, until, [.. kept, .. tail]);
        lock (_lock) _windows[key] = window;
        return window.Samples.ToList(); // a copy: the caller may keep it while the next cycle replaces the window
    }
}
