using QuotaAutomation.Local.Storage;

namespace QuotaAutomation.Local.Tests.Storage;

/// <summary>Monthly budgets in SQLite: charges within the limit, concurrent charges never past it, refunds, months apart.</summary>
public sealed class SqliteBudgetLedgerTests : IAsyncLifetime
{
    private readonly TempDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task ConcurrentCharges_NeverSpendPastTheLimit_AndEachKnowsWhatWasSpentBefore()
    {
        var ledger = new SqliteBudgetLedger((await _db.OpenAsync(sampleRules: false)).Database);

        var charges = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(() => ledger.TryChargeAsync("sandbox", "2026-12", 10, 95, CancellationToken.None))));

        Assert.Equal(9, charges.Count(c => c.Charged));
        Assert.Equal(Enumerable.Range(0, 9).Select(i => i * 10d), charges.Where(c => c.Charged).Select(c => c.SpentBefore).Order());
        Assert.All(charges.Where(c => !c.Charged), c => Assert.Equal(90, c.SpentBefore));
        Assert.Equal(90, await ledger.SpentAsync("sandbox", "2026-12", CancellationToken.None));
    }

    [Fact]
    public async Task ARefund_GivesBack_AnUnlimitedChargeAlwaysLands_AndMonthsAreApart()
    {
        var ledger = new SqliteBudgetLedger((await _db.OpenAsync(sampleRules: false)).Database);

        await ledger.TryChargeAsync("org", "2026-12", 60, 100, CancellationToken.None);
        await ledger.RefundAsync("org", "2026-12", 60, CancellationToken.None);
        var approved = await ledger.TryChargeAsync("org", "2026-12", 500, null, CancellationToken.None);

        Assert.True(approved.Charged);
        Assert.Equal(500, await ledger.SpentAsync("org", "2026-12", CancellationToken.None));
        Assert.Equal(0, await ledger.SpentAsync("org", "2027-01", CancellationToken.None));
        Assert.False((await ledger.TryChargeAsync("org", "2026-12", 1, 100, CancellationToken.None)).Charged);
    }
}
