using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Core.Fleet.Costs;

namespace QuotaAutomation.Local.FleetSimulation;

/// <summary>What the day's cycles called, counted from the runs they replay: per cycle, and over the steady cycles by operation.</summary>
/// <param name="Occurrences">How often each work item (<see cref="FleetDay.Work"/>) is replayed in the steady cycles.</param>
public sealed record DayCount(IReadOnlyList<int> RunsPerCycle, IReadOnlyList<long> CallsPerCycle, IReadOnlyList<int> ChildrenPerCycle,
    IReadOnlyList<int> AssumeRolesPerCycle, IReadOnlyList<long> Occurrences, IReadOnlyList<DayCalls> Calls);

/// <summary>The cycles put through the cycle model: the first (unless over its cap), the busiest steady one, and every modelled one by index.</summary>
public sealed record DayModel(ModelledCycle First, ModelledCycle Busiest, IReadOnlyDictionary<int, FleetCycleResult> Cycles);

/// <summary>
/// Counts and models a <see cref="FleetDay"/>: each cycle's due shards go to the map in plan order, batched as the
/// ItemBatcher batches them; the first cycle (unless it makes more calls than its cap), the busiest steady cycle (most calls) and every k-th steady cycle (all
/// when the day's calls fit <c>budget</c>) go through <see cref="FleetCycleSimulator"/>.
/// </summary>
public sealed class FleetDayModel(FleetDay day, FleetCycleOptions options, int accounts, int seed)
{
    /// <summary>S3 requests of a cycle outside the shards, as <see cref="FleetCycleSimulator"/> makes them: the plan's shard list and ResultWriter's three objects; the ItemReader's and the summary's two reads.</summary>
    public const int S3PutsPerCycle = 4, S3GetsPerCycle = 3;

    private readonly IReadOnlyList<ShardWork> _work = [.. day.Work.Select(w => new ShardWork(w.Run.Calls, w.Run.Rules))];

    public DayCount Count(IProgress<(string Stage, int Done, int Total)>? progress)
    {
        const string Stage = "counting the fleet's cycles";
        var cycles = day.SteadyCycles + 1;
        var (runs, calls, children, roles) = (new int[cycles], new long[cycles], new int[cycles], new int[cycles]);
        var occurrences = new long[_work.Count];
        for (var c = 0; c < cycles; c++)
        {
            var due = day.DueIn(c);
            runs[c] = due.Count;
            children[c] = (due.Count + options.ItemsPerBatch - 1) / options.ItemsPerBatch;
            for (var first = 0; first < due.Count; first += options.ItemsPerBatch)
                roles[c] += due.Skip(first).Take(options.ItemsPerBatch).Select(d => day.Shard(d.Shard).AccountId).Distinct(StringComparer.Ordinal).Count();
            foreach (var (_, work) in due)
            {
                calls[c] += _work[work].Calls.Count;
                if (c > 0) occurrences[work]++;
            }
            progress?.Report((Stage, c + 1, cycles));
        }
        var byOperation = new Dictionary<(string, string), long>();
        for (var w = 0; w < _work.Count; w++)
            foreach (var call in _work[w].Calls)
                byOperation[(call.Call.Service, call.Call.Operation)] = byOperation.GetValueOrDefault((call.Call.Service, call.Call.Operation)) + occurrences[w];
        var steady = day.SteadyCycles;
        byOperation[(AwsServices.Sts, "AssumeRole")] = roles.Skip(1).Sum(r => (long)r);
        byOperation[(AwsServices.S3, "PutObject")] = (long)S3PutsPerCycle * steady;
        byOperation[(AwsServices.S3, "GetObject")] = (long)S3GetsPerCycle * steady;
        byOperation[(AwsServices.Organizations, "ListAccounts")] = (long)ListPages * steady;
        return new DayCount(runs, calls, children, roles, occurrences,
            [.. byOperation.Where(o => o.Value > 0).OrderBy(o => o.Key.Item1, StringComparer.Ordinal).ThenBy(o => o.Key.Item2, StringComparer.Ordinal)
                .Select(o => new DayCalls(o.Key.Item1, o.Key.Item2, o.Value))]);
    }

    private int ListPages => (accounts + options.AccountsPerListPage - 1) / options.AccountsPerListPage;

    public DayModel Model(DayCount count, long budget, long firstCycleCap, IProgress<(string Stage, int Done, int Total)>? progress)
    {
        ArgumentNullException.ThrowIfNull(count);
        var busiest = 0;
        for (var c = 1; c < count.CallsPerCycle.Count; c++)
            if (busiest == 0 || count.CallsPerCycle[c] > count.CallsPerCycle[busiest]) busiest = c;
        var steadyCalls = count.CallsPerCycle.Skip(1).Sum();
        var every = Math.Max(1, (int)Math.Ceiling(steadyCalls / (double)Math.Max(1, budget)));
        var chosen = new SortedSet<int> { busiest };
        if (count.CallsPerCycle[0] <= firstCycleCap) chosen.Add(0);
        for (var c = 1; c <= day.SteadyCycles; c += every) chosen.Add(c);

        const string Stage = "modelling cycles on the virtual clock";
        var results = new Dictionary<int, FleetCycleResult>();
        foreach (var c in chosen)
        {
            results[c] = ModelCycle(c);
            progress?.Report((Stage, results.Count, chosen.Count));
        }
        return new DayModel(new ModelledCycle(0, count.RunsPerCycle[0], count.CallsPerCycle[0], results.GetValueOrDefault(0)),
            new ModelledCycle(busiest, count.RunsPerCycle[busiest], count.CallsPerCycle[busiest], results[busiest]), results);
    }

    /// <summary>
    /// One cycle through the cycle model: its due shards in plan order, each replaying its work, with its shares of its
    /// account's rates and of the usage table as the plan gives them (<see cref="RateShares"/>, <see cref="TableShares"/>:
    /// a shard replaying a first run is a new one).
    /// </summary>
    public FleetCycleResult ModelCycle(int cycle)
    {
        var due = day.DueIn(cycle);
        var works = due.ToDictionary(d => day.Shard(d.Shard).ShardId, d => d.Work, StringComparer.Ordinal);
        var shared = TableShares.Assign(RateShares.AmongDue([.. due.Select(d => day.Shard(d.Shard))]), s => day.Work[works[s.ShardId]].Run.Cycle == 0);
        var shards = shared.Select(s => new SimulatedShard(s.ShardId, s.AccountId, s.Region, s.RateShare, works[s.ShardId], s.TableShare)).ToList();
        return new FleetCycleSimulator(shards, _work, options, seed + cycle).Run(accounts);
    }

    /// <summary>
    /// The steady cycles' billed quantities, by <see cref="BillItems"/> name: calls, request units and metrics counted
    /// from the runs; Lambda requests, child executions, transitions, AssumeRoles and S3 requests from each cycle's due
    /// shards; Lambda and Express GB-seconds from the modelled cycles, and for a cycle not modelled, its shard runs × the
    /// modelled steady cycles' GB-seconds per shard run.
    /// </summary>
    public IReadOnlyDictionary<string, double> PerDay(DayCount count, DayModel model)
    {
        ArgumentNullException.ThrowIfNull(count);
        ArgumentNullException.ThrowIfNull(model);
        var steady = Enumerable.Range(1, day.SteadyCycles).ToList();
        var modelledSteady = model.Cycles.Where(m => m.Key > 0).ToList();
        var modelledRuns = modelledSteady.Sum(m => (double)count.RunsPerCycle[m.Key]);
        double PerRun(Func<FleetCycleResult, double> of) => modelledRuns == 0 ? 0 : modelledSteady.Sum(m => of(m.Value)) / modelledRuns;
        var (lambdaPerRun, expressPerRun) = (PerRun(r => r.LambdaGbSeconds), PerRun(r => r.ExpressGbSeconds));
        double Gb(int c, Func<FleetCycleResult, double> of, double perRun) => model.Cycles.TryGetValue(c, out var r) ? of(r) : count.RunsPerCycle[c] * perRun;
        double Sum(Func<ApiCall, double> of) => Enumerable.Range(0, _work.Count).Sum(w => count.Occurrences[w] * _work[w].Calls.Sum(c => of(c.Call)));
        var children = steady.Sum(c => (double)count.ChildrenPerCycle[c]);
        return new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [BillItems.LambdaRequests] = children + 2.0 * steady.Count, // the children, the plan and the summary
            [BillItems.LambdaGbSeconds] = steady.Sum(c => Gb(c, r => r.LambdaGbSeconds, lambdaPerRun)),
            [BillItems.StepFunctionsStandardTransitions] = 4.0 * steady.Count + children, // start → plan → map → summary → end, one per child
            [BillItems.StepFunctionsExpressRequests] = children,
            [BillItems.StepFunctionsExpressGbSeconds] = steady.Sum(c => Gb(c, r => r.ExpressGbSeconds, expressPerRun)),
            [BillItems.DynamoDbReadRequestUnits] = Sum(c => c.ReadUnits),
            [BillItems.DynamoDbWriteRequestUnits] = Sum(c => c.WriteUnits),
            [BillItems.CloudWatchMetricsRequested] = Sum(c => c.Metrics),
            [BillItems.ServiceQuotasRequests] = Sum(c => c.Service == AwsServices.ServiceQuotas ? 1 : 0),
            [BillItems.StsRequests] = steady.Sum(c => (double)count.AssumeRolesPerCycle[c]),
            [BillItems.S3PutRequests] = (double)S3PutsPerCycle * steady.Count,
            [BillItems.S3GetRequests] = (double)S3GetsPerCycle * steady.Count,
            [BillItems.SnsPublishes] = Sum(c => c.Service == AwsServices.Sns ? 1 : 0),
        };
    }
}
