using System.Text.Json;
using QuotaAutomation.Cli.Commands;
using QuotaAutomation.Core.Fleet.Costs;
using QuotaAutomation.Local.FleetSimulation;

namespace QuotaAutomation.Local.Tests.FleetSimulation;

/// <summary>
/// <c>simulate fleet</c> on a small fleet where every shard runs the real engine: each shard runs once, the modelled
/// cycle's counts are the executed shards' counts, the bill is the sum of its lines, and one seed gives one result.
/// </summary>
public sealed class FleetSimulationTests
{
    private static readonly FleetSimulationOptions Small = new() { Accounts = 2, Regions = 2, Quotas = 3, Services = 2, SamplesPerShape = 0, Seed = 7 };

    private static readonly PriceList Prices = SimulateFleetCommand.ReadPrices(null);

    /// <summary>One run serves the invariant tests: each runs the engine for every shard, seconds each.</summary>
    private static readonly Lazy<Task<FleetSimulationReport>> Once = new(() => Local.FleetSimulation.FleetSimulation.RunAsync(Small, Prices, null, CancellationToken.None));

    [Fact]
    public async Task SmallFleet_EveryShardRunsTheEngineOnce_AndIsModelledOnce()
    {
        var report = await Once.Value;

        Assert.Equal(4, report.Shards);
        Assert.Equal(4, report.ExecutedShards);
        Assert.Equal(["100000000000/us-east-1", "100000000000/us-east-2", "100000000001/us-east-1", "100000000001/us-east-2"],
            report.Executed.Select(p => p.ShardId).Order(StringComparer.Ordinal));
        Assert.All(report.Executed, p => Assert.Equal(3, p.Rules));
        Assert.Equal([1, 1, 1, 1], report.Cycle.RunsPerShard);
        Assert.Equal((4, 12), (report.Summary.Shards, report.Summary.Rules));
    }

    [Fact]
    public async Task SmallFleet_CallCountsAddUp_ToTheExecutedShardsCalls()
    {
        var report = await Once.Value;

        var executed = report.Executed.SelectMany(p => p.Calls).ToList();
        Assert.DoesNotContain(executed, c => c.Call.Service == AwsServices.Unmapped);
        foreach (var service in new[] { AwsServices.DynamoDb, AwsServices.ServiceQuotas, AwsServices.CloudWatch })
            Assert.Equal(executed.Count(c => c.Call.Service == service), report.Cycle.CallsOf(service));
        Assert.Equal(2, report.Cycle.CallsOf(AwsServices.Sts)); // one AssumeRole per account in each child: one child of 4 shards
        Assert.Equal(executed.Sum(c => c.Call.ReadUnits), report.Cycle.ReadUnits, 6);
        Assert.Equal(executed.Sum(c => c.Call.WriteUnits), report.Cycle.WriteUnits, 6);
        Assert.Equal(4 * 3, report.Cycle.MetricsRequested); // every quota read once by GetMetricData
        Assert.All(report.Cycle.Calls, c => Assert.Equal(c.Calls + c.Throttled - c.FailedAfterRetries, c.Attempts));
    }

    [Fact]
    public async Task SmallFleet_BillIsTheSumOfItsParts()
    {
        var report = await Once.Value;

        Assert.Equal(8640, report.Bill.CyclesPerMonth);
        Assert.All(report.Bill.Lines, l => Assert.Equal(report.PerCycle[l.Item] * 8640 * Prices.For(l.Item).UsdPerUnit, l.Usd, 9));
        Assert.Equal(report.Bill.Lines.Sum(l => l.Usd), report.Bill.TotalUsd, 9);
        Assert.Equal(report.Cycle.ChildExecutions + 2, report.PerCycle[BillItems.LambdaRequests]); // the children, the plan and the summary
        Assert.Equal(4 + report.Cycle.ChildExecutions, report.PerCycle[BillItems.StepFunctionsStandardTransitions]);
    }

    [Fact]
    public async Task SameSeed_SameResult_OtherSeed_OtherLatencies()
    {
        var first = await Once.Value;
        var second = await Local.FleetSimulation.FleetSimulation.RunAsync(Small, Prices, null, CancellationToken.None);
        var other = await Local.FleetSimulation.FleetSimulation.RunAsync(Small with { Seed = 8 }, Prices, null, CancellationToken.None);

        Assert.Equal(Modelled(first), Modelled(second));
        Assert.NotEqual(first.Cycle.Makespan, other.Cycle.Makespan);
    }

    /// <summary>Everything one seed fixes: the executed calls, the modelled cycle and the bill (not this machine's times).</summary>
    private static string Modelled(FleetSimulationReport report) => JsonSerializer.Serialize(new
    {
        Calls = report.Executed.Select(p => p.Calls.Select(c => c.Call.Name + "/" + c.Call.ReadUnits + "/" + c.Call.WriteUnits + "/" + string.Join(",", c.WaitsFor))),
        report.Cycle,
        report.PerCycle,
        report.Bill,
    });
}
