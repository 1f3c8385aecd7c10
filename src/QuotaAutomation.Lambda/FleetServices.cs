using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Lambda;

/// <summary>
/// What the fleet steps run on besides the engine's ports (docs/fleet.md). On AWS: AWS Organizations, S3, the
/// shard runner under each account's member role; in tests, fakes.
/// </summary>
/// <param name="HubAccountId">The account the function runs in (STS GetCallerIdentity, once per container).</param>
/// <param name="Runner">The runner for one batch, given the hub's account and the run's routed alert topics (account → topic).</param>
/// <param name="Regions">What <c>region: '*'</c> means (<c>QA_FLEET_REGIONS</c>); null: each account's enabled Regions.</param>
/// <param name="OperationsContact">The account's operations alternate contact's e-mail (Account <c>GetAlternateContact</c>); null: contacts are not subscribed.</param>
/// <param name="SubscribeContacts">Subscribes contacts to their accounts' alerts; returns what it did, for the audit.</param>
/// <param name="ShardWakes">Shards events asked to run before their schedule; null: none (<see cref="NoShardWakes"/>).</param>
public sealed record FleetServices(
    IOrganization Organization,
    IShardStore Store,
    Func<string, IReadOnlyDictionary<string, string>, IShardRunner> Runner,
    Func<CancellationToken, Task<string>> HubAccountId,
    IReadOnlyList<string>? Regions,
    string HomeRegion,
    AlertRoutes Routes,
    string? AlertTopicArn = null,
    Func<string, CancellationToken, Task<string?>>? OperationsContact = null,
    Func<IReadOnlyList<(string AccountId, string TopicArn, string Email)>, CancellationToken, Task<IReadOnlyList<string>>>? SubscribeContacts = null)
{
    /// <summary>Shards quota events woke (DynamoDB's state table on AWS): events write them, the plan takes them.</summary>
    public IShardWakes Wakes { get; init; } = NoShardWakes.Instance;

    /// <summary>Shards of a batch one invocation runs at once (<c>QA_FLEET_SHARDS_AT_ONCE</c>).</summary>
    public int ShardsAtOnce { get; init; } = ShardBatch.DefaultShardsAtOnce;

    /// <summary>New shards (never run) a plan admits (<c>QA_FLEET_NEW_SHARDS_PER_CYCLE</c>); the rest wait for later plans.</summary>
    public int NewShardsPerCycle { get; init; } = FleetSchedule.DefaultNewShardsPerCycle;

    /// <summary>Where a run's files are: <c>fleet/{run}/shards.jsonl</c>, <c>fleet/{run}/planned.json</c> and <c>fleet/{run}/alert-routes.json</c>; the schedule is <see cref="FleetScheduleJson.Key"/>.</summary>
    public const string Prefix = "fleet";

    public static string ShardsKey(string runId) => $"{Prefix}/{runId}/shards.jsonl";

    public static string RoutesKey(string runId) => $"{Prefix}/{runId}/alert-routes.json";

    /// <summary>Every planned shard's schedule entry (its fingerprint), due or not: the summary merges the results into the schedule with it.</summary>
    public static string PlannedKey(string runId) => $"{Prefix}/{runId}/planned.json";
}
