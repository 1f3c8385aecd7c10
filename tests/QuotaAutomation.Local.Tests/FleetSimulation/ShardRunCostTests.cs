using QuotaAutomation.Cli.Commands;
using QuotaAutomation.Local.FleetSimulation;

namespace QuotaAutomation.Local.Tests.FleetSimulation;

/// <summary>What <c>simulate fleet</c> counts of a shard run's reads that a batch shares (docs/fleet-run-cost.md).</summary>
public sealed class ShardRunCostTests
{
    [Fact]
    public async Task SmallFleet_RulesScan_IsCountedOnceABatchOfShards()
    {
        var options = new FleetSimulationOptions
        {
            Accounts = 1, Regions = 1, Quotas = 5, Services = 1, SamplesPerShape = 0, Hours = 2, Seed = 7,
            Usage = UsageMix.Uniform(0.65, 0.9), // every quota near its threshold: the shard runs every cycle (the organization profile's lone Region would run hourly)
            Cycle = new FleetCycleOptions { ItemsPerBatch = 5 },
        };

        var report = await Local.FleetSimulation.FleetSimulation.RunAsync(options, SimulateFleetCommand.ReadPrices(null), null, CancellationToken.None);

        var runs = report.Executed.Single().Runs;
        var scanned = runs.Select((run, i) => (run, i)).Where(x => x.run.Calls.Any(c => c.Call.Operation == "Scan")).Select(x => x.i);
        Assert.Equal(Enumerable.Range(0, runs.Count).Where(i => i % 5 == 0), scanned); // was every run
        Assert.True(runs.Count > 5, $"{runs.Count} runs: too few to show a second batch");
    }
}
