using Amazon.DynamoDBv2;
using Amazon.Runtime;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Aws.Dynamo;
using QuotaAutomation.Core.Engine;

namespace QuotaAutomation.Aws;

/// <summary>The engine's ports on AWS: DynamoDB stores (AWSSDK.DynamoDBv2) and the thin clients for everything else.</summary>
public sealed class AwsBackend : IDisposable
{
    private readonly AwsClients _clients;

    public AwsBackend(AwsClientOptions client, AwsBackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _clients = new AwsClients(client, options);
        // Retries set explicitly (docs/fleet-throttle.md): the SDK's standard mode, DynamoMaxRetries retries spanning a
        // burst at the table's ceiling, and no client-side retry quota, which a Lambda's shards would share and drain
        // after 100 throttles between them, failing the rest at once.
        var config = new AmazonDynamoDBConfig
        {
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = client.DynamoMaxRetries,
            ThrottleRetries = false,
            Timeout = client.AttemptTimeout,
        };
        Dynamo = new AmazonDynamoDBClient(client.Credentials, SdkClientConfig.Point(config, client, "dynamodb"));
        Rules = new DynamoRuleStore(Dynamo, options.RulesTable);
        Policies = new DynamoPolicyStore(Dynamo, options.PoliciesTable);
        State = new DynamoStateStore(Dynamo, options.StateTable);
        Audit = new DynamoAuditLog(Dynamo, options.AuditTable, options.AuditRetention);
        Events = new DynamoEventLog(Dynamo, options.EventsTable, options.EventRetention);
        Door = new DynamoApprovalDoor(Dynamo, options.StateTable);
        ShardHistory = new DynamoShardHistory(Dynamo, options.UsageTable, options.UsageRetention, UsagePacing);
        Plans = new DynamoStepPlanStore(Dynamo, options.StateTable, Audit, TimeProvider.System);
        var quotas = new AwsQuotaSource(_clients);
        Ports = new EnginePorts(Rules, quotas, new AwsUsageSource(_clients), new DynamoUsageHistory(Dynamo, options.UsageTable, options.UsageRetention),
            new AwsQuotaRequester(_clients), State, State, new SnsNotifier(_clients, options), State, Audit, new EventBridgePublisher(_clients, options))
        {
            Coverage = new AwsUsageCoverage(_clients, TimeProvider.System),
            Plans = Plans,
            Policies = Policies,
            Budgets = new DynamoBudgetLedger(Dynamo, options.StateTable, TimeProvider.System),
            Prices = options.PriceList ? new PriceListPrices(_clients.Pricing(), TimeProvider.System).ForRegion(client.Region.SystemName) : null,
        };
    }

    public AwsBackendOptions Options { get; }

    /// <summary>Where and as whom the backend's clients call AWS (a fleet shard makes its own clients from them).</summary>
    public AwsClientOptions ClientOptions => _clients.BaseOptions;

    public IAmazonDynamoDB Dynamo { get; }

    public DynamoRuleStore Rules { get; }

    public DynamoStateStore State { get; }

    /// <summary>The organization's policies (issue 17), read by every cycle.</summary>
    public DynamoPolicyStore Policies { get; }

    public DynamoAuditLog Audit { get; }

    /// <summary>Step plans (issue 16), in the state table: an increase over ×2 the quota, planned once and followed step by step.</summary>
    public DynamoStepPlanStore Plans { get; }

    public DynamoEventLog Events { get; }

    public EnginePorts Ports { get; }

    /// <summary>Fleet shards' usage history: one row per shard and time in the usage table (the hub's own cycle keeps <see cref="EnginePorts.History"/>).</summary>
    public DynamoShardHistory ShardHistory { get; }

    /// <summary>Fleet shards' pacing of their usage-table calls at their share of the table (<see cref="Adapters.AwsShardRunner"/> registers each shard).</summary>
    public UsageTablePacing UsagePacing { get; } = new(TimeProvider.System);

    /// <summary>Quota definitions (usage metric, unit, period) fleet shards resolve, kept for the backend's (the container's) life.</summary>
    public QuotaDefinitions QuotaDefinitions { get; } = new();

    /// <summary>Task tokens and spent link nonces (state table).</summary>
    public DynamoApprovalDoor Door { get; }

    /// <summary>KMS, for approval-link MACs.</summary>
    public KmsClient Kms => _clients.Kms();

    /// <summary>Service Quotas in the backend's Region and account, for listing quotas.</summary>
    public ServiceQuotasClient ServiceQuotas => _clients.ServiceQuotas();

    /// <summary>EC2, for instance types' vCPUs (the deployment gate).</summary>
    public Ec2Client Ec2 => _clients.Ec2();

    /// <summary>SNS in the backend's Region and account (alert topics, contact subscriptions).</summary>
    public SnsClient Sns => _clients.Sns();

    /// <summary>STS, for who the caller is.</summary>
    public StsClient Sts => _clients.Sts();

    /// <summary>The backend's Region (the hub's home Region in a fleet).</summary>
    public string Region => _clients.BaseOptions.Region.SystemName;

    /// <summary>The Step Functions client (approval workflow).</summary>
    public StepFunctionsClient StepFunctions => _clients.StepFunctions();

    /// <summary>The organization (AWS Organizations), read as the caller: the management account or a delegated administrator.</summary>
    public AwsOrganization Organization(AwsEnabledRegions? enabledRegions = null) => new(_clients.Organizations(), enabledRegions);

    /// <summary>The Account Management API (alternate contacts, enabled Regions), as the caller.</summary>
    public AccountClient Account => _clients.Account();

    /// <summary>Whether the hub can assume the member role in an account (<c>compliance --fleet</c>).</summary>
    public AwsAccountReach Reach => new(_clients);

    /// <summary>Service Quotas Automatic Management in member accounts, through the member role.</summary>
    public AwsAutoManagement AutoManagement => new(_clients);

    public Task<IReadOnlyList<string>> InitAsync(CancellationToken ct) => DynamoTables.CreateMissingAsync(Dynamo, Options, ct);

    public void Dispose()
    {
        Dynamo.Dispose();
        _clients.Dispose();
    }
}
