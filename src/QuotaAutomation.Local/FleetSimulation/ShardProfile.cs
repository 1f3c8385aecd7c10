using QuotaAutomation.Core.Fleet;

namespace QuotaAutomation.Local.FleetSimulation;

/// <summary>
/// What one executed shard run did in cycle <see cref="Cycle"/> of the simulated day (0: the first, backfilling cycle):
/// the AWS calls it would make on the AWS backend, in order, with what each waited for, and the engine's own outcome.
/// <see cref="WallTime"/> is this machine's time for the run on the embedded backend: measured, so it varies between
/// runs and is reported apart from the modelled figures.
/// </summary>
public sealed record ShardProfile(int Cycle, ShardResult Result, IReadOnlyList<RecordedCall> Calls, TimeSpan WallTime)
{
    public string ShardId => Result.ShardId;

    public int Rules => Result.Rules;

    /// <summary>The run's usage reads by cadence reason (<see cref="CountedUsageSource.TakeReasons"/>).</summary>
    public IReadOnlyList<ReasonReads> Reasons { get; init; } = [];

    /// <summary>The shape of a shard: which rules on which quotas it runs, Region and account aside.</summary>
    public static string ShapeOf(IEnumerable<string> ruleIds) => string.Join(",", ruleIds.Order(StringComparer.Ordinal));
}
