using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Local.Fleet;

namespace QuotaAutomation.Local.Tests.Fleet;

/// <summary>
/// AWS's 20 open requests per account on SQLite, with the shards of one account reserving and releasing in parallel
/// (every call its own connection, as parallel shards have): never more than 20 held, none lost, none granted twice.
/// </summary>
public sealed class SqliteRequestBudgetTests : IAsyncLifetime
{
    private const string Account = "222222222222";
    private const int Limit = 20;

    private readonly TempDatabase _db = new();
    private EmbeddedBackend _backend = null!; // set in InitializeAsync

    public async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        _backend = await _db.OpenAsync(sampleRules: false);
    }

    public Task DisposeAsync() => _db.DisposeAsync();

    private static QuotaKey Key(int region, int quota) =>
        new("ec2", $"L-{quota:D8}", VirtualOrganizationSettings.DefaultEnabledRegions[region], Account);

    /// <summary>A shard's wish: a quota in one of the 17 Regions (13 quotas each: 221 keys, far more than 20).</summary>
    private static readonly Gen<(int Region, int Quota)> Wish = Gen.Zip(Gen.Choose(0, 16), Gen.Choose(0, 12));

    [Property(MaxTest = 25, Replay = "(20261130,15)")]
    public Property ParallelShardsOfOneAccount_NeverHoldMoreThan20() => Prop.ForAll(
        Arb.From(from first in Gen.ListOf(Wish) from second in Gen.ListOf(Wish) from share in Gen.Choose(0, 100) select (first.ToList(), second.ToList(), share)),
        async input =>
        {
            var (first, second, releaseShare) = input;
            foreach (var key in await _backend.Budget.OpenKeysAsync(Account, CancellationToken.None)) // each case starts empty
                await _backend.Budget.ReleaseAsync(QuotaKey.TryParse(key)!, CancellationToken.None);

            // Round 1: every wish at once.
            var granted1 = await ReserveAllAsync(first);
            var held1 = await _backend.Budget.OpenKeysAsync(Account, CancellationToken.None);
            // Round 2: some held slots released while new wishes reserve, all at once.
            var released = held1.Where((_, i) => i * 100 < releaseShare * held1.Count).ToList();
            var releases = released.Select(k => _backend.Budget.ReleaseAsync(QuotaKey.TryParse(k)!, CancellationToken.None));
            var reserving = ReserveAllAsync(second.Where(w => !released.Contains(Key(w.Region, w.Quota).ToString())).ToList()); // a slot released while re-reserved could end either way
            await Task.WhenAll(releases);
            var granted2 = await reserving;
            var held2 = await _backend.Budget.OpenKeysAsync(Account, CancellationToken.None);

            var distinct1 = first.Select(w => Key(w.Region, w.Quota).ToString()).ToHashSet(StringComparer.Ordinal);
            Assert.Equal(Math.Min(Limit, distinct1.Count), held1.Count);
            Assert.Equal(granted1.Order(StringComparer.Ordinal), held1);
            Assert.True(held2.Count <= Limit, $"{held2.Count} slots held");
            Assert.Subset(held1.Except(released).Union(granted2).ToHashSet(StringComparer.Ordinal), held2.ToHashSet(StringComparer.Ordinal));
            Assert.Subset(held2.ToHashSet(StringComparer.Ordinal), held1.Except(released).Union(granted2).ToHashSet(StringComparer.Ordinal));
        });

    /// <summary>Reserves every wish in parallel; returns the distinct keys granted.</summary>
    private async Task<HashSet<string>> ReserveAllAsync(List<(int Region, int Quota)> wishes)
    {
        var answers = await Task.WhenAll(wishes.Select(async w =>
        {
            var key = Key(w.Region, w.Quota);
            return (Key: key.ToString(), Granted: await _backend.Budget.TryReserveAsync(key, Limit, CancellationToken.None));
        }));
        return answers.Where(a => a.Granted).Select(a => a.Key).ToHashSet(StringComparer.Ordinal);
    }

    [Fact]
    public async Task TryReserve_TheSameQuotaTwice_HoldsOneSlot()
    {
        var key = Key(0, 1);

        var both = (await _backend.Budget.TryReserveAsync(key, 1, CancellationToken.None), await _backend.Budget.TryReserveAsync(key, 1, CancellationToken.None));
        var other = await _backend.Budget.TryReserveAsync(Key(1, 1), 1, CancellationToken.None);

        Assert.Equal((true, true, false), (both.Item1, both.Item2, other));
        Assert.Equal([key.ToString()], await _backend.Budget.OpenKeysAsync(Account, CancellationToken.None));
    }
}
