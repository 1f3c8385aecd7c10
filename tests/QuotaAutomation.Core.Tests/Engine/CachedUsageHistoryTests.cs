using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Tests.Engine;

public sealed class CachedUsageHistoryTests
{
    private static readonly QuotaKey Key = new("ec2", "L-1216C47A", "us-east-1");
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);

    /// <summary>An in-memory store that counts the samples it returns.</summary>
    private sealed class CountingStore : IUsageHistory
    {
        public List<UsageSample> Samples { get; } = [];

        public int Returned { get; private set; }

        public Task AppendAsync(QuotaKey key, IReadOnlyList<UsageSample> samples, CancellationToken ct)
        {
            Samples.AddRange(samples.Where(s => Samples.All(x => x.Timestamp != s.Timestamp)));
            Samples.Sort((a, b) => a.Timestamp.CompareTo(b.Timestamp));
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<UsageSample>> ReadAsync(QuotaKey key, DateTimeOffset from, DateTimeOffset until, CancellationToken ct)
        {
            var found = Samples.Where(s => s.Timestamp > from && s.Timestamp <= until).ToList();
            Returned += found.Count;
            return Task.FromResult<IReadOnlyList<UsageSample>>(found);
        }
    }

    private static UsageSample At(int minutes, double value = 1) => new(T0.AddMinutes(minutes), value);

    /// <summary>
    /// A quota's first cycle reads an empty window, then appends the 14-day backfill it fetched. The next cycle in the
    /// same container read only the last hour again and kept the (empty) cached rest: the backfill was lost for as long
    /// as the container lived, and forecasts ran on one hour of history (seen in simulate fleet --warm-history: 4 alerts
    /// and recoveries per shard that a cold read did not give).
    /// </summary>
    [Fact]
    public async Task Read_AfterABackfillAppendedThroughTheCache_ReturnsTheBackfill()
    {
        var store = new CountingStore();
        var cached = new CachedUsageHistory(store);
        var window = TimeSpan.FromDays(7);
        var now = T0.AddMinutes(5 * 2016);

        Assert.Empty(await cached.ReadAsync(Key, now - window, now, CancellationToken.None));
        await cached.AppendAsync(Key, Enumerable.Range(1, 2016).Select(i => At(5 * i, i)).ToList(), CancellationToken.None);
        now = now.AddMinutes(5);
        await cached.AppendAsync(Key, [new UsageSample(now, 0)], CancellationToken.None);
        var got = await cached.ReadAsync(Key, now - window, now, CancellationToken.None);

        Assert.Equal(UsageResolution.Compact(store.Samples, UsageResolution.FineFrom(now)).Where(s => s.Timestamp > now - window && s.Timestamp <= now), got); // what a store at two resolutions returns
    }

    [Fact]
    public async Task Read_SlidingWindow_ReturnsWhatTheStoreWould_ReadingOnlyTheTail()
    {
        var store = new CountingStore();
        await store.AppendAsync(Key, Enumerable.Range(1, 2016).Select(i => At(5 * i, i)).ToList(), CancellationToken.None);
        var cached = new CachedUsageHistory(store);
        var window = TimeSpan.FromDays(7);

        var now = T0.AddMinutes(5 * 2016);
        await cached.ReadAsync(Key, now - window, now, CancellationToken.None);
        var firstRead = store.Returned;
        for (var cycle = 1; cycle <= 10; cycle++)
        {
            now = now.AddMinutes(5);
            await cached.AppendAsync(Key, [new UsageSample(now, cycle)], CancellationToken.None);
            var got = await cached.ReadAsync(Key, now - window, now, CancellationToken.None);
            Assert.Equal(UsageResolution.Compact(store.Samples, UsageResolution.FineFrom(now)).Where(s => s.Timestamp > now - window && s.Timestamp <= now), got); // what a store at two resolutions returns
        }

        Assert.Equal(2016, firstRead);
        Assert.Equal(2016 + 10 * 13, store.Returned); // each cycle: the last hour again, and the new sample
    }

    [Fact]
    public async Task Read_SeesASampleAnotherProcessAppendedInsideTheOverlap()
    {
        var store = new CountingStore();
        await store.AppendAsync(Key, [At(5), At(10)], CancellationToken.None);
        var cached = new CachedUsageHistory(store);
        await cached.ReadAsync(Key, T0, T0.AddMinutes(20), CancellationToken.None);

        await store.AppendAsync(Key, [At(15, 7)], CancellationToken.None); // written by another container, behind our window's end

        Assert.Contains(At(15, 7), await cached.ReadAsync(Key, T0, T0.AddMinutes(25), CancellationToken.None));
    }

    [Fact]
    public async Task Read_AnEarlierStart_GoesToTheStore()
    {
        var store = new CountingStore();
        await store.AppendAsync(Key, [At(5), At(10), At(15)], CancellationToken.None);
        var cached = new CachedUsageHistory(store);
        await cached.ReadAsync(Key, T0.AddMinutes(7), T0.AddMinutes(20), CancellationToken.None);

        Assert.Equal([At(5), At(10), At(15)], await cached.ReadAsync(Key, T0, T0.AddMinutes(20), CancellationToken.None));
    }
}
