using Amazon.DynamoDBv2.Model;
using QuotaAutomation.Aws.Dynamo;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Cadence;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Tests;

/// <summary>
/// A fleet shard's usage window at two resolutions on moto (docs/fleet-window.md): hourly rows keyed in epoch hours,
/// 5-minute rows in epoch seconds, compacted by the appends as hours age past a day. Every window read is checked
/// against the model (<see cref="UsageResolution.Compact"/> of everything appended).
/// </summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class ShardWindowTests(MotoServer moto)
{
    private static readonly TimeSpan Retention = TimeSpan.FromDays(30);
    private static readonly TimeSpan Window = TimeSpan.FromDays(14);
    private static readonly TimeSpan Five = TimeSpan.FromMinutes(5);
    private static readonly DateTimeOffset Start = AwsWorld.Now;
    private static readonly DateTimeOffset Spike = Start + TimeSpan.FromHours(15) + TimeSpan.FromMinutes(35);

    private static double Truth(int quota, DateTimeOffset t) =>
        t == Spike ? 900 + quota : 100 + quota + (t.ToUnixTimeSeconds() / 300 % 37);

    [Fact]
    public async Task ARunEvery5MinutesFor3Days_Day3ReadsTheRowsAndUnitsOfDay1_InTwoQueries()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        var history = new DynamoShardHistory(backend.Dynamo, backend.Options.UsageTable, Retention);
        var shard = new Shard(ShardUsage.Keys(5));
        await shard.BackfillAsync(history);

        var read = new Dictionary<int, (int Rows, double Units, string Calls)>();
        for (var now = Start + Five; now <= Start.AddDays(3); now += Five)
        {
            await shard.RunAsync(history, now);
            if ((now - Start).Ticks % TimeSpan.FromDays(1).Ticks != 0) continue;
            world.Quotas.Forwarded.Clear();
            var window = await shard.ReadAndCheckAsync(history, now);
            var calls = ShardUsage.DynamoCalls(world);
            read[(int)((now - Start) / TimeSpan.FromDays(1))] = (window, await ReadUnitsAsync(backend, now), calls);
        }

        Assert.Equal(read[1].Rows, read[3].Rows);
        Assert.InRange(read[3].Units - read[1].Units, -1, 1); // the same rows: only their values' digits differ
        Assert.Equal(600, read[3].Rows); // 311 hourly + 289 five-minute rows: before, day 3 read 311 + 300 + 576 = 1,187
        Assert.Equal("Query=2", read[3].Calls); // the hourly key range, then the 5-minute one
    }

    [Fact]
    public async Task ACompactionThatDied_LeavesAWholeWindow_AndTheNextAppendFinishesIt()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        var history = new DynamoShardHistory(backend.Dynamo, backend.Options.UsageTable, Retention);
        var shard = new Shard(ShardUsage.Keys(3));
        await shard.BackfillAsync(history);
        var now = Start;
        while (now < Start.AddHours(30) - Five * 2) await shard.RunAsync(history, now += Five);
        // Hourly rows are put oldest first, one at a time: a run that died after storing some of three aged hours left the newest ones out.
        foreach (var hour in Enumerable.Range(1, 2).Select(i => UsageResolution.FineFrom(now) - TimeSpan.FromHours(i)))
            await backend.Dynamo.DeleteItemAsync(new DeleteItemRequest
            {
                TableName = backend.Options.UsageTable,
                Key = new() { ["quota"] = new() { S = $"shard#{ShardUsage.Account}#us-east-1" }, ["ts"] = new() { N = (hour.ToUnixTimeSeconds() / 3600).ToString(System.Globalization.CultureInfo.InvariantCulture) } },
            }, CancellationToken.None);
        var model = shard.Keys.ToDictionary(k => k, k => shard.Model(k, now));

        var crashed = await history.ReadManyAsync(shard.Keys, now - Window, now, CancellationToken.None);
        await shard.RunAsync(history, now += Five);
        await Task.WhenAll(shard.RunAsync(history, now += Five), history.AppendManyAsync(shard.Last, CancellationToken.None)); // an hour ages: two runs compact it at once

        Assert.All(shard.Keys, k => Assert.Equal(HourlyPeaks(model[k]), HourlyPeaks(crashed[k]))); // every hour's peak, the two at 5 minutes
        Assert.Equal(model[shard.Keys[0]].Count + 22, crashed[shard.Keys[0]].Count);
        await shard.ReadAndCheckAsync(history, now); // then compacted as if nothing had happened
    }

    private static List<UsageSample> HourlyPeaks(IReadOnlyList<UsageSample> window) =>
        [.. window.GroupBy(s => UsageResolution.HourOf(s.Timestamp)).Select(g => new UsageSample(g.Key, g.Max(s => s.Value)))];

    /// <summary>The read units of the window's two Queries, from the stored items' sizes as DynamoDB bills them.</summary>
    private static async Task<double> ReadUnitsAsync(AwsBackend backend, DateTimeOffset now)
    {
        var items = await ShardUsage.StoredAsync(backend, "shard#");
        var (from, until) = ((now - Window).ToUnixTimeSeconds(), now.ToUnixTimeSeconds());
        var hourly = items.Where(i => long.Parse(i["ts"].N, System.Globalization.CultureInfo.InvariantCulture) is var h && h < DynamoShardHistory.HourlyKeyLimit && h * 3600 > from)
            .OrderBy(i => long.Parse(i["ts"].N, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var fineFrom = (long.Parse(hourly[^1]["ts"].N, System.Globalization.CultureInfo.InvariantCulture) + 1) * 3600;
        var fine = items.Where(i => long.Parse(i["ts"].N, System.Globalization.CultureInfo.InvariantCulture) is var t && t >= fineFrom && t <= until);
        return ShardUsage.QueryCost(hourly.Select(DynamoItemSize.Of)).Units + ShardUsage.QueryCost(fine.Select(DynamoItemSize.Of)).Units;
    }

    /// <summary>A shard's quotas, what was appended to them (the model's input) and how its runs append.</summary>
    private sealed class Shard(List<QuotaKey> keys)
    {
        private readonly Dictionary<QuotaKey, List<UsageSample>> _appended = keys.ToDictionary(k => k, _ => new List<UsageSample>());

        public List<QuotaKey> Keys => keys;

        public Dictionary<QuotaKey, IReadOnlyList<UsageSample>> Last { get; private set; } = [];

        /// <summary>The first run: 14 days at two resolutions, as UsageSpan reads them.</summary>
        public Task BackfillAsync(DynamoShardHistory history)
        {
            var periods = UsageSpan.For(Start - Window, Start).SelectMany(span => Periods(span).Select(t => (t, span.Period))).ToList();
            return AppendAsync(history, keys.Select((k, q) => (k, q)).ToDictionary(p => p.k,
                IReadOnlyList<UsageSample> (p) => [.. periods.Select(x => new UsageSample(x.t, Peak(p.q, x.t, x.Period)))]));
        }

        public Task RunAsync(DynamoShardHistory history, DateTimeOffset now) =>
            AppendAsync(history, keys.Select((k, q) => (k, q)).ToDictionary(p => p.k, IReadOnlyList<UsageSample> (p) => [new UsageSample(now, Truth(p.q, now))]));

        private Task AppendAsync(DynamoShardHistory history, Dictionary<QuotaKey, IReadOnlyList<UsageSample>> samples)
        {
            foreach (var (key, added) in samples) _appended[key].AddRange(added);
            Last = samples;
            return history.AppendManyAsync(samples, CancellationToken.None);
        }

        /// <summary>Reads the window and checks it is the model's; returns its rows (the first quota's samples: every row holds every quota).</summary>
        public async Task<int> ReadAndCheckAsync(DynamoShardHistory history, DateTimeOffset now)
        {
            var window = await history.ReadManyAsync(keys, now - Window, now, CancellationToken.None);
            foreach (var key in keys) Assert.Equal(Model(key, now), window[key]);
            return window[keys[0]].Count;
        }

        /// <summary>The window a store at two resolutions must return: everything appended, older than a day as hourly maxima.</summary>
        public List<UsageSample> Model(QuotaKey key, DateTimeOffset now) =>
            [.. UsageResolution.Compact(_appended[key], UsageResolution.FineFrom(now)).Where(s => s.Timestamp > now - Window && s.Timestamp <= now)];
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
