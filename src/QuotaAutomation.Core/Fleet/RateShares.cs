namespace QuotaAutomation.Core.Fleet;

/// <summary>
/// Each due shard's share of its account's API rates (<see cref="FleetShard.RateShare"/>): the account's rate divided
/// among its shards that run this cycle, not among every shard planned for it. A shard not due does not run, so
/// its share was idle: with 17 Regions planned and 3 due, each due shard paced itself at 1/17 of the account's rate
/// and waited about 3.4 s between two calls at the default 5 a second (docs/fleet-waits.md). The shares of an account's
/// due shards still add up to 1, so they stay within the account's rate between them whenever they run. Pure.
/// </summary>
public static class RateShares
{
    /// <param name="due">The shards a cycle runs.</param>
    public static IReadOnlyList<FleetShard> AmongDue(IReadOnlyList<FleetShard> due)
    {
        ArgumentNullException.ThrowIfNull(due);
        var perAccount = due.GroupBy(s => s.AccountId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return [.. due.Select(s => s with { RateShare = 1.0 / perAccount[s.AccountId] })];
    }
}
