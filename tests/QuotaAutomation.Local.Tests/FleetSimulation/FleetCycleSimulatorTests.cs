using QuotaAutomation.Local.FleetSimulation;

namespace QuotaAutomation.Local.Tests.FleetSimulation;

/// <summary>The modelled cycle on synthetic shards: map concurrency and batching, AWS's rate limits, retries.</summary>
public sealed class FleetCycleSimulatorTests
{
    private static readonly ShardWork TenWrites = new([.. Enumerable.Range(0, 10).Select(i =>
        new RecordedCall(i, new ApiCall(AwsServices.DynamoDb, "PutItem", Hub: true, "audit", WriteUnits: 1), i == 0 ? [] : [i - 1]))], Rules: 10);

    private static List<SimulatedShard> Shards(int accounts, int regions) =>
        [.. Enumerable.Range(0, accounts).SelectMany(a => Enumerable.Range(0, regions).Select(r => new SimulatedShard($"{a}/{r}", $"{a}", $"r{r}", 1.0 / regions, 0)))];

    [Fact]
    public void Map_BatchesShards_AndNeverRunsMoreChildrenThanMaxConcurrency()
    {
        var options = new FleetCycleOptions { MaxConcurrency = 3, ItemsPerBatch = 4 };

        var result = new FleetCycleSimulator(Shards(10, 3), [TenWrites], options, seed: 1).Run(accounts: 10);

        Assert.Equal(8, result.ChildExecutions); // 30 shards, 4 a batch
        Assert.Equal(3, result.PeakChildren);
        Assert.Equal(Enumerable.Repeat(1, 30), result.RunsPerShard);
        Assert.Equal(300, result.CallsOf(AwsServices.DynamoDb));
        Assert.Equal(300, result.WriteUnits);
    }

    [Fact]
    public void Throttling_IsRetried_AndWhatOutlivesTheRetriesIsCounted()
    {
        var scarce = new FleetCycleOptions { DynamoDbWriteUnits = new Rate(20, 20), MaxRetries = 1 };

        var result = new FleetCycleSimulator(Shards(20, 5), [TenWrites], scarce, seed: 1).Run(accounts: 20);

        var puts = result.Calls.Single(c => c.Operation == "PutItem");
        Assert.Equal(1000, puts.Calls);
        Assert.True(puts.Throttled > 0);
        Assert.True(puts.FailedAfterRetries > 0);
        Assert.Equal(puts.Calls + puts.Throttled - puts.FailedAfterRetries, puts.Attempts);
        Assert.Equal(1000 - puts.FailedAfterRetries, result.WriteUnits); // a failed write consumes nothing
    }

    [Fact]
    public void AmpleRates_NothingIsThrottled()
    {
        var result = new FleetCycleSimulator(Shards(20, 5), [TenWrites], new FleetCycleOptions(), seed: 1).Run(accounts: 20);

        Assert.Equal(0, result.Throttled);
        Assert.Equal(0, result.FailedAfterRetries);
    }

    [Fact]
    public void PacingToTheRateShare_SpacesAShardsServiceQuotasCalls()
    {
        var listings = new ShardWork([.. Enumerable.Range(0, 11).Select(i =>
            new RecordedCall(i, new ApiCall(AwsServices.ServiceQuotas, "ListServiceQuotas", Hub: false), []))], Rules: 0);
        var one = new List<SimulatedShard> { new("a/us-east-1", "a", "us-east-1", 0.5, 0) };

        var paced = new FleetCycleSimulator(one, [listings], new FleetCycleOptions(), seed: 1).Run(accounts: 1);

        // 11 calls at half of 10 a second: the last goes 2 s after the first; nothing is throttled.
        Assert.True(paced.MapDuration >= TimeSpan.FromSeconds(2));
        Assert.Equal(0, paced.Throttled);
    }
}
