namespace QuotaAutomation.Local.FleetSimulation;

/// <summary>One shard of the simulated cycle: who it governs, its shares of the account's API rate and of the usage table, and which executed profile it replays.</summary>
public sealed record SimulatedShard(string ShardId, string AccountId, string Region, double RateShare, int Profile, double TableShare = 1);

/// <summary>The work of one executed shard profile: its AWS calls and its rules (for the engine's own compute time).</summary>
public sealed record ShardWork(IReadOnlyList<RecordedCall> Calls, int Rules);

/// <summary>One API operation's figures in a cycle: calls made, attempts (with retries), throttled attempts, calls that failed after every retry.</summary>
public sealed record CallStats(string Service, string Operation, long Calls, long Attempts, long Throttled, long FailedAfterRetries);

/// <summary>
/// One fleet cycle on the virtual clock: how long it took, what it called, and what it used of each billed thing.
/// <see cref="RunsPerShard"/> counts the runs of each shard (one each when the map is right).
/// </summary>
public sealed record FleetCycleResult(
    TimeSpan Makespan,
    TimeSpan PlanDuration,
    TimeSpan MapDuration,
    TimeSpan SummaryDuration,
    int ChildExecutions,
    IReadOnlyList<CallStats> Calls,
    IReadOnlyList<int> RunsPerShard,
    int LambdaInvocations,
    int ColdStarts,
    int LambdaWaits,
    int LambdaTimeouts,
    int PeakLambdaConcurrency,
    int PeakChildren,
    double LambdaGbSeconds,
    double ExpressGbSeconds,
    long StandardTransitions,
    double ReadUnits,
    double WriteUnits,
    long MetricsRequested,
    long S3Puts,
    long S3Gets)
{
    /// <summary>The cycle's Lambda invocations' billed time by cause (<see cref="FleetSimulation.InvocationTime"/>).</summary>
    public InvocationTime InvocationTime { get; init; } = InvocationTime.None;

    public long Throttled => Calls.Sum(c => c.Throttled);

    public long FailedAfterRetries => Calls.Sum(c => c.FailedAfterRetries);

    public long CallsOf(string service) => Calls.Where(c => c.Service == service).Sum(c => c.Calls);
}
