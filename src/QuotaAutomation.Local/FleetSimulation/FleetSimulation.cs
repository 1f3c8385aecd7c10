using System.Diagnostics;
using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Core.Fleet.Costs;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Local.FleetSimulation;

/// <summary>What to simulate: the fleet's size, how many shards run the engine, how long a day, and the cycle's settings.</summary>
public sealed record FleetSimulationOptions
{
    public int Accounts { get; init; } = 10;

    public int Regions { get; init; } = 17;

    public int Quotas { get; init; } = 50;

    /// <summary>Services the governed quotas come from (each service is one ListServiceQuotas listing per shard).</summary>
    public int Services { get; init; } = 10;

    public int Seed { get; init; } = 42;

    /// <summary>How the virtual fleet's usage is drawn per (account, Region, quota) (<see cref="VirtualFleet.Create"/>): a realistic organization by default.</summary>
    public UsageMix Usage { get; init; } = UsageMix.Organization;

    /// <summary>Shards of each stratum (same rules, home or other Region, quotas near a threshold) that run the real engine through the day; 0 runs every shard.</summary>
    public int SamplesPerShape { get; init; } = 2;

    /// <summary>Executed shards at once on this machine.</summary>
    public int Parallel { get; init; } = 2;

    /// <summary>Hours of 5-minute cycles after the first (backfilling) one: a whole number, so the phases wrap around it.</summary>
    public int Hours { get; init; } = 24;

    /// <summary>
    /// Calls the cycle model puts through the discrete-event simulation besides the first and the busiest cycle: when
    /// the day's steady cycles make more, every k-th cycle is modelled and the others' Lambda and Express GB-seconds are
    /// estimated from the modelled ones' per shard run.
    /// </summary>
    public long ModelledCallsBudget { get; init; } = 10_000_000;

    /// <summary>
    /// The most calls the first cycle is modelled with: every shard backfills 14 days in it, which with one usage item
    /// per quota and sample is about 8,000 BatchWriteItem calls a 50-quota shard (140 million at 1,000 accounts: hours on
    /// two shared cores). Past it the first cycle's calls are counted and its makespan is not modelled.
    /// </summary>
    public long FirstCycleCallsCap { get; init; } = 20_000_000;

    public FleetCycleOptions Cycle { get; init; } = new();

    /// <summary>New shards the plan admits a cycle (<c>QA_FLEET_NEW_SHARDS_PER_CYCLE</c>): the first run of the others waits for a later cycle.</summary>
    public int NewShardsPerCycle { get; init; } = FleetSchedule.DefaultNewShardsPerCycle;

    /// <summary>How often the schedule starts a fleet cycle (terraform's rate(5 minutes), the cadence's cycle).</summary>
    public static TimeSpan CycleEvery => ShardExecution.CycleInterval;

    public int SteadyCycles => (int)(TimeSpan.FromHours(Hours) / CycleEvery);
}

/// <summary>
/// A cycle of the day for the cycle model: its index (0: the first), the shards due, their calls, and what the model
/// found; null when it had more calls than the model is given (<see cref="FleetSimulationOptions.FirstCycleCallsCap"/>).
/// </summary>
public sealed record ModelledCycle(int Cycle, int DueShards, long Calls, FleetCycleResult? Result);

/// <summary>An operation's calls over the simulated day's steady cycles.</summary>
public sealed record DayCalls(string Service, string Operation, long Calls);

/// <summary>The simulated day and its bill, with what was executed and what was modelled.</summary>
public sealed record FleetSimulationReport(
    FleetSimulationOptions Options,
    int Shards,
    IReadOnlyList<FleetStratum> Strata,
    IReadOnlyList<ShardDay> Executed,
    IReadOnlyList<int> RunsPerCycle,
    ModelledCycle First,
    ModelledCycle Busiest,
    int ModelledCycles,
    IReadOnlyList<DayCalls> Calls,
    FleetSummary Summary,
    IReadOnlyDictionary<string, double> PerDay,
    FleetBill Bill,
    TimeSpan ExecutionTime,
    TimeSpan SimulationTime)
{
    /// <summary>Shard runs over the steady cycles (the first cycle, where every shard runs, aside).</summary>
    public long SteadyRuns => RunsPerCycle.Skip(1).Sum(r => (long)r);

    /// <summary>Cycles the fleet takes to admit every new shard (⌈shards ÷ new shards a cycle⌉); <see cref="First"/> is the busiest of them.</summary>
    public int OnboardingCycles { get; init; } = 1;

    /// <summary>Which onboarding cycle (0-based) <see cref="First"/> is.</summary>
    public int BusiestOnboarding { get; init; }

    /// <summary>The audit table's storage at steady state: beside the bill, not in it.</summary>
    public AuditStorage? AuditStorage { get; init; }

    /// <summary>The modelled steady cycles' Lambda invocations, their billed time by cause.</summary>
    public InvocationTime SteadyInvocationTime { get; init; } = InvocationTime.None;

    /// <summary>The executed samples' detailed reads (GetMetricData metrics) a steady run, over their quotas read: the share of quotas the cadence found hot.</summary>
    public double DetailedShare
    {
        get
        {
            var steady = Executed.SelectMany(d => d.Runs.Where(r => r.Cycle > 0)).ToList();
            var quotas = steady.Sum(r => (double)r.Rules);
            return quotas == 0 ? 0 : steady.Sum(r => r.Calls.Sum(c => (double)c.Call.Metrics)) / quotas;
        }
    }

    /// <summary>The steady cycles' usage reads by cadence reason: every shard run's, as it replays its sample's run.</summary>
    public IReadOnlyList<ReasonReads> ReadsByReason { get; init; } = [];

    /// <summary>This machine's mean time for one executed shard run: measured, so it varies between runs.</summary>
    public TimeSpan MeanRunWallTime
    {
        get
        {
            var runs = Executed.SelectMany(d => d.Runs).ToList();
            return runs.Count == 0 ? TimeSpan.Zero : TimeSpan.FromTicks((long)runs.Average(r => r.WallTime.Ticks));
        }
    }
}

/// <summary>
/// <c>simulate fleet</c>'s conductor: build the virtual fleet, plan its shards, run the real engine through a day of
/// cycles for a sample of shards of each stratum (or all; <see cref="StratifiedSample"/>), replay a sample of its own
/// stratum for every shard at its own phase
/// (<see cref="FleetDay"/>), model the first and the busiest cycles (and enough others for the Lambda time) on the
/// virtual clock, and price the day's steady cycles.
/// </summary>
public static class FleetSimulation
{
    /// <param name="progress">Stage name, done, total: for a progress bar.</param>
    public static async Task<FleetSimulationReport> RunAsync(FleetSimulationOptions options, PriceList prices, IProgress<(string Stage, int Done, int Total)>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(prices);
        if (options.Hours < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Hours, "at least one hour of cycles");
        var fleet = VirtualFleet.Create(options.Accounts, options.Regions, options.Quotas, options.Services, options.Seed, options.Usage);
        var plan = Plan(fleet, options.Seed);
        var shards = plan.Shards;

        // Which shards run the real engine: every shard, or a few of each stratum (its rules' shape, and how its usage was drawn).
        var shapes = shards.Select(s => ShardProfile.ShapeOf(s.RuleIds)).Distinct(StringComparer.Ordinal).ToList();
        var strata = shards.Select(s => (shapes.Count == 1 ? "" : $"shape {shapes.IndexOf(ShardProfile.ShapeOf(s.RuleIds)) + 1}, ") + fleet.StratumOf(s.AccountId, s.Region)).ToList();
        var sample = StratifiedSample.Draw([.. shards.Select(s => s.ShardId)], strata, Math.Max(0, options.SamplesPerShape), options.Seed);
        var executed = sample.Executed.Select(i => shards[i]).ToList();

        var steadyCycles = options.SteadyCycles;
        var map = new AwsCallMap(rulesInTable: fleet.Quotas.Count, cycleRecordsInReconcileWindow: (int)(2 * TimeSpan.FromDays(1) / FleetSimulationOptions.CycleEvery), VirtualFleet.ListPages,
            shardHistoryRows: true, // fleet shards on AWS keep one usage row per shard and time (DynamoShardHistory)
            reportValues: true); // and take applied values from the run's utilization report (AwsShardRunner)
        var scratch = Directory.CreateTempSubdirectory("quota-automation-fleet-").FullName;
        var days = new ShardDay[executed.Count];
        var clock = Stopwatch.StartNew();
        try
        {
            var (done, cyclesDone, allCycles) = (0, 0, executed.Count * (steadyCycles + 1));
            var stage = $"running {executed.Count} sample shard(s) on the engine through {options.Hours} h of cycles";
            progress?.Report((stage, 0, allCycles));
            await Parallel.ForEachAsync(Enumerable.Range(0, executed.Count), new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Parallel), CancellationToken = ct }, async (i, c) =>
            {
                days[i] = await ShardExecution.RunDayAsync(fleet, executed[i], map, steadyCycles, options.Cycle.ItemsPerBatch, scratch,
                    () => progress?.Report((stage, Interlocked.Increment(ref cyclesDone), allCycles)), c);
                Interlocked.Increment(ref done);
            });
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
        var executionTime = clock.Elapsed;

        clock.Restart();
        var day = new FleetDay(shards, days, sample.SampleOf, VirtualFleet.Start, FleetSimulationOptions.CycleEvery, options.NewShardsPerCycle); // each shard replays a day of its own stratum
        var model = new FleetDayModel(day, options.Cycle, options.Accounts, options.Seed);
        var counted = model.Count(progress);
        var modelled = model.Model(counted, options.ModelledCallsBudget, options.FirstCycleCallsCap, progress);
        var simulationTime = clock.Elapsed;

        var busiest = modelled.Busiest;
        var summary = FleetSummary.From(day.DueIn(busiest.Cycle).Select(d =>
        {
            var shard = day.Shard(d.Shard);
            return day.Work[d.Work].Run.Result with { ShardId = shard.ShardId, AccountId = shard.AccountId, Region = shard.Region };
        }), plan.Skipped);
        var perDay = model.PerDay(counted, modelled);
        return new FleetSimulationReport(options, shards.Count, sample.Strata, days, counted.RunsPerCycle, modelled.First, busiest, modelled.Cycles.Count,
            counted.Calls, summary, perDay, FleetBill.Compute(perDay, TimeSpan.FromHours(options.Hours), prices, FleetBill.AverageMonth), executionTime, simulationTime)
        {
            OnboardingCycles = day.OnboardingCycles, BusiestOnboarding = day.BusiestOnboarding,
            AuditStorage = AuditStorage.Of(day, counted, options.Hours, prices),
            ReadsByReason = ReasonReads.Sum(day.Work.Select((w, i) => (w.Run.Reasons, counted.Occurrences[i]))),
            SteadyInvocationTime = InvocationTime.Sum(modelled.Cycles.Where(c => c.Key > 0).Select(c => c.Value.InvocationTime)),
        };
    }

    /// <summary>The fleet's plan by the fleet's planner: its rules over the virtual organization and the fleet's Regions.</summary>
    private static FleetPlan Plan(VirtualFleet fleet, int seed)
    {
        var rules = fleet.Rules().Select(r => RuleParser.Parse(new RawRule($"virtual fleet rule '{r.RuleId}'", r.Item))).ToList();
        if (rules.FirstOrDefault(r => !r.Success) is { } bad) throw new InvalidDataException($"a virtual fleet rule is invalid: {bad.Error}");
        return FleetPlanner.Plan($"simulated-{seed}", [.. rules.Select(r => r.Value)], fleet.Organization(),
            new FleetSettings(fleet.Regions, fleet.HubAccountId, fleet.Regions[0]));
    }
}
