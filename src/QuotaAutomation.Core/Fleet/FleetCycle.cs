using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Fleet;

/// <summary>A fleet cycle's plan, with the stored rules the parser refused (no shard runs them, so the plan names them).</summary>
public sealed record FleetCyclePlan(FleetPlan Plan, Organization Organization, IReadOnlyList<RejectedRule> Rejected)
{
    /// <summary>The parsed rules' stored items by rule id: what a shard's schedule fingerprint hashes (<see cref="FleetSchedule.Fingerprint"/>).</summary>
    public IReadOnlyDictionary<string, RawRule> Rules { get; init; } = new Dictionary<string, RawRule>(StringComparer.Ordinal);
}

/// <summary>What one fleet cycle planned, what each shard did, and the summary of it all.</summary>
public sealed record FleetCycleResult(FleetPlan Plan, IReadOnlyList<ShardResult> Results, FleetSummary Summary, IReadOnlyList<RejectedRule> Rejected);

/// <summary>A stored rule the parser refused, by its name (<see cref="RuleParser.NameOf"/>) and the parser's message.</summary>
public sealed record RejectedRule(string RuleId, string Error);

/// <summary>
/// One fleet cycle as plan → shards → summary: read the organization and the rules, plan the (account, Region) shards,
/// run them with at most <c>parallelism</c> at a time, and summarise. The orchestration the Lambda's plan, shard and
/// summary steps perform across a Distributed Map, here in one process (the CLI's <c>run --fleet</c> on either
/// backend, <c>simulate fleet</c>). No I/O of its own: the organization, the rules and each shard's cycle come through
/// ports. A shard that throws is a failed shard, never a failed fleet: the others go on.
/// </summary>
public sealed class FleetCycle(IOrganization organization, IRuleStore rules, IShardRunner runner)
{
    public async Task<FleetCycleResult> RunAsync(string fleetRunId, FleetSettings settings, int parallelism, IProgress<ShardResult>? progress, CancellationToken ct) =>
        await RunAsync(await PlanAsync(fleetRunId, settings, ct), parallelism, progress, ct);

    /// <summary>Reads the organization and the rules once and plans the shards.</summary>
    public async Task<FleetCyclePlan> PlanAsync(string fleetRunId, FleetSettings settings, CancellationToken ct)
    {
        var org = await organization.ReadAsync(ct);
        var parsed = (await rules.LoadRulesAsync(ct)).Select(raw => (Raw: raw, Rule: RuleParser.Parse(raw))).ToList();
        var plan = FleetPlanner.Plan(fleetRunId, parsed.Where(p => p.Rule.Success).Select(p => p.Rule.Value).ToList(), org, settings);
        var byId = new Dictionary<string, RawRule>(StringComparer.Ordinal);
        foreach (var (raw, rule) in parsed.Where(p => p.Rule.Success)) byId[rule.Value.RuleId] = raw;
        return new FleetCyclePlan(plan, org,
            parsed.Where(p => !p.Rule.Success).Select(p => new RejectedRule(RuleParser.NameOf(p.Raw), p.Rule.Error!)).ToList()) // Error is set whenever Success is false
        {
            Rules = byId,
        };
    }

    /// <summary>Runs the plan's shards, at most <paramref name="parallelism"/> at a time, each result reported as it comes.</summary>
    public async Task<FleetCycleResult> RunAsync(FleetCyclePlan planned, int parallelism, IProgress<ShardResult>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(planned);
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        var shards = planned.Plan.Shards;
        var results = new ShardResult[shards.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, shards.Count), new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = ct },
            async (i, token) =>
            {
                results[i] = await RunShardAsync(shards[i], token);
                progress?.Report(results[i]);
            });
        return new FleetCycleResult(planned.Plan, results, FleetSummary.From(results, planned.Plan.Skipped), planned.Rejected);
    }

    private async Task<ShardResult> RunShardAsync(FleetShard shard, CancellationToken ct)
    {
        try
        {
            return await runner.RunAsync(shard, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return ShardResult.NotRun(shard, $"shard {shard.ShardId} failed: {e.Message}");
        }
    }
}
