namespace QuotaAutomation.Core.Ports;

/// <summary>
/// Shards an event asked to run before their schedule: an AWS Health threshold notification or a quota event from a
/// member account names an (account, Region) and its quotas; the next fleet plan runs that shard with those quotas
/// read in detail (<see cref="Fleet.FleetShard.Woken"/>). DynamoDB on AWS (the state table), SQLite on the embedded backend.
/// </summary>
public interface IShardWakes
{
    /// <summary>Records that <paramref name="quotaIds"/> (<c>{service}/{quota code}</c>) of the shard should be read now; adds to any wake not yet taken.</summary>
    Task WakeAsync(string accountId, string region, IReadOnlyList<string> quotaIds, CancellationToken ct);

    /// <summary>Every pending wake by shard id (<c>{account}/{Region}</c>), removed as it is returned: a wake runs one cycle.</summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> TakeAsync(CancellationToken ct);
}

/// <summary>No wakes: shards run on their schedule only (tests, a fleet without an event rule).</summary>
public sealed class NoShardWakes : IShardWakes
{
    public static readonly NoShardWakes Instance = new();

    public Task WakeAsync(string accountId, string region, IReadOnlyList<string> quotaIds, CancellationToken ct) => Task.CompletedTask;

    public Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> TakeAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyDictionary<string, IReadOnlyList<string>>>(new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal));
}
