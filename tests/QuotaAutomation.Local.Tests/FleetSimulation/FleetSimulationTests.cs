using System.Text.Json;
using QuotaAutomation.Cli.Commands;
using QuotaAutomation.Core.Fleet.Costs;
using QuotaAutomation.Local.FleetSimulation;

namespace QuotaAutomation.Local.Tests.FleetSimulation;

/// <summary>
/// <c>simulate fleet</c> on a small fleet where every shard runs the real engine through two hours of cycles: the
/// day's runs are the schedule's, the bill's lines are the counted quantities × the prices, and one seed gives one result.
/// </summary>
public sealed class FleetSimulationTests
{
    /// <summary>The uniform stress profile: every shard busy, so some shard is due in every cycle and the accounting below has work each cycle.</summary>
    private static readonly FleetSimulationOptions Small = new() { Accounts = 3, Regions = 2, Quotas = 10, Services = 3, SamplesPerShape = 0, Hours = 2, Seed = 7, Usage = UsageMix.Uniform(0.2, 0.8) };

    private static readonly PriceList Prices = SimulateFleetCommand.ReadPrices(null);

    /// <summary>One run serves the invariant tests: it runs the engine for every shard through the day, seconds each.</summary>
    private static readonly Lazy<Task<FleetSimulationReport>> Once = new(() => Local.FleetSimulation.FleetSimulation.RunAsync(Small, Prices, null, CancellationToken.None));

    [Fact]
    public async Task SmallFleet_EveryShardRunsItsDay_InTheCyclesItsScheduleMadeDue()
    {
        var report = await Once.Value;

        Assert.Equal((6, 6), (report.Shards, report.Executed.Count));
        Assert.Equal(25, report.RunsPerCycle.Count); // the first cycle and 2 h of 5-minute cycles
        foreach (var day in report.Executed)
        {
            var due = new List<int> { 0 };
            for (var c = 1; c <= 24; c++)
                if (ShardDayLoop.Due(day.Runs.Last(r => r.Cycle < c).Result.NextDue, VirtualFleet.Start + c * FleetSimulationOptions.CycleEvery)) due.Add(c);
            Assert.Equal(due, day.Runs.Select(r => r.Cycle));
            Assert.All(day.Runs, r => Assert.Equal(10, r.Rules));
        }
        for (var c = 0; c < 25; c++)
            Assert.Equal(report.Executed.Count(d => d.RunIn(c) is not null), report.RunsPerCycle[c]);
        Assert.Equal(6, report.First.DueShards);
        Assert.Equal(report.RunsPerCycle.Skip(1).Sum(), report.SteadyRuns);
    }

    [Fact]
    public async Task SmallFleet_FirstCycleBackfillsInDetail_EveryRunTakesValuesFromItsReport_SteadyCyclesTheCalmUsageToo()
    {
        var report = await Once.Value;

        var first = report.Executed.SelectMany(d => d.Runs.Where(r => r.Cycle == 0).SelectMany(r => r.Calls)).ToList();
        var steady = report.Executed.SelectMany(d => d.Runs.Where(r => r.Cycle > 0).SelectMany(r => r.Calls)).ToList();
        Assert.Equal(6 * 10 * 2, first.Sum(c => c.Call.Metrics)); // every quota backfills by GetMetricData: its hourly and its 5-minute part
        Assert.Equal(6 * 2, first.Count(c => c.Call.Operation == "GetMetricData")); // one call for each part, per shard
        // A shard's backfill stores 311 hourly rows and 300 five-minute rows (not 4,033): 25 BatchWriteItems of 25, not 162.
        Assert.Equal(6 * 25, first.Count(c => c.Call is { Operation: "BatchWriteItem", Table: "usage" }));
        Assert.Equal(6 * 10, first.Count(c => c.Call.Operation == "GetServiceQuota")); // each metric resolved at the shard's first run (a cold container)
        Assert.Equal(6, first.Count(c => c.Call.Operation == "StartQuotaUtilizationReport")); // one report a run: the applied values
        Assert.Equal(report.Executed.Sum(d => d.Runs.Count(r => r.Cycle > 0)), steady.Count(c => c.Call.Operation == "StartQuotaUtilizationReport"));
        Assert.DoesNotContain(first.Concat(steady), c => c.Call.Operation == "ListServiceQuotas"); // the report covers every virtual quota
        Assert.DoesNotContain(steady, c => c.Call.Operation == "GetServiceQuota");
        Assert.InRange(steady.Sum(c => c.Call.Metrics), 0, steady.Count(c => c.Call.Operation == "StartQuotaUtilizationReport") * 10 - 1);
        Assert.DoesNotContain(first.Concat(steady), c => c.Call.Service == AwsServices.Unmapped);
    }

    [Fact]
    public async Task SmallFleet_BillLinesAreTheCountedQuantitiesTimesThePrices()
    {
        var report = await Once.Value;

        var steady = report.Executed.SelectMany(d => d.Runs.Where(r => r.Cycle > 0).SelectMany(r => r.Calls)).Select(c => c.Call).ToList();
        Assert.Equal(steady.Sum(c => c.ReadUnits), report.PerDay[BillItems.DynamoDbReadRequestUnits], 6);
        Assert.Equal(steady.Sum(c => c.WriteUnits), report.PerDay[BillItems.DynamoDbWriteRequestUnits], 6);
        Assert.Equal(steady.Sum(c => c.Metrics), report.PerDay[BillItems.CloudWatchMetricsRequested]);
        Assert.Equal(steady.Count(c => c.Service == AwsServices.ServiceQuotas), report.PerDay[BillItems.ServiceQuotasRequests]);
        Assert.Equal(steady.Count(c => c.Service == AwsServices.ServiceQuotas), report.Calls.Where(c => c.Service == AwsServices.ServiceQuotas).Sum(c => c.Calls));
        // One child execution a cycle (6 shards, 10 a batch): its invocation, the plan's and the summary's.
        Assert.Equal(24 * 3, report.PerDay[BillItems.LambdaRequests]);
        Assert.Equal(24 * (4 + 1), report.PerDay[BillItems.StepFunctionsStandardTransitions]);
        Assert.Equal(24 * 3, report.PerDay[BillItems.StsRequests]); // one AssumeRole per account in the child
        Assert.Equal(25, report.ModelledCycles); // a small day: every cycle on the virtual clock
        Assert.Equal(FleetBill.AverageMonth / TimeSpan.FromHours(2), report.Bill.CyclesPerMonth, 9);
        Assert.All(report.Bill.Lines, l => Assert.Equal(report.PerDay[l.Item] * report.Bill.CyclesPerMonth * Prices.For(l.Item).UsdPerUnit, l.Usd, 9));
        Assert.Equal(report.Bill.Lines.Sum(l => l.Usd), report.Bill.TotalUsd, 9);
    }

    [Fact]
    public async Task SmallFleet_ReadsByReason_AreEveryQuotaOfEverySteadyRun_AndAddUpToTheDaysMetrics()
    {
        var report = await Once.Value;

        var steady = report.Executed.SelectMany(d => d.Runs.Where(r => r.Cycle > 0)).ToList();
        Assert.Equal(report.SteadyRuns * 10, report.ReadsByReason.Sum(r => r.Quotas)); // every shard replays its own day here
        Assert.Equal(report.PerDay[BillItems.CloudWatchMetricsRequested], report.ReadsByReason.Sum(r => r.Metrics));
        Assert.Equal(steady.Sum(r => r.Calls.Sum(c => c.Call.Metrics)), report.ReadsByReason.Sum(r => r.Metrics));
        Assert.DoesNotContain(report.ReadsByReason, r => r.Reason is ReasonReads.NoCadence or ReasonReads.NotInReport); // the report lists every virtual quota
    }

    [Fact]
    public async Task SameSeed_SameResult_OtherSeed_OtherLatencies()
    {
        var tiny = new FleetSimulationOptions { Accounts = 2, Regions = 1, Quotas = 3, Services = 2, SamplesPerShape = 1, Hours = 1, Seed = 7 };

        var first = await Local.FleetSimulation.FleetSimulation.RunAsync(tiny, Prices, null, CancellationToken.None);
        var second = await Local.FleetSimulation.FleetSimulation.RunAsync(tiny, Prices, null, CancellationToken.None);
        var other = await Local.FleetSimulation.FleetSimulation.RunAsync(tiny with { Seed = 8 }, Prices, null, CancellationToken.None);

        Assert.Equal(Modelled(first), Modelled(second));
        Assert.NotEqual(first.Busiest.Result!.Makespan, other.Busiest.Result!.Makespan);
    }

    [Fact]
    public async Task FirstCycleOverItsCap_IsCountedNotModelled_TheBusiestStillIs()
    {
        var tiny = new FleetSimulationOptions { Accounts = 2, Regions = 1, Quotas = 3, Services = 2, SamplesPerShape = 1, Hours = 1, Seed = 7, FirstCycleCallsCap = 10 };

        var report = await Local.FleetSimulation.FleetSimulation.RunAsync(tiny, Prices, null, CancellationToken.None);

        Assert.Null(report.First.Result);
        Assert.Equal((2, report.Executed[0].Runs[0].Calls.Count * 2L), (report.First.DueShards, report.First.Calls));
        Assert.NotNull(report.Busiest.Result);
        Assert.Equal(12, report.ModelledCycles); // the steady cycles only
    }

    [Fact]
    public async Task Organization_EveryShardReplaysASampleOfItsOwnStratum()
    {
        var options = new FleetSimulationOptions { Accounts = 6, Regions = 3, Quotas = 10, Services = 3, SamplesPerShape = 1, Hours = 1, Seed = 7 };
        var fleet = VirtualFleet.Create(6, 3, 10, 3, 7);

        var report = await Local.FleetSimulation.FleetSimulation.RunAsync(options, Prices, null, CancellationToken.None);

        Assert.Equal(18, report.Strata.Sum(s => s.Shards));
        Assert.Equal(report.Strata.Count, report.Executed.Count); // one sample a stratum
        Assert.Contains(report.Strata, s => s.Name == "other Region, 0 near");
        var sampled = report.Executed.Select(d => fleet.StratumOf(d.Shard.AccountId, d.Shard.Region)).ToList();
        Assert.Equal(report.Strata.Select(s => s.Name), sampled); // each stratum's sample is of that stratum
        Assert.Equal(report.Strata.Select(s => s.Name).Order(StringComparer.Ordinal), fleet.AccountIds.SelectMany(a => fleet.Regions.Select(r => fleet.StratumOf(a, r))).Distinct().Order(StringComparer.Ordinal));
    }

    /// <summary>Everything one seed fixes: the executed calls, the modelled cycles and the bill (not this machine's times).</summary>
    private static string Modelled(FleetSimulationReport report) => JsonSerializer.Serialize(new
    {
        Calls = report.Executed.Select(d => d.Runs.Select(r => r.Cycle + ":" + string.Join(";", r.Calls.Select(c => c.Call.Name + "/" + c.Call.ReadUnits + "/" + c.Call.WriteUnits + "/" + string.Join(",", c.WaitsFor))))),
        report.RunsPerCycle,
        First = report.First.Result,
        Busiest = report.Busiest.Result,
        report.PerDay,
        report.Bill,
    });
}
