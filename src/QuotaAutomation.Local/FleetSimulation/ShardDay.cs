using QuotaAutomation.Core.Fleet;

namespace QuotaAutomation.Local.FleetSimulation;

/// <summary>
/// One executed shard's simulated day: its first cycle (0) and then <see cref="SteadyCycles"/> cycles, of which it ran
/// in those its schedule made due (<see cref="Runs"/>, in cycle order).
/// </summary>
public sealed record ShardDay(FleetShard Shard, int SteadyCycles, IReadOnlyList<ShardProfile> Runs)
{
    /// <summary>The run in <paramref name="cycle"/>, or null when the shard was not due then.</summary>
    public ShardProfile? RunIn(int cycle) => _byCycle.Value.GetValueOrDefault(cycle);

    private readonly Lazy<Dictionary<int, ShardProfile>> _byCycle = new(() => Runs.ToDictionary(r => r.Cycle));
}
