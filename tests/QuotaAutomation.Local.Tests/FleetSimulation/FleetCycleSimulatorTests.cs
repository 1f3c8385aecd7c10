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
        var scarce = new FleetCycleOptions { DynamoDbWriteUnits = new Rate(20, 20), DynamoMaxRetries = 1 };

        var result = new FleetCycleSimulator(Shards(20, 5), [TenWrites], scarce, seed: 1).Run(accounts: 20);

        var puts = result.Calls.Single(c => c.Operation == "PutItem");
        Assert.Equal(1000, puts.Calls);
        Assert.True(puts.Throttled > 0);
        Assert.True(puts.FailedAfterRetries > 0);
        Assert.Equal(puts.Calls + puts.Throttled - puts.FailedAfterRetries, puts.Attempts);
        Assert.Equal(1000 - puts.FailedAfterRetries, result.WriteUnits); // a failed write consumes nothing
    }

    /// <summary>50 shards each backfilling 1,000 write units (20 BatchWriteItems of 50, one after another) into a usage table of 2,000 units a second.</summary>
    private static readonly ShardWork Backfill = new([.. Enumerable.Range(0, 20).Select(i =>
        new RecordedCall(i, new ApiCall(AwsServices.DynamoDb, "BatchWriteItem", Hub: true, "usage", WriteUnits: 50), i == 0 ? [] : [i - 1]))], Rules: 50);

    private static readonly FleetCycleOptions SmallUsageTable = new() { DynamoDbWriteUnits = new Rate(2000, 2000), UsageTableUnits = 1800 };

    private static List<SimulatedShard> Backfilling(int shards, bool shared) =>
        [.. Enumerable.Range(0, shards).Select(i => new SimulatedShard($"{i}/us-east-1", $"{i}", "us-east-1", 1, 0, shared ? 1.0 / shards : 1))];

    [Fact]
    public void Backfills_BurstingPastTheUsageTable_FailAfterTheirRetries_WhenNotPaced()
    {
        var result = new FleetCycleSimulator(Backfilling(50, shared: false), [Backfill], SmallUsageTable with { PaceUsageTable = false, DynamoMaxRetries = 4 }, seed: 1).Run(accounts: 50);

        Assert.True(result.Calls.Single(c => c.Operation == "BatchWriteItem").FailedAfterRetries > 0);
    }

    [Fact]
    public void Backfills_PacedAtTheirShareOfTheUsageTable_AllGetThrough_InTheTimeTheTableTakes()
    {
        var result = new FleetCycleSimulator(Backfilling(50, shared: true), [Backfill], SmallUsageTable, seed: 1).Run(accounts: 50);

        var writes = result.Calls.Single(c => c.Operation == "BatchWriteItem");
        Assert.Equal((1000, 0), (writes.Calls, writes.FailedAfterRetries)); // the first calls' overshoot of the table's burst is retried
        Assert.Equal(50_000, result.WriteUnits);
        // The table's units set the pace, not the burst: all but the buckets' first second and each shard's last call (its debt is never waited for).
        Assert.True(result.MapDuration >= TimeSpan.FromSeconds((50_000 - 1800 - 50 * 50) / 1800.0));
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

        // 11 calls at half of the account's 5 a second: the last goes 4 s after the first; nothing is throttled.
        Assert.True(paced.MapDuration >= TimeSpan.FromSeconds(4));
        Assert.Equal(0, paced.Throttled);
    }

    [Fact]
    public void PacingToTheRateShare_SpacesEachServicesCalls_WhateverTheOperation_AsTheShardsAccountRateLimit()
    {
        var mixed = new ShardWork([.. Enumerable.Range(0, 6).Select(i => new RecordedCall(i, i % 3 == 2
            ? new ApiCall(AwsServices.CloudWatch, "GetMetricData", Hub: false, Metrics: 1)
            : new ApiCall(AwsServices.ServiceQuotas, i % 3 == 0 ? "GetServiceQuota" : "GetQuotaUtilizationReport", Hub: false), []))], Rules: 0);
        var one = new List<SimulatedShard> { new("a/us-east-1", "a", "us-east-1", 1, 0) };

        var paced = new FleetCycleSimulator(one, [mixed], new FleetCycleOptions { AccountRate = 1 }, seed: 1).Run(accounts: 1);

        // 4 Service Quotas calls of two operations at 1 a second: the last goes 3 s after the first; GetMetricData keeps its own spacing.
        Assert.Equal(3, paced.InvocationTime.SecondsByCause[InvocationTime.RatePacing], 9);
    }

    /// <summary>A shard that starts a report, polls it after the adapter's delay and reads its window.</summary>
    private static readonly ShardWork ReportThenWindow = new([
        new RecordedCall(0, new ApiCall(AwsServices.ServiceQuotas, "StartQuotaUtilizationReport", Hub: false), []),
        new RecordedCall(1, new ApiCall(AwsServices.ServiceQuotas, "GetQuotaUtilizationReport", Hub: false, WaitFirst: TimeSpan.FromSeconds(2)), [0]),
        new RecordedCall(2, new ApiCall(AwsServices.DynamoDb, "Query", Hub: true, "usage", ReadUnits: 10), [1])], Rules: 50);

    [Fact]
    public void InvocationTime_ByCause_AddsUpToTheBilledLambdaTime()
    {
        var one = new List<SimulatedShard> { new("a/us-east-1", "a", "us-east-1", 1, 0) };

        var result = new FleetCycleSimulator(one, [ReportThenWindow], new FleetCycleOptions(), seed: 1).Run(accounts: 1);

        var time = result.InvocationTime;
        Assert.Equal(3, time.Invocations); // the batch's, the plan's and the summary's
        Assert.Equal(result.LambdaGbSeconds * 1024 / 512, time.Seconds, 0.003); // billed to the next millisecond, 3 invocations
        Assert.Equal(2, time.SecondsByCause[InvocationTime.ReportPollDelay], 9);
        Assert.Equal(0.4, time.SecondsByCause[InvocationTime.ColdStart], 9);
        Assert.Equal(0.05, time.SecondsByCause[InvocationTime.Compute], 9);
        Assert.True(time.SecondsByCause[InvocationTime.AssumeRole] > 0);
        Assert.True(time.SecondsByCause[InvocationTime.ReportRoundTrips] > 0);
        Assert.True(time.SecondsByCause[InvocationTime.DynamoQueries] > 0);
    }
}
