using QuotaAutomation.Aws.Dynamo;
using QuotaAutomation.Aws.Tests.Fakes;

namespace QuotaAutomation.Aws.Tests;

/// <summary>
/// Monthly budgets in moto's DynamoDB state table: concurrent charges (as a fleet's shards make them) never spend past
/// the limit between them, because each is one conditional ADD on one item. DynamoDB applies each write whole; moto
/// 5.2.1 does not (its UpdateItem has no lock: 11 of 12 charges landed against a $95 limit when sent at once), so the
/// requests reach moto one at a time (<see cref="OneAtATime"/>), as AccountRequestBudgetOnMotoTests sends them.
/// </summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class BudgetLedgerOnMotoTests(MotoServer moto)
{
    [Fact]
    public async Task ConcurrentCharges_NeverSpendPastTheLimit_RefundsGiveBack_AndApprovedChargesAlwaysLand()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = new AwsBackend(moto.Options(new OneAtATime(new SocketsHttpHandler())), new Adapters.AwsBackendOptions());
        var ledger = new DynamoBudgetLedger(backend.Dynamo, backend.Options.StateTable, world.Time);

        var charges = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => ledger.TryChargeAsync("ou-ab12-sandbox1", "2026-12", 10, 95, CancellationToken.None)));
        await ledger.RefundAsync("ou-ab12-sandbox1", "2026-12", 10, CancellationToken.None);
        var approved = await ledger.TryChargeAsync("ou-ab12-sandbox1", "2026-12", 500, null, CancellationToken.None);
        var alone = await ledger.TryChargeAsync("tiny", "2026-12", 50, 40, CancellationToken.None);

        Assert.Equal(9, charges.Count(c => c.Charged));
        Assert.All(charges.Where(c => !c.Charged), c => Assert.Equal(90, c.SpentBefore));
        Assert.True(approved.Charged);
        Assert.Equal(80, approved.SpentBefore);
        Assert.Equal(580, await ledger.SpentAsync("ou-ab12-sandbox1", "2026-12", CancellationToken.None));
        Assert.Equal((false, 0d), (alone.Charged, alone.SpentBefore));
        Assert.Equal(0, await ledger.SpentAsync("ou-ab12-sandbox1", "2027-01", CancellationToken.None));
    }
}
