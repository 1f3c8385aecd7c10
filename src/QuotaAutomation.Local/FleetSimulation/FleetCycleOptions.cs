namespace QuotaAutomation.Local.FleetSimulation;

/// <summary>
/// How one fleet cycle on Step Functions and Lambda is modelled. Each figure says where it comes from: a page (read),
/// this repository (terraform, the AWS clients, docs/benchmarks.md), or "assumed" where nothing published was found.
/// </summary>
public sealed record FleetCycleOptions
{
    /// <summary>Distributed Map <c>MaxConcurrency</c>: child executions at once (the target: ≤ 1,000).</summary>
    public int MaxConcurrency { get; init; } = 1000;

    /// <summary>ItemBatcher <c>MaxItemsPerBatch</c>: shards per child execution (one Lambda invocation).</summary>
    public int ItemsPerBatch { get; init; } = 10;

    /// <summary>Shards one invocation runs at once (the rest of its batch waits for a free slot): the shard step's own default (<c>QA_FLEET_SHARDS_AT_ONCE</c>).</summary>
    public int ShardsAtOnce { get; init; } = Core.Fleet.ShardBatch.DefaultShardsAtOnce;

    /// <summary>Lambda memory: terraform var.memory_mb's default.</summary>
    public int LambdaMemoryMb { get; init; } = 512;

    /// <summary>Lambda's default concurrent executions per account and Region (AWS default quota: 1,000).</summary>
    public int LambdaConcurrency { get; init; } = 1000;

    /// <summary>The function's timeout: terraform var.time_budget_seconds (240) + 30 s.</summary>
    public TimeSpan LambdaTimeout { get; init; } = TimeSpan.FromSeconds(270);

    /// <summary>A new execution environment's start: measured 386–419 ms (docs/benchmarks.md, issue 5), billed as duration.</summary>
    public TimeSpan ColdStart { get; init; } = TimeSpan.FromMilliseconds(400);

    /// <summary>Child executions a Distributed Map starts per second: assumed (no published figure was found).</summary>
    public double ChildStartsPerSecond { get; init; } = 1000;

    /// <summary>From a child's start to its task invoking Lambda: assumed.</summary>
    public Latency ChildStartOverhead { get; init; } = new(40, 200);

    /// <summary>Time between two states of a workflow: assumed.</summary>
    public Latency StateTransition { get; init; } = new(30, 120);

    /// <summary>The engine's own work per rule of a shard (forecast, decide, audit text) on a 512 MB Lambda: assumed.</summary>
    public TimeSpan ComputePerRule { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Round trips from a Lambda in the hub Region, by service: assumed (no published figures).</summary>
    public IReadOnlyDictionary<string, Latency> Latencies { get; init; } = new Dictionary<string, Latency>(StringComparer.Ordinal)
    {
        [AwsServices.DynamoDb] = new(6, 25),
        [AwsServices.ServiceQuotas] = new(80, 400),
        [AwsServices.CloudWatch] = new(60, 300),
        [AwsServices.Sts] = new(30, 150),
        [AwsServices.S3] = new(20, 100),
        [AwsServices.Sns] = new(20, 100),
        [AwsServices.EventBridge] = new(20, 100),
        [AwsServices.Support] = new(150, 600),
        [AwsServices.Organizations] = new(100, 400),
        [AwsServices.Unmapped] = new(50, 200),
    };

    /// <summary>Added to calls to a member account in another Region than the hub's: assumed.</summary>
    public Latency CrossRegion { get; init; } = new(70, 200);

    public string HubRegion { get; init; } = "us-east-1";

    /// <summary>
    /// Service Quotas rates per account and Region (docs.aws.amazon.com/servicequotas/latest/userguide/reference_limits.html):
    /// ListServiceQuotas 10/s + a burst of 10, the Get and request-history operations 5/s + 5. Operations it does not
    /// list (the utilization report, RequestServiceQuotaIncrease, CreateSupportCase) take <see cref="OtherServiceQuotasRate"/>.
    /// </summary>
    public IReadOnlyDictionary<string, Rate> ServiceQuotasRates { get; init; } = new Dictionary<string, Rate>(StringComparer.Ordinal)
    {
        ["ListServiceQuotas"] = new(10, 10),
        ["GetServiceQuota"] = new(5, 5),
        ["GetRequestedServiceQuotaChange"] = new(5, 5),
        ["ListRequestedServiceQuotaChangeHistoryByQuota"] = new(5, 5),
    };

    /// <summary>Assumed for the Service Quotas operations the quota page does not list.</summary>
    public Rate OtherServiceQuotasRate { get; init; } = new(5, 5);

    /// <summary>GetMetricData: 50 transactions per second per account and Region (AWS knowledge center, cloudwatch-getmetricdata-api); burst assumed 50.</summary>
    public Rate GetMetricDataRate { get; init; } = new(50, 50);

    /// <summary>The hub's AssumeRole calls (STS counts them against the caller's account): assumed, AWS publishes no figure.</summary>
    public Rate AssumeRoleRate { get; init; } = new(500, 500);

    /// <summary>
    /// Each hub table's on-demand throughput: the default table-level quota, 40,000 read and 40,000 write request units
    /// per second (docs.aws.amazon.com, DynamoDB on-demand capacity mode), for a table whose previous peak is there.
    /// </summary>
    public Rate DynamoDbReadUnits { get; init; } = new(40_000, 40_000);

    public Rate DynamoDbWriteUnits { get; init; } = new(40_000, 40_000);

    /// <summary>
    /// Retries after a throttled attempt, and the first backoff, doubling with jitter (±50 %): the thin AWS clients' Polly
    /// pipeline (AwsClientOptions), which calls everything but DynamoDB.
    /// </summary>
    public int MaxRetries { get; init; } = 4;

    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Retries of a throttled DynamoDB call: the hub's DynamoDB client (AWSSDK.DynamoDBv2) set as AwsBackend sets it
    /// (<c>AwsClientOptions.DynamoMaxRetries</c>), standard retry mode, each wait
    /// <see cref="Core.Fleet.DynamoRetries.Backoff"/> (full jitter, 1 s doubling, at most 20 s: AWSSDK.Core's standard policy).
    /// </summary>
    public int DynamoMaxRetries { get; init; } = Core.Fleet.DynamoRetries.DefaultMaxRetries;

    /// <summary>
    /// Whether a shard paces its usage-table calls at its share of the table (<see cref="UsageTableUnits"/> ×
    /// <c>FleetShard.TableShare</c>, a <see cref="Core.Fleet.TableThroughputBucket"/> for reads and one for writes), as
    /// the shard's DynamoDB adapter does (<c>UsageTablePacing</c>).
    /// </summary>
    public bool PaceUsageTable { get; init; } = true;

    /// <summary>The usage table's units a second the shards split (<c>QA_FLEET_TABLE_UNITS</c>): the product's default.</summary>
    public double UsageTableUnits { get; init; } = Core.Fleet.TableShares.DefaultTableUnits;

    /// <summary>
    /// Whether a shard paces its member-account calls at its share of the account's rate (the plan's <c>RateShare</c>), as
    /// <c>AccountRateLimit</c> does: one spacing per service for all of them, <see cref="AccountRate"/> × the share.
    /// </summary>
    public bool PaceToRateShare { get; init; } = true;

    /// <summary>One account's API requests a second, shared by its shards: <c>QA_FLEET_ACCOUNT_RATE</c>'s default (FleetOptions.DefaultAccountRate).</summary>
    public double AccountRate { get; init; } = 5;

    /// <summary>The plan reads the organization page by page: ListAccounts returns up to 20 accounts a page (Organizations API).</summary>
    public int AccountsPerListPage { get; init; } = 20;

    /// <summary>Planning or summarising one shard in the plan and summary Lambdas: assumed.</summary>
    public TimeSpan ComputePerShardPlanned { get; init; } = TimeSpan.FromMilliseconds(0.02);

    /// <summary>Express child executions are billed in 64-MB chunks: assumed to use the minimum.</summary>
    public int ExpressMemoryMb { get; init; } = 64;

    /// <summary>What is wrong with these options, all at once.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (MaxConcurrency < 1) problems.Add($"MaxConcurrency {MaxConcurrency} must be ≥ 1");
        if (ItemsPerBatch < 1) problems.Add($"MaxItemsPerBatch {ItemsPerBatch} must be ≥ 1");
        if (ShardsAtOnce < 1) problems.Add($"shards at once {ShardsAtOnce} must be ≥ 1");
        if (LambdaMemoryMb is < 128 or > 10240) problems.Add($"Lambda memory {LambdaMemoryMb} MB must be in [128, 10240]");
        if (LambdaConcurrency < 1) problems.Add($"Lambda concurrency {LambdaConcurrency} must be ≥ 1");
        if (MaxRetries < 0) problems.Add($"retries {MaxRetries} must be ≥ 0");
        if (DynamoMaxRetries < 0) problems.Add($"DynamoDB retries {DynamoMaxRetries} must be ≥ 0");
        if (!(UsageTableUnits > 0)) problems.Add($"usage table units {UsageTableUnits} must be > 0");
        if (!(AccountRate > 0)) problems.Add($"account rate {AccountRate} must be > 0");
        return problems;
    }
}
