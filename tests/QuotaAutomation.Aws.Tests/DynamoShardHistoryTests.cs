using Amazon.DynamoDBv2.Model;
using QuotaAutomation.Aws.Dynamo;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Tests;

/// <summary>
/// Issue 14: a fleet shard's usage as one row per shard and time (<see cref="DynamoShardHistory"/>) on moto, its
/// DynamoDB calls counted at the transport.
/// </summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class DynamoShardHistoryTests(MotoServer moto)
{
    private static readonly TimeSpan Retention = TimeSpan.FromDays(30);

    [Theory]
    [InlineData(5, ShardUsage.Account)]
    [InlineData(60, null)] // the hub's own quotas: shard#self#us-east-1
    public async Task FourteenDaysOf50Quotas_BackfillThenARunPerRow_ReadBackAtTwoResolutionsInTwoQueries(int minutes, string? account)
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        var history = new DynamoShardHistory(backend.Dynamo, backend.Options.UsageTable, Retention);
        var keys = ShardUsage.Keys(50, account);
        var times = ShardUsage.Times(TimeSpan.FromMinutes(minutes));
        var usage = ShardUsage.Counts(keys, times);
        var runs = (int)(TimeSpan.FromDays(1) / TimeSpan.FromMinutes(minutes)); // the last day, one run per row
        await history.AppendManyAsync(usage.ToDictionary(u => u.Key, u => (IReadOnlyList<UsageSample>)u.Value.SkipLast(runs).ToList()), CancellationToken.None);
        world.Quotas.Forwarded.Clear();

        for (var run = runs; run > 0; run--)
            await history.AppendManyAsync(usage.ToDictionary(u => u.Key, IReadOnlyList<UsageSample> (u) => [u.Value[^run]]), CancellationToken.None);
        var runCalls = ShardUsage.DynamoCalls(world);
        world.Quotas.Forwarded.Clear();
        var windows = await history.ReadManyAsync(keys, AwsWorld.Now - TimeSpan.FromDays(14), AwsWorld.Now, CancellationToken.None);

        // A run: the newest hourly row's Query and its row; once an hour (24 times) an hour ages: a Query of its rows and its hourly row.
        Assert.Equal($"PutItem={runs + 24} Query={runs + 24}", runCalls);
        Assert.All(keys, k => Assert.Equal(UsageResolution.Compact(usage[k], UsageResolution.FineFrom(AwsWorld.Now)).Where(s => s.Timestamp > AwsWorld.Now - TimeSpan.FromDays(14)), windows[k]));
        // About 311 hourly rows of 1.26 KB, then the last day's 5-minute (or hourly) rows: one page each.
        Assert.Equal("Query=2", ShardUsage.DynamoCalls(world));
    }

    [Fact]
    public async Task Values_AnyDouble_ComeBackExactly()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        var history = new DynamoShardHistory(backend.Dynamo, backend.Options.UsageTable, Retention);
        double[] values = [0.1 + 0.2, 1.0 / 3, -0.0, 1e-300, 12345678901234567890.0, double.MaxValue, double.Epsilon];
        var keys = ShardUsage.Keys(values.Length);

        await history.AppendManyAsync(keys.Select((k, i) => (k, i)).ToDictionary(p => p.k, IReadOnlyList<UsageSample> (p) => [new UsageSample(AwsWorld.Now, values[p.i])]), CancellationToken.None);

        var windows = await history.ReadManyAsync(keys, AwsWorld.Now.AddHours(-1), AwsWorld.Now, CancellationToken.None);
        Assert.Equal(values.Select(BitConverter.DoubleToInt64Bits), keys.Select(k => BitConverter.DoubleToInt64Bits(windows[k].Single().Value)));
    }

    [Fact]
    public async Task SecondAppendAtTheSameTime_KeepsTheFirstsValues()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        var history = new DynamoShardHistory(backend.Dynamo, backend.Options.UsageTable, Retention);
        var (a, b, c) = (Key("L-0000000A"), Key("L-0000000B"), Key("L-0000000C"));
        await history.AppendManyAsync(new Dictionary<QuotaKey, IReadOnlyList<UsageSample>> { [a] = [Sample(1)], [b] = [Sample(2)] }, CancellationToken.None);
        world.Quotas.Forwarded.Clear();

        await history.AppendManyAsync(new Dictionary<QuotaKey, IReadOnlyList<UsageSample>> { [b] = [Sample(3)], [c] = [Sample(4)] }, CancellationToken.None);

        // No hourly row yet (newest-hour Query, then nothing to compact: a Query); the shard's list with C added (docs/fleet-rows.md);
        // the row refused as new, read, put on condition it is unchanged.
        Assert.Equal("GetItem=1 PutItem=3 Query=2", ShardUsage.DynamoCalls(world));
        var windows = await history.ReadManyAsync([a, b, c], AwsWorld.Now.AddHours(-1), AwsWorld.Now, CancellationToken.None);
        Assert.Equal(["1", "3", "4"], new[] { a, b, c }.Select(k => string.Join(",", windows[k].Select(s => s.Value))));
    }

    [Fact]
    public async Task QuotaJoiningTheShard_BackfillsOverExistingRows_KeepsTheOthers()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        var history = new DynamoShardHistory(backend.Dynamo, backend.Options.UsageTable, Retention);
        var keys = ShardUsage.Keys(4);
        var usage = ShardUsage.Counts(keys, ShardUsage.Times(TimeSpan.FromHours(1), days: 2));
        await history.AppendManyAsync(usage.Take(3).ToDictionary(), CancellationToken.None);
        world.Quotas.Forwarded.Clear();

        await history.AppendManyAsync(usage.Skip(3).ToDictionary(), CancellationToken.None); // its 48 hourly samples

        // The newest hourly row's Query; its 23 samples older than a day merged into the hourly rows, its 25 of the last day into the
        // 5-minute rows: each span's rows read once, merged, put 25 a call; before them, the list with the new quota (a PutItem).
        Assert.Equal("BatchWriteItem=2 PutItem=1 Query=3", ShardUsage.DynamoCalls(world));
        var windows = await history.ReadManyAsync(keys, AwsWorld.Now.AddDays(-2), AwsWorld.Now, CancellationToken.None);
        Assert.All(keys, k => Assert.Equal(usage[k], windows[k]));
    }

    [Fact]
    public async Task CorruptRow_FailsOnlyTheQuotasItCannotDecode()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        var history = new DynamoShardHistory(backend.Dynamo, backend.Options.UsageTable, Retention);
        var (a, b, c, d) = (Key("L-1000000A"), Key("L-2000000B"), Key("L-3000000C"), Key("L-4000000D"));
        var keys = new[] { a, b, c, d };
        await history.AppendManyAsync(keys.ToDictionary(k => k, IReadOnlyList<UsageSample> (_) => [new UsageSample(AwsWorld.Now.AddMinutes(-5), 7)]), CancellationToken.None);
        // Hand-edited: B's value is not a number, and the row was cut short in C's name.
        await backend.Dynamo.PutItemAsync(new PutItemRequest
        {
            TableName = backend.Options.UsageTable,
            Item = new() { ["quota"] = new() { S = "shard#123456789012#us-east-1" }, ["ts"] = new() { N = "1795521600" }, ["v"] = new() { S = "vpc/L-1000000A=1;vpc/L-2000000B=abc;vpc/L-30" } },
        }, CancellationToken.None);
        var from = AwsWorld.Now.AddHours(-1);

        var all = await Assert.ThrowsAsync<InvalidDataException>(() => history.ReadManyAsync(keys, from, AwsWorld.Now, CancellationToken.None));
        var bad = await Assert.ThrowsAsync<InvalidDataException>(() => history.ReadAsync(b, from, AwsWorld.Now, CancellationToken.None));
        var cut = await Assert.ThrowsAsync<InvalidDataException>(() => history.ReadAsync(c, from, AwsWorld.Now, CancellationToken.None));

        Assert.Equal("Usage row shard#123456789012#us-east-1 at ts 1795521600, field 'v': quota 'vpc/L-2000000B': entry 'vpc/L-2000000B=abc': 'abc' is not a number. (1 more like it)", all.Message);
        Assert.Equal("Usage row shard#123456789012#us-east-1 at ts 1795521600, field 'v': quota 'vpc/L-2000000B': entry 'vpc/L-2000000B=abc': 'abc' is not a number.", bad.Message);
        Assert.Equal("Usage row shard#123456789012#us-east-1 at ts 1795521600, field 'v': quota 'vpc/L-3000000C': entry 'vpc/L-30' has no '=' (cut short?) and may be this quota's.", cut.Message);
        Assert.Equal([7, 1], (await history.ReadAsync(a, from, AwsWorld.Now, CancellationToken.None)).Select(s => s.Value));
        Assert.Equal([7], (await history.ReadAsync(d, from, AwsWorld.Now, CancellationToken.None)).Select(s => s.Value));
    }

    [Theory]
    [InlineData("vp=c", "L-00000001", "Quota 'vp=c/L-00000001@us-east-1#123456789012': its service code 'vp=c' contains '=', which a shard usage row uses between a quota and its value; service and quota codes never contain '=', ';' or '/'. (Parameter 'key')")]
    [InlineData("vpc", "L-0;1", "Quota 'vpc/L-0;1@us-east-1#123456789012': its quota code 'L-0;1' contains ';', which a shard usage row uses between entries; service and quota codes never contain '=', ';' or '/'. (Parameter 'key')")]
    [InlineData("vpc", "L/1", "Quota 'vpc/L/1@us-east-1#123456789012': its quota code 'L/1' contains '/', which a shard usage row uses between service and quota code; service and quota codes never contain '=', ';' or '/'. (Parameter 'key')")]
    public async Task QuotaCodeWithARowSeparator_IsRefusedAndNothingIsWritten(string service, string code, string message)
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        var history = new DynamoShardHistory(backend.Dynamo, backend.Options.UsageTable, Retention);
        var good = Key("L-0000000A");
        world.Quotas.Forwarded.Clear();

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => history.AppendManyAsync(new Dictionary<QuotaKey, IReadOnlyList<UsageSample>>
        {
            [good] = [Sample(1)], [new QuotaKey(service, code, "us-east-1", ShardUsage.Account)] = [Sample(2)],
        }, CancellationToken.None));

        Assert.Equal(message, refused.Message);
        Assert.Equal("", ShardUsage.DynamoCalls(world));
    }

    [Fact]
    public async Task RowOver400KB_IsRefusedBeforeAnyWrite()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        var history = new DynamoShardHistory(backend.Dynamo, backend.Options.UsageTable, Retention);
        // 17,000 quotas with the longest value a double takes: 25 bytes a compact entry (docs/fleet-rows.md; 40 with the names).
        var keys = Enumerable.Range(0, 17_000).Select(i => new QuotaKey("ec2", $"L-{i:X8}", "us-east-1", ShardUsage.Account)).ToList();
        world.Quotas.Forwarded.Clear();

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            history.AppendManyAsync(keys.ToDictionary(k => k, IReadOnlyList<UsageSample> (_) => [new UsageSample(AwsWorld.Now, -1.2345678901234567E-300)]), CancellationToken.None));

        Assert.Equal("Usage row shard#123456789012#us-east-1 at ts 1795521600: 17000 quotas make an item of 425058 bytes, over DynamoDB's 409600-byte item limit; govern fewer quotas in this account and Region.", refused.Message);
        Assert.Equal("", ShardUsage.DynamoCalls(world));
    }

    private static QuotaKey Key(string code) => new("vpc", code, "us-east-1", ShardUsage.Account);

    private static UsageSample Sample(double value) => new(AwsWorld.Now, value);
}
