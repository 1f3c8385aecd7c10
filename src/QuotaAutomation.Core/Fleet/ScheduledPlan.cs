using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Fleet;

/// <summary>
/// A fleet cycle's plan cut to the shards that are due (<see cref="FleetSchedule.Due"/>), and every planned shard's
/// schedule entry (its fingerprint), which the summary merges the results into (<see cref="FleetSchedule.After"/>).
/// What the Lambda's plan step writes to S3 and the CLI's <c>run --fleet</c> runs: the same selection in both.
/// </summary>
/// <param name="Due">The plan with only the due shards, each with its share of its account's API rates among them (<see cref="RateShares"/>) and of the usage table (<see cref="TableShares"/>; skipped accounts and overlaps as planned).</param>
/// <param name="Planned">Every planned shard's entry, next due unknown: the summary's input.</param>
/// <param name="NewDeferred">New shards (never run) over the plan's admission cap: they wait for a later plan.</param>
public sealed record ScheduledPlan(FleetPlan Due, IReadOnlyList<ScheduledShard> Planned, int NewDeferred = 0)
{
    /// <summary>Planned shards the schedule let wait this cycle.</summary>
    public int NotDue => Planned.Count - Due.Shards.Count;

    /// <param name="rules">The stored rules by rule id, as the plan read them: their content is in each shard's fingerprint.</param>
    /// <param name="wakes">Shard id → quota ids events named (<see cref="Ports.IShardWakes.TakeAsync"/>).</param>
    /// <param name="cycle">How often fleet cycles run.</param>
    /// <param name="all">Run every known planned shard whatever the schedule says.</param>
    /// <param name="newShardsPerCycle">New shards (never run) this plan admits (<see cref="FleetSchedule.DefaultNewShardsPerCycle"/>).</param>
    public static ScheduledPlan Select(FleetPlan plan, IReadOnlyDictionary<string, RawRule> rules, FleetSchedule schedule,
        IReadOnlyDictionary<string, IReadOnlyList<string>> wakes, DateTimeOffset now, TimeSpan cycle, bool all, int newShardsPerCycle = FleetSchedule.DefaultNewShardsPerCycle)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(schedule);
        var planned = FleetSchedule.Planned(plan.Shards, rules);
        var due = TableShares.Assign(RateShares.AmongDue(schedule.Due(plan.Shards, planned, wakes, now, cycle, all, newShardsPerCycle)), s => !schedule.Shards.ContainsKey(s.ShardId));
        return new ScheduledPlan(plan with { Shards = due }, planned,
            schedule.NewDeferred(plan.Shards, newShardsPerCycle));
    }
}
