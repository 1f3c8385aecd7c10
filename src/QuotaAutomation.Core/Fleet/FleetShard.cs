namespace QuotaAutomation.Core.Fleet;

/// <summary>
/// One (account, Region) cycle of a fleet run: the rules the plan resolved for it (the most specific per quota).
/// </summary>
/// <param name="ShardId"><c>{AccountId}/{Region}</c>.</param>
/// <param name="RateShare">The share (0–1] of the account's API rates this shard may use: shards of one account split them.</param>
/// <param name="Parity">Rules that run here as a failover standby; empty when none.</param>
/// <param name="Woken">
/// Quotas (<c>{service}/{quota code}</c>) an event from the account named since the shard last ran (an AWS Health
/// threshold notification, a quota event): read in detail this cycle whatever the cadence says. Null or empty: none.
/// </param>
/// <param name="TableShare">
/// The share (0–1] of the hub's usage table's read and write units a second this shard may use (<see cref="TableShares"/>):
/// the shards of a cycle split the table's throughput. 1 (the whole table) for a shard no plan shared out.
/// </param>
public sealed record FleetShard(string FleetRunId, string ShardId, string AccountId, string Region, IReadOnlyList<string> RuleIds, double RateShare,
    IReadOnlyList<ParityLink>? Parity = null, IReadOnlyList<string>? Woken = null, double TableShare = 1)
{
    /// <summary>
    /// The account's root and OU ids from the root down, as the hub read them from Organizations when it planned the
    /// run: policies scoped to OUs are placed with them (<see cref="Governance.AccountPlace"/>). Null: not known (a
    /// line written before plans carried them), and OU-scoped policies then restrict and never permit.
    /// </summary>
    public IReadOnlyList<string>? Parents { get; init; }

    public static string IdOf(string accountId, string region) => $"{accountId}/{region}";
}
