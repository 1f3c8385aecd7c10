using QuotaAutomation.Core.Cadence;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Local.Storage;

namespace QuotaAutomation.Local.Tests.Storage;

/// <summary>
/// The SQLite usage history at two resolutions (docs/fleet-window.md): a shard's quotas backfilled as the engine does,
/// then appended every 5 minutes for 3 days; the window it reads stays the same size.
/// </summary>
public sealed class SqliteUsageWindowTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Five = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Window = TimeSpan.FromDays(14);
    private static readonly DateTimeOffset Spike = new(2026, 11, 25, 3, 35, 0, TimeSpan.Zero);

    private readonly TempDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    private static readonly QuotaKey[] Keys = [.. Enumerable.Range(0, 5).Select(i => new QuotaKey("ec2", $"L-0000000{i}", "us-east-1"))];

    /// <summary>A quota's true usage at a 5-minute time: a daily wave, and a spike on the second day at 03:35.</summary>
    private static double Truth(int quota, DateTimeOffset t) =>
        t == Spike ? 900 + quota : 100 + quota + 50 * Math.Sin(t.TimeOfDay.TotalHours / 24 * 2 * Math.PI);

    [Fact]
    public async Task ARunEvery5MinutesFor3Days_ReadsAsManyRowsOnDay3AsOnDay1_AndKeepsTheSpike()
    {
        var db = await SqliteDatabase.OpenAsync(_db.Path, CancellationToken.None);
        var history = new SqliteUsageHistory(db);
        // The first run backfills at two resolutions (UsageSpan): hourly maxima, then the last day at 5 minutes.
        var backfill = UsageSpan.For(Start - Window, Start).SelectMany(span => Periods(span).Select(t => (t, span.Period))).ToList();
        await history.AppendManyAsync(Keys.Select((k, q) => (k, q)).ToDictionary(p => p.k,
            IReadOnlyList<UsageSample> (p) => [.. backfill.Select(b => new UsageSample(b.t, Peak(p.q, b.t, b.Period)))]), CancellationToken.None);

        var read = new Dictionary<int, (int Rows, long Stored)>();
        for (var now = Start + Five; now <= Start.AddDays(3); now += Five)
        {
            await history.AppendManyAsync(Keys.Select((k, q) => (k, q)).ToDictionary(p => p.k, IReadOnlyList<UsageSample> (p) => [new UsageSample(now, Truth(p.q, now))]), CancellationToken.None);
            if ((now - Start).Ticks % TimeSpan.FromDays(1).Ticks != 0) continue;
            var window = await history.ReadManyAsync(Keys, now - Window, now, CancellationToken.None);
            var stored = (await db.QueryAsync("SELECT COUNT(*) FROM usage_history", row => row.GetInt64(0), CancellationToken.None)).Single();
            read[(int)((now - Start) / TimeSpan.FromDays(1))] = (window[Keys[0]].Count, stored);
        }
        var last = await history.ReadManyAsync(Keys, Start.AddDays(3) - Window, Start.AddDays(3), CancellationToken.None);

        Assert.Equal(read[1].Rows, read[3].Rows); // a window of about 312 hourly + 300 five-minute samples a quota, day after day
        Assert.InRange(read[1].Rows, 600, 625);
        Assert.Equal(read[1].Stored, read[3].Stored); // 5-minute rows past a day are deleted: 289 a quota
        Assert.Equal(289 * Keys.Length, read[3].Stored);
        var spike = UsageResolution.HourOf(Spike);
        Assert.Equal(Keys.Select((_, q) => 900.0 + q), Keys.Select(k => last[k].Single(s => s.Timestamp == spike).Value)); // its hour's maximum, at the hour
        Assert.Equal(Five, UsageGrid.RecentStep(last[Keys[0]])); // forecasts stay on a 5-minute grid
    }

    private static IEnumerable<DateTimeOffset> Periods(UsageSpan span)
    {
        for (var t = span.Start; t < span.End || (span.Period == Five && t <= span.End); t += span.Period) yield return t;
    }

    private static double Peak(int quota, DateTimeOffset start, TimeSpan period)
    {
        var peak = double.MinValue;
        for (var t = start; t < start + period; t += Five) peak = Math.Max(peak, Truth(quota, t));
        return peak;
    }
}
