namespace QuotaAutomation.Core.Fleet;

/// <summary>Runs one shard (on AWS under the account's member role; on the embedded backend in its virtual account). Never throws for a failing shard: it returns a failed result.</summary>
public interface IShardRunner
{
    Task<ShardResult> RunAsync(FleetShard shard, CancellationToken ct);
}
