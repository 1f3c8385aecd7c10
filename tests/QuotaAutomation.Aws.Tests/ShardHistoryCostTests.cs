using Amazon.DynamoDBv2.Model;
using QuotaAutomation.Aws.Dynamo;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using Xunit.Abstractions;

namespace QuotaAutomation.Aws.Tests;

/// <summary>
/// The figures of docs/fleet-usage-rows.md: what one 50-quota shard costs in DynamoDB per run, with one row per shard and time
/// (<see cref="DynamoShardHistory"/>) against one item per quota and time plus a head (<see cref="DynamoUsageHistory"/>).
/// Calls are counted at the transport on moto; capacity units are computed from the stored items' sizes as DynamoDB
/// bills them (<see cref="DynamoItemSize"/>), since moto answers <c>ReturnConsumedCapacity</c> with 1.0 whatever the size.
/// </summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class ShardHistoryCostTests(MotoServer moto, ITestOutputHelper output)
{
    private static readonly TimeSpan Retention = TimeSpan.FromDays(30);
    private static readonly DateTimeOffset WindowStart = AwsWorld.Now - TimeSpan.FromDays(14);

    [Theory]
    // Compact rows (docs/fleet-rows.md): about 300 bytes a row, 1 WCU; round 4's rows with the names were 1,260 bytes, 2 WCU,
    // and the window 93 RCU (5 minutes) and 52 RCU (hourly).
    [InlineData(5, "Query=2", 22.5, "PutItem=2 Query=2", 1)] // 311 hourly + 289 five-minute rows (round 3: 4,032 rows, 619 units); the run ages an hour: its 12 rows become one hourly row
    [InlineData(60, "Query=2", 12.5, "PutItem=2 Query=2", 1)] // 311 hourly + 25 rows of the last day, as before
    public async Task ShardRows_50Quotas_OneRunWritesOneItemAndTheWindowIsTwoQueries(int minutes, string readCalls, double readUnits, string runCalls, int runUnits)
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        var history = new DynamoShardHistory(backend.Dynamo, backend.Options.UsageTable, Retention);
        var keys = ShardUsage.Keys(50);
        var usage = ShardUsage.Counts(keys, ShardUsage.Times(TimeSpan.FromMinutes(minutes)));
        await history.AppendManyAsync(usage.ToDictionary(u => u.Key, u => (IReadOnlyList<UsageSample>)u.Value.SkipLast(1).ToList()), CancellationToken.None);
        world.Quotas.Forwarded.Clear();

        await history.AppendManyAsync(usage.ToDictionary(u => u.Key, IReadOnlyList<UsageSample> (u) => [u.Value[^1]]), CancellationToken.None);
        var run = ShardUsage.DynamoCalls(world);
        world.Quotas.Forwarded.Clear();
        await history.ReadManyAsync(keys, WindowStart, AwsWorld.Now, CancellationToken.None);
        var read = ShardUsage.DynamoCalls(world);
        world.Quotas.Forwarded.Clear();
        await history.ReadManyAsync(keys, AwsWorld.Now - TimeSpan.FromHours(1), AwsWorld.Now, CancellationToken.None); // a warm container's tail
        var tail = ShardUsage.DynamoCalls(world);

        // The window's two Queries: hourly rows (ts in epoch hours, in the window), then 5-minute rows from the newest hourly row's end.
        var stored = (await ShardUsage.StoredAsync(backend, "shard#")).Select(i => (Ts: long.Parse(i["ts"].N, System.Globalization.CultureInfo.InvariantCulture), Bytes: DynamoItemSize.Of(i))).OrderBy(r => r.Ts).ToList();
        var hourly = stored.Where(r => r.Ts < DynamoShardHistory.HourlyKeyLimit && r.Ts * 3600 > WindowStart.ToUnixTimeSeconds()).ToList();
        var fine = stored.Where(r => r.Ts >= (hourly[^1].Ts + 1) * 3600).ToList();
        var rows = hourly.Concat(fine).Select(r => r.Bytes).ToList();
        var (hourlyCost, fineCost) = (ShardUsage.QueryCost(hourly.Select(r => r.Bytes)), ShardUsage.QueryCost(fine.Select(r => r.Bytes)));
        var (pages, units) = (hourlyCost.Pages + fineCost.Pages, hourlyCost.Units + fineCost.Units);
        output.WriteLine($"shard rows every {minutes} min: {rows.Count} rows, {rows.Average():F0} B a row (max {rows.Max()}); run: {run}, {DynamoItemSize.WriteUnits(rows[^1])} WCU; "
            + $"14-day window: {hourly.Count} hourly + {fine.Count} 5-minute rows, {read} (DynamoDB: {pages} pages of 1 MB), {units} RCU eventually consistent; "
            + $"newest hour: {tail}, {ShardUsage.QueryCost(rows.TakeLast(60 / minutes)).Units} RCU");
        Assert.Equal("Query=1", tail);
        Assert.Equal((runCalls, runUnits), (run, DynamoItemSize.WriteUnits(rows[^1])));
        Assert.Equal((readCalls, readUnits), (read, units));
    }

    /// <summary>The per-quota layout's cold window, measured on 10 of the shard's quotas (one per service) and scaled by 5: each quota is its own Query.</summary>
    [Theory]
    [InlineData(5, "Query=10", 342.0)]
    [InlineData(60, "Query=10", 31.0)]
    public async Task QuotaItems_TenOfTheQuotas_EachWindowIsItsOwnQuery(int minutes, string readCalls, double readUnits)
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        var history = new DynamoUsageHistory(backend.Dynamo, backend.Options.UsageTable, Retention);
        var keys = ShardUsage.Keys(10);
        await history.AppendManyAsync(ShardUsage.Counts(keys, ShardUsage.Times(TimeSpan.FromMinutes(minutes))).ToDictionary(u => u.Key, u => (IReadOnlyList<UsageSample>)u.Value), CancellationToken.None);
        world.Quotas.Forwarded.Clear();

        await history.ReadManyAsync(keys, WindowStart, AwsWorld.Now, CancellationToken.None);
        var read = ShardUsage.DynamoCalls(world);

        var items = await ShardUsage.StoredAsync(backend, "");
        var units = items.Where(i => i["ts"].N != "0").GroupBy(i => i["quota"].S)
            .Sum(q => ShardUsage.QueryCost(q.OrderBy(i => long.Parse(i["ts"].N, System.Globalization.CultureInfo.InvariantCulture)).Select(DynamoItemSize.Of)).Units);
        output.WriteLine($"quota items every {minutes} min, 10 quotas: {read}, {units} RCU; ×5 for 50 quotas");
        Assert.Equal((readCalls, readUnits), (read, units));
    }

    /// <summary>The per-quota layout's steady run on a warm container: heads read 100 a call, a sample and a head per quota written 25 a call.</summary>
    [Fact]
    public async Task QuotaItems_50Quotas_OneRunWritesTwoItemsAQuota()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        var history = new DynamoUsageHistory(backend.Dynamo, backend.Options.UsageTable, Retention);
        var keys = ShardUsage.Keys(50);
        var usage = ShardUsage.Counts(keys, ShardUsage.Times(TimeSpan.FromMinutes(5), days: 1));
        await history.AppendManyAsync(usage.ToDictionary(u => u.Key, u => (IReadOnlyList<UsageSample>)u.Value.SkipLast(1).ToList()), CancellationToken.None);
        world.Quotas.Forwarded.Clear();
        await history.ReadManyAsync(keys, AwsWorld.Now - TimeSpan.FromHours(1), AwsWorld.Now, CancellationToken.None); // a warm container's tail: the heads
        var heads = ShardUsage.DynamoCalls(world);
        world.Quotas.Forwarded.Clear();

        await history.AppendManyAsync(usage.ToDictionary(u => u.Key, IReadOnlyList<UsageSample> (u) => [u.Value[^1]]), CancellationToken.None);
        var run = ShardUsage.DynamoCalls(world);

        var stamp = DynamoItems.Seconds(AwsWorld.Now).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var written = (await ShardUsage.StoredAsync(backend, "")).Where(i => i["ts"].N is "0" || i["ts"].N == stamp).Select(DynamoItemSize.Of).ToList();
        var units = written.Sum(DynamoItemSize.WriteUnits);
        // BatchGetItem rounds each item up to 4 KB: half a unit a head, eventually consistent.
        output.WriteLine($"quota items, 50 quotas, one run: {run}, {written.Count} items, {written.Sum()} B, {units} WCU; newest hour: {heads}, {0.5 * keys.Count} RCU");
        Assert.Equal(("BatchWriteItem=4", 100, 100, "BatchGetItem=1"), (run, written.Count, units, heads));
    }
}
