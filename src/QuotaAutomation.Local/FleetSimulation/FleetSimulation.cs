using System.Diagnostics;
using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Core.Fleet.Costs;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Local.FleetSimulation;

/// <summary>What to simulate: the fleet's size, how shards are executed and modelled, and the cycle's settings.</summary>
public sealed record FleetSimulationOptions
{
    public int Accounts { get; init; } = 10;

    public int Regions { get; init; } = 17;

    public int Quotas { get; init; } = 50;

    /// <summary>Services the governed quotas come from (each service is one ListServiceQuotas listing per shard).</summary>
    public int Services { get; init; } = 10;

    public int Seed { get; init; } = 42;

    /// <summary>Shards of each shape run on the real engine; 0 runs every shard.</summary>
    public int SamplesPerShape { get; init; } = 3;

    /// <summary>Executed shards at once on this machine.</summary>
    public int Parallel { get; init; } = 2;

    /// <summary>Whether the counted cycle finds its usage window cached (the same container ran the shard last cycle).</summary>
    public bool WarmHistory { get; init; }

    public UsageMode Usage { get; init; } = UsageMode.Metrics;

    /// <summary>Share of the quotas read by GetMetricData each cycle (adaptive cadence); 1 reads every quota every cycle.</summary>
    public double CadenceShare { get; init; } = 1;

    /// <summary>How often the schedule starts a fleet cycle (terraform's rate(5 minutes)).</summary>
    public TimeSpan CycleEvery { get; init; } = TimeSpan.FromMinutes(5);

    public FleetCycleOptions Cycle { get; init; } = new();
}

/// <summary>The simulated fleet cycle and its bill, with what was executed and what was modelled.</summary>
public sealed record FleetSimulationReport(
    FleetSimulationOptions Options,
    int Shards,
    int Shapes,
    int ExecutedShards,
    IReadOnlyList<ShardProfile> Executed,
    FleetCycleResult Cycle,
    FleetSummary Summary,
    IReadOnlyDictionary<string, double> PerCycle,
    FleetBill Bill,
    TimeSpan ExecutionTime,
    TimeSpan SimulationTime)
{
    /// <summary>This machine's mean time for one executed shard's counted cycle: measured, so it varies between runs.</summary>
    public TimeSpan MeanShardWallTime => Executed.Count == 0 ? TimeSpan.Zero : TimeSpan.FromTicks((long)Executed.Average(p => p.WallTime.Ticks));
}

/// <summary>
/// <c>simulate fleet</c>'s conductor: build the virtual fleet, plan its shards, run the real engine for a sample of
/// shards of each shape (or all), model the cycle on the virtual clock, and price it.
/// </summary>
public static class FleetSimulation
{
    /// <param name="progress">Stage name, done, total: for a progress bar.</param>
    public static async Task<FleetSimulationReport> RunAsync(FleetSimulationOptions options, PriceList prices, IProgress<(string Stage, int Done, int Total)>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(prices);
        var fleet = VirtualFleet.Create(options.Accounts, options.Regions, options.Quotas, options.Services, options.Seed);
        var plan = Plan(fleet, options.Seed);
        var shards = plan.Shards;
        var shapes = shards.GroupBy(s => ShardProfile.ShapeOf(s.RuleIds), StringComparer.Ordinal).ToList();

        // Which shards run the real engine: every shard, or a few spread over each shape.
        var executed = new List<(int Shape, FleetShard Shard)>();
        for (var s = 0; s < shapes.Count; s++)
        {
            var members = shapes[s].ToList();
            var take = options.SamplesPerShape <= 0 ? members.Count : Math.Min(options.SamplesPerShape, members.Count);
            for (var k = 0; k < take; k++) executed.Add((s, members[(int)((long)k * members.Count / take)]));
        }

        var map = new AwsCallMap(rulesInTable: fleet.Quotas.Count, cycleRecordsInReconcileWindow: (int)(2 * TimeSpan.FromDays(1) / options.CycleEvery), VirtualFleet.ListPages);
        var scratch = Directory.CreateTempSubdirectory("quota-automation-fleet-").FullName;
        var profiles = new ShardProfile[executed.Count];
        var clock = Stopwatch.StartNew();
        try
        {
            var done = 0;
            progress?.Report(("executing shards on the engine", 0, executed.Count));
            await Parallel.ForEachAsync(Enumerable.Range(0, executed.Count), new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Parallel), CancellationToken = ct }, async (i, c) =>
            {
                var shard = executed[i].Shard;
                profiles[i] = await ShardExecution.RunAsync(fleet, shard, map, options.WarmHistory, scratch, c);
                progress?.Report(("executing shards on the engine", Interlocked.Increment(ref done), executed.Count));
            });
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
        var executionTime = clock.Elapsed;

        // Each shard replays an executed profile of its shape: its own when it ran, else the samples in turn.
        var work = profiles.Select(p => new ShardWork(UsageReading.Apply(p.Calls, options.Usage, options.CadenceShare), p.Rules)).ToList();
        var ownProfile = executed.Select((e, i) => (e.Shard.ShardId, i)).ToDictionary(x => x.ShardId, x => x.i, StringComparer.Ordinal);
        var shapeOf = shapes.SelectMany((g, s) => g.Select(shard => (shard.ShardId, s))).ToDictionary(x => x.ShardId, x => x.s, StringComparer.Ordinal);
        var samplesOf = Enumerable.Range(0, shapes.Count).Select(s => executed.Select((e, i) => (e, i)).Where(x => x.e.Shape == s).Select(x => x.i).ToList()).ToList();
        var turn = new int[shapes.Count];
        var assigned = shards.Select(shard =>
        {
            var shape = shapeOf[shard.ShardId];
            var profile = ownProfile.TryGetValue(shard.ShardId, out var own) ? own : samplesOf[shape][turn[shape]++ % samplesOf[shape].Count];
            return new SimulatedShard(shard.ShardId, shard.AccountId, shard.Region, shard.RateShare, profile);
        }).ToList();

        // The summary step's code over every shard's result: an executed shard's own, a modelled one's sample's.
        var summary = FleetSummary.From(assigned.Select(a => profiles[a.Profile].Result with { ShardId = a.ShardId, AccountId = a.AccountId, Region = a.Region }), plan.Skipped);

        progress?.Report(("modelling the cycle", 0, 1));
        clock.Restart();
        var cycle = new FleetCycleSimulator(assigned, work, options.Cycle, options.Seed).Run(options.Accounts);
        var simulationTime = clock.Elapsed;
        progress?.Report(("modelling the cycle", 1, 1));

        var perCycle = PerCycle(cycle);
        return new FleetSimulationReport(options, shards.Count, shapes.Count, executed.Count, profiles, cycle, summary, perCycle,
            FleetBill.Compute(perCycle, options.CycleEvery, prices), executionTime, simulationTime);
    }

    /// <summary>The fleet's plan by the fleet's planner: its rules over the virtual organization and the fleet's Regions.</summary>
    private static FleetPlan Plan(VirtualFleet fleet, int seed)
    {
        var rules = fleet.Rules().Select(r => RuleParser.Parse(new RawRule($"virtual fleet rule '{r.RuleId}'", r.Item))).ToList();
        if (rules.FirstOrDefault(r => !r.Success) is { } bad) throw new InvalidDataException($"a virtual fleet rule is invalid: {bad.Error}");
        return FleetPlanner.Plan($"simulated-{seed}", [.. rules.Select(r => r.Value)], fleet.Organization(),
            new FleetSettings(fleet.Regions, fleet.HubAccountId, fleet.Regions[0]));
    }

    /// <summary>A cycle's billed quantities, by <see cref="BillItems"/> name.</summary>
    public static IReadOnlyDictionary<string, double> PerCycle(FleetCycleResult cycle)
    {
        ArgumentNullException.ThrowIfNull(cycle);
        return new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [BillItems.LambdaRequests] = cycle.LambdaInvocations,
            [BillItems.LambdaGbSeconds] = cycle.LambdaGbSeconds,
            [BillItems.StepFunctionsStandardTransitions] = cycle.StandardTransitions,
            [BillItems.StepFunctionsExpressRequests] = cycle.ChildExecutions,
            [BillItems.StepFunctionsExpressGbSeconds] = cycle.ExpressGbSeconds,
            [BillItems.DynamoDbReadRequestUnits] = cycle.ReadUnits,
            [BillItems.DynamoDbWriteRequestUnits] = cycle.WriteUnits,
            [BillItems.CloudWatchMetricsRequested] = cycle.MetricsRequested,
            [BillItems.ServiceQuotasRequests] = cycle.CallsOf(AwsServices.ServiceQuotas),
            [BillItems.StsRequests] = cycle.CallsOf(AwsServices.Sts),
            [BillItems.S3PutRequests] = cycle.S3Puts,
            [BillItems.S3GetRequests] = cycle.S3Gets,
            [BillItems.SnsPublishes] = cycle.CallsOf(AwsServices.Sns),
        };
    }
}
