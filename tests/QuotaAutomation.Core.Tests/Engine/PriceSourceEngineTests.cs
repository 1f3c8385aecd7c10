using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Ports;
using static QuotaAutomation.Core.Tests.Fakes.TestRules;

namespace QuotaAutomation.Core.Tests.Engine;

/// <summary>Prices read each cycle (the Price List on AWS): the cycle costs its increase at them and its decision says where each came from.</summary>
public class PriceSourceEngineTests
{
    private sealed class Prices(CostModel model) : IPriceSource
    {
        public int Reads { get; private set; }

        public Task<CostModel> CostModelAsync(CancellationToken ct)
        {
            Reads++;
            return Task.FromResult(model);
        }
    }

    [Fact]
    public async Task EachCycle_CostsItsIncreaseAtThePricesRead_AndSaysTheirSource()
    {
        var listed = CostModel.SeedDefaults with
        {
            UsdPerUnitHour = new Dictionary<string, double>(CostModel.SeedDefaults.UsdPerUnitHour) { ["ec2"] = 0.05 },
            Provenance = new Dictionary<string, string> { ["ec2"] = "Price List us-east-1 2026-11-24", ["*"] = "estimated: the shipped table" },
        };
        var prices = new Prices(listed);
        var f = new EngineFixture();
        f.Account.Add("ec2", "L-1216C47A", 100, _ => 97);
        f.Stores.Rules.Add(Item("vcpus", "ec2", "L-1216C47A", "full_auto"));
        var engine = new Core.Engine.AutomationEngine(
            new(f.Stores, f.Account, f.Account, f.Stores, f.Account, f.Stores, f.Stores, f.Stores, f.Stores, f.Stores, f.Stores) { Prices = prices },
            new Core.Forecasting.TrendForecaster(), f.Time, f.Options);

        var filed = Assert.IsType<RequestIncrease>((await engine.RunCycleAsync(CancellationToken.None)).Rules.Single().Decision);

        Assert.Equal(100 * 0.05 * 720, filed.EstimatedMonthlyCost, 6);
        Assert.Contains("est. $3,600/month (Price List us-east-1 2026-11-24)", filed.Reason, StringComparison.Ordinal);
        Assert.Equal(1, prices.Reads);
    }

    [Fact]
    public void TheShippedTable_SaysNothingOfItsSource()
    {
        Assert.Equal("", CostModel.SeedDefaults.SourceNote(new Core.Quotas.QuotaKey("ec2", "L-1216C47A", "us-east-1")));
    }
}
