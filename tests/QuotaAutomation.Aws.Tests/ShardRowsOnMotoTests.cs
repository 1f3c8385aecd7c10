using Amazon.DynamoDBv2.Model;
using QuotaAutomation.Aws.Dynamo;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Tests;

/// <summary>
/// Compact shard usage rows on moto (docs/fleet-rows.md): a row holds its key list's id and its values only, the list is
/// stored once under <c>keys#{account}#{region}</c>; old rows (names in <c>v</c>) still read beside compact ones, and
/// what a rewrite cannot decode is carried, not dropped.
/// </summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class ShardRowsOnMotoTests(MotoServer moto)
{
    private const string Shard = "shard#123456789012#us-east-1";
    private static readonly TimeSpan Retention = TimeSpan.FromDays(30);
    private static readonly long Ts = AwsWorld.Now.ToUnixTimeSeconds();

    [Fact]
    public async Task FiftyQuotas_WrittenCompact_ComeBackExactly_AndTheRowNamesNoQuota()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        var history = new DynamoShardHistory(backend.Dynamo, backend.Options.UsageTable, Retention);
        var keys = ShardUsage.Keys(50);
        var usage = ShardUsage.Counts(keys, ShardUsage.Times(TimeSpan.FromMinutes(5), days: 1));

        await history.AppendManyAsync(usage, CancellationToken.None);

        var cold = new DynamoShardHistory(backend.Dynamo, backend.Options.UsageTable, Retention); // a new container: no list known
        var windows = await cold.ReadManyAsync(keys, AwsWorld.Now.AddDays(-1), AwsWorld.Now, CancellationToken.None);
        var rows = await ShardUsage.StoredAsync(backend, "shard#");
        var lists = await ShardUsage.StoredAsync(backend, "keys#");
        Assert.All(keys, k => Assert.Equal(usage[k], windows[k]));
        var list = Assert.Single(lists);
        Assert.Equal(string.Join(';', keys.Select(k => $"{k.ServiceCode}/{k.QuotaCode}").Order(StringComparer.Ordinal)), list["q"].S);
        Assert.All(rows, r => Assert.Equal(list["ts"].N, r["k"].N));
        Assert.All(rows, r => Assert.DoesNotContain("L-", r["v"].S, StringComparison.Ordinal));
        Assert.InRange(rows.Max(DynamoItemSize.Of), 250, 320); // about 300 bytes (counts up to 4 digits); about 1,300 with the names in every row
    }

    [Fact]
    public async Task AMixedWindow_OldRowsThenCompactOnes_ReadsAsOneSeries()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        var history = new DynamoShardHistory(backend.Dynamo, backend.Options.UsageTable, Retention);
        var (a, b) = (Key("L-1000000A"), Key("L-2000000B"));
        // Round 4's rows: an hourly row (epoch hours) two days back and a 5-minute row an hour back, names in v, no k.
        await PutAsync(backend, new() { ["quota"] = S(Shard), ["ts"] = N(Ts / 3600 - 48), ["v"] = S("vpc/L-1000000A=5;vpc/L-2000000B=6") });
        await PutAsync(backend, new() { ["quota"] = S(Shard), ["ts"] = N(Ts - 3600), ["v"] = S("vpc/L-1000000A=7;vpc/L-2000000B=8") });

        await history.AppendManyAsync(new Dictionary<QuotaKey, IReadOnlyList<UsageSample>> { [a] = [new(AwsWorld.Now, 9)], [b] = [new(AwsWorld.Now, 10)] }, CancellationToken.None);

        var windows = await new DynamoShardHistory(backend.Dynamo, backend.Options.UsageTable, Retention).ReadManyAsync([a, b], AwsWorld.Now.AddDays(-3), AwsWorld.Now, CancellationToken.None);
        Assert.Equal([5, 7, 9], windows[a].Select(s => s.Value));
        Assert.Equal([6, 8, 10], windows[b].Select(s => s.Value));
        Assert.Equal("9;10", (await RowAsync(backend, Ts))["v"].S); // the new row is compact; the old ones stay as they are until compacted or expired
    }

    [Fact]
    public async Task ARuleAdded_StoresANewList_OlderRowsKeepTheirs_AndAColdReadFetchesBothInOneQuery()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        var history = new DynamoShardHistory(backend.Dynamo, backend.Options.UsageTable, Retention);
        var (a, b, c) = (Key("L-1000000A"), Key("L-2000000B"), Key("L-3000000C"));
        var before = AwsWorld.Now.AddMinutes(-5);
        await history.AppendManyAsync(new Dictionary<QuotaKey, IReadOnlyList<UsageSample>> { [a] = [new(before, 1)], [c] = [new(before, 3)] }, CancellationToken.None);
        world.Quotas.Forwarded.Clear();

        await history.AppendManyAsync(new Dictionary<QuotaKey, IReadOnlyList<UsageSample>> { [a] = [new(AwsWorld.Now, 4)], [b] = [new(AwsWorld.Now, 5)], [c] = [new(AwsWorld.Now, 6)] }, CancellationToken.None);
        var added = ShardUsage.DynamoCalls(world);
        var cold = new DynamoShardHistory(backend.Dynamo, backend.Options.UsageTable, Retention);
        world.Quotas.Forwarded.Clear();
        var windows = await cold.ReadManyAsync([a, b, c], AwsWorld.Now.AddHours(-1), AwsWorld.Now, CancellationToken.None);
        var read = ShardUsage.DynamoCalls(world);

        Assert.Equal("PutItem=2 Query=2", added); // newest hour, compaction (none), the new list, the row
        Assert.Equal("Query=2", read); // the 5-minute rows, then both lists they name
        Assert.Equal(["1,4", "5", "3,6"], new[] { a, b, c }.Select(k => string.Join(",", windows[k].Select(s => s.Value))));
        Assert.Equal(["vpc/L-1000000A;vpc/L-2000000B;vpc/L-3000000C", "vpc/L-1000000A;vpc/L-3000000C"], (await ShardUsage.StoredAsync(backend, "keys#")).Select(i => i["q"].S).Order(StringComparer.Ordinal));
        Assert.Equal(("1;3", "4;5;6"), ((await RowAsync(backend, Ts - 300))["v"].S, (await RowAsync(backend, Ts))["v"].S));
    }

    [Fact]
    public async Task AQuotaMissingFromARun_KeepsTheList_ItsPositionEmpty()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        var history = new DynamoShardHistory(backend.Dynamo, backend.Options.UsageTable, Retention);
        var (a, b) = (Key("L-1000000A"), Key("L-2000000B"));
        await history.AppendManyAsync(new Dictionary<QuotaKey, IReadOnlyList<UsageSample>> { [a] = [new(AwsWorld.Now.AddMinutes(-5), 1)], [b] = [new(AwsWorld.Now.AddMinutes(-5), 2)] }, CancellationToken.None);

        await history.AppendManyAsync(new Dictionary<QuotaKey, IReadOnlyList<UsageSample>> { [b] = [new(AwsWorld.Now, 3)] }, CancellationToken.None);

        Assert.Single(await ShardUsage.StoredAsync(backend, "keys#"));
        Assert.Equal(";3", (await RowAsync(backend, Ts))["v"].S);
    }

    [Theory]
    [InlineData("1;abc;3", "Usage row shard#123456789012#us-east-1 at ts 1795521600, field 'v': quota 'vpc/L-2000000B': value 'abc' at position 2 of key list {0} is not a number.", new[] { 1.0, 0, 3 })]
    [InlineData("1;2", "Usage row shard#123456789012#us-east-1 at ts 1795521600, field 'v': quota 'vpc/L-1000000A': 2 values for the 3 quotas of key list {0}: no position can be trusted. (2 more like it)", new double[0])]
    public async Task AHandEditedCompactRow_FailsOnlyTheQuotasItCannotGive(string v, string message, double[] readable)
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        var history = new DynamoShardHistory(backend.Dynamo, backend.Options.UsageTable, Retention);
        var keys = new[] { Key("L-1000000A"), Key("L-2000000B"), Key("L-3000000C") };
        await history.AppendManyAsync(keys.ToDictionary(k => k, IReadOnlyList<UsageSample> (_) => [new(AwsWorld.Now, 7)]), CancellationToken.None);
        var row = await RowAsync(backend, Ts);
        row["v"] = S(v);
        await PutAsync(backend, row);
        var from = AwsWorld.Now.AddHours(-1);

        var all = await Assert.ThrowsAsync<InvalidDataException>(() => history.ReadManyAsync(keys, from, AwsWorld.Now, CancellationToken.None));

        Assert.Equal(string.Format(System.Globalization.CultureInfo.InvariantCulture, message, row["k"].N), all.Message);
        foreach (var (key, value) in keys.Zip(readable).Where(p => p.Second > 0))
            Assert.Equal([value], (await history.ReadAsync(key, from, AwsWorld.Now, CancellationToken.None)).Select(s => s.Value));
    }

    [Fact]
    public async Task ARowWhoseListIsNotStored_FailsItsReadNamingTheList()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        var a = Key("L-1000000A");
        await PutAsync(backend, new() { ["quota"] = S(Shard), ["ts"] = N(Ts), ["k"] = N(12345), ["v"] = S("1") });

        var failed = await Assert.ThrowsAsync<InvalidDataException>(() =>
            new DynamoShardHistory(backend.Dynamo, backend.Options.UsageTable, Retention).ReadAsync(a, AwsWorld.Now.AddHours(-1), AwsWorld.Now, CancellationToken.None));

        Assert.Equal("Usage row shard#123456789012#us-east-1 at ts 1795521600: field 'k': key list 12345 is not stored under keys#123456789012#us-east-1.", failed.Message);
    }

    /// <summary>
    /// An old 5-minute row with an entry that does not decode, compacted when its hour ages: the hourly row carries the
    /// entry in <c>x</c>, so the quota's reads keep failing with the reason; the other quota's peak is kept.
    /// </summary>
    [Fact]
    public async Task Compaction_OfAnEntryThatDoesNotDecode_CarriesItIntoTheHour_InsteadOfDroppingIt()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        var history = new DynamoShardHistory(backend.Dynamo, backend.Options.UsageTable, Retention);
        var (a, b) = (Key("L-1000000A"), Key("L-2000000B"));
        var old = Ts - 26 * 3600;
        await PutAsync(backend, new() { ["quota"] = S(Shard), ["ts"] = N(old), ["v"] = S("vpc/L-1000000A=4;vpc/L-2000000B=abc") });

        await history.AppendManyAsync(new Dictionary<QuotaKey, IReadOnlyList<UsageSample>> { [a] = [new(AwsWorld.Now, 1)], [b] = [new(AwsWorld.Now, 2)] }, CancellationToken.None);

        var from = AwsWorld.Now.AddDays(-2);
        var failed = await Assert.ThrowsAsync<InvalidDataException>(() => history.ReadAsync(b, from, AwsWorld.Now, CancellationToken.None));
        Assert.Equal($"Usage row shard#123456789012#us-east-1 at ts {old / 3600}, field 'x': quota 'vpc/L-2000000B': from the 5-minute row at ts {old}, field 'v': entry 'vpc/L-2000000B=abc': 'abc' is not a number.", failed.Message);
        Assert.Equal([4, 1], (await history.ReadAsync(a, from, AwsWorld.Now, CancellationToken.None)).Select(s => s.Value));
        var hour = await RowAsync(backend, old / 3600);
        Assert.Equal("4;", hour["v"].S); // compact: the old row's readable value, B's position empty
    }

    private static QuotaKey Key(string code) => new("vpc", code, "us-east-1", ShardUsage.Account);

    private static AttributeValue S(string s) => new() { S = s };

    private static AttributeValue N(long n) => new() { N = n.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    private static async Task PutAsync(AwsBackend backend, Dictionary<string, AttributeValue> item) =>
        await backend.Dynamo.PutItemAsync(new PutItemRequest { TableName = backend.Options.UsageTable, Item = item }, CancellationToken.None);

    private static async Task<Dictionary<string, AttributeValue>> RowAsync(AwsBackend backend, long ts) =>
        (await backend.Dynamo.GetItemAsync(new GetItemRequest { TableName = backend.Options.UsageTable, Key = new() { ["quota"] = S(Shard), ["ts"] = N(ts) }, ConsistentRead = true }, CancellationToken.None)).Item;
}
