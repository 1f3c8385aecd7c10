namespace QuotaAutomation.Local.Tests.Fleet;

/// <summary>Shard wakes on SQLite: wakes of one shard merge, a take removes what it returns, and a wake racing a take is never lost.</summary>
public sealed class SqliteShardWakesTests : IAsyncLifetime
{
    private readonly TempDatabase _db = new();
    private EmbeddedBackend _backend = null!; // set in InitializeAsync

    public async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        _backend = await _db.OpenAsync(sampleRules: false);
    }

    public Task DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task Take_TwoWakesOfOneShard_MergedIntoOneSet_AndRemoved()
    {
        await _backend.Wakes.WakeAsync("111111111111", "us-east-1", ["ec2/L-1216C47A", "vpc/L-F678F1CE"], CancellationToken.None);
        await _backend.Wakes.WakeAsync("111111111111", "us-east-1", ["ec2/L-1216C47A", "lambda/L-B99A9384"], CancellationToken.None);
        await _backend.Wakes.WakeAsync("222222222222", "eu-west-1", [], CancellationToken.None);

        var taken = await _backend.Wakes.TakeAsync(CancellationToken.None);
        var again = await _backend.Wakes.TakeAsync(CancellationToken.None);

        Assert.Equal(["111111111111/us-east-1", "222222222222/eu-west-1"], taken.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["ec2/L-1216C47A", "lambda/L-B99A9384", "vpc/L-F678F1CE"], taken["111111111111/us-east-1"]);
        Assert.Empty(taken["222222222222/eu-west-1"]); // woken with no quota named: the shard runs, nothing extra in detail
        Assert.Empty(again);
    }

    [Fact]
    public async Task Take_WithWakesArrivingMeanwhile_EveryWakeTakenOnce()
    {
        // 40 wakes of 4 shards race 10 takes, each on its own connection: every quota comes out of exactly one take.
        var wakes = Enumerable.Range(0, 40).Select(i => (Account: $"11111111111{i % 4}", Quota: $"ec2/L-{i:D8}")).ToList();
        var takes = new List<Task<IReadOnlyDictionary<string, IReadOnlyList<string>>>>();

        var writing = Task.WhenAll(wakes.Select(w => Task.Run(() => _backend.Wakes.WakeAsync(w.Account, "us-east-1", [w.Quota], CancellationToken.None))));
        for (var i = 0; i < 10; i++) takes.Add(Task.Run(() => _backend.Wakes.TakeAsync(CancellationToken.None)));
        await writing;
        takes.Add(_backend.Wakes.TakeAsync(CancellationToken.None)); // after every wake: whatever the racing takes missed
        var taken = (await Task.WhenAll(takes)).SelectMany(t => t.SelectMany(s => s.Value.Select(q => (Shard: s.Key, Quota: q)))).ToList();

        Assert.Equal(wakes.Select(w => ($"{w.Account}/us-east-1", w.Quota)).Order(), taken.Order());
    }
}
