namespace QuotaAutomation.Core.Fleet;

/// <summary>
/// One Distributed Map batch's shards in one Lambda invocation, up to <c>shardsAtOnce</c> at a time, so the
/// invocation lasts about as long as its slowest shard rather than the sum of them (what <c>simulate fleet</c>
/// models). Shards start in the batch's order and the results come back in it. When the time budget runs out no
/// shard starts (each is "not reached") and one cut off is "not finished"; a shard whose runner throws fails alone.
/// </summary>
/// <remarks>
/// What the shards share in an invocation must be thread-safe: the usage history cache, the forecaster, the clients'
/// handlers, the audit log and the log (each locks or holds no mutable state). The shards of one account together keep
/// to the account's API rate because each paces itself at its <see cref="FleetShard.RateShare"/>, and the plan's shares
/// of one account add up to 1 (<see cref="WithinAccountRates"/> holds a hand-made batch to that too).
/// </remarks>
public sealed class ShardBatch(IShardRunner runner, int shardsAtOnce)
{
    /// <summary><c>QA_FLEET_SHARDS_AT_ONCE</c> when unset: the Map's default batch of 10 shards all at once.</summary>
    public const int DefaultShardsAtOnce = 10;

    /// <summary>The most a 512 MB invocation is allowed: each running shard holds its quotas' windows and clients.</summary>
    public const int MaxShardsAtOnce = 50;

    /// <summary>Runs the shards; never throws for a shard (its result says what happened).</summary>
    public async Task<IReadOnlyList<ShardResult>> RunAsync(IReadOnlyList<FleetShard> shards, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(shards);
        ArgumentOutOfRangeException.ThrowIfLessThan(shardsAtOnce, 1);
        var paced = WithinAccountRates(shards);
        var results = new ShardResult[paced.Count];
        var next = -1;
        // Workers take the next shard in the batch's order, so shards start in order and at most shardsAtOnce run.
        await Task.WhenAll(Enumerable.Range(0, Math.Min(shardsAtOnce, paced.Count)).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < paced.Count; i = Interlocked.Increment(ref next))
                results[i] = await RunOneAsync(paced[i], ct);
        }, CancellationToken.None)));
        return results;
    }

    private async Task<ShardResult> RunOneAsync(FleetShard shard, CancellationToken ct)
    {
        if (ct.IsCancellationRequested) return ShardResult.NotRun(shard, $"shard {shard.ShardId} not reached: the time budget ran out");
        try
        {
            return await runner.RunAsync(shard, ct);
        }
        catch (OperationCanceledException)
        {
            return ShardResult.NotRun(shard, $"shard {shard.ShardId} not finished: the time budget ran out");
        }
        catch (Exception e) // a shard's failure is its result: the batch's other shards go on
        {
            return ShardResult.NotRun(shard, $"shard {shard.ShardId} failed: {e.Message}");
        }
    }

    /// <summary>
    /// The batch with each account's rate shares scaled down where they add up to more than the whole account (only a
    /// batch not made by the plan can: the plan gives each of an account's n shards 1/n), so shards of one account
    /// running at once never exceed its rate together.
    /// </summary>
    public static IReadOnlyList<FleetShard> WithinAccountRates(IReadOnlyList<FleetShard> shards)
    {
        ArgumentNullException.ThrowIfNull(shards);
        var total = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var shard in shards) total[shard.AccountId] = total.GetValueOrDefault(shard.AccountId) + shard.RateShare;
        // 1e-9: the plan's n shares of 1/n may add up to a hair over 1 in floating point.
        return total.Values.All(t => t <= 1 + 1e-9) ? shards
            : [.. shards.Select(s => total[s.AccountId] <= 1 + 1e-9 ? s : s with { RateShare = s.RateShare / total[s.AccountId] })];
    }
}
