using System.Collections.Concurrent;
using Amazon;
using Amazon.EC2;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Amazon.S3;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Adapters;

/// <summary>
/// Clients per account and Region, made once and kept. The caller's own account uses the base credentials; a rule
/// naming another account is served through STS AssumeRole into <see cref="AwsBackendOptions.MemberRoleName"/> there.
/// </summary>
public sealed class AwsClients(AwsClientOptions baseOptions, AwsBackendOptions backend) : IDisposable
{
    private readonly ConcurrentDictionary<(string Account, string Region, Type Client), IDisposable> _clients = new();

    public AwsClientOptions BaseOptions => baseOptions;

    public ServiceQuotasClient ServiceQuotas(QuotaKey key) => Get(key, o => new ServiceQuotasClient(o));

    /// <summary>Service Quotas in the base Region and account.</summary>
    public ServiceQuotasClient ServiceQuotas() => Get(null, o => new ServiceQuotasClient(o));

    public CloudWatchClient CloudWatch(QuotaKey key) => Get(key, o => new CloudWatchClient(o));

    public StepFunctionsClient StepFunctions() => Get(null, o => new StepFunctionsClient(o));

    public EventBridgeClient EventBridge() => Get(null, o => new EventBridgeClient(o));

    public SnsClient Sns() => Get(null, o => new SnsClient(o));

    /// <summary>The Price List (read from us-east-1 whatever the Region priced), as the hub.</summary>
    public PricingClient Pricing() => Get(null, o => new PricingClient(o));

    public KmsClient Kms() => Get(null, o => new KmsClient(o));

    public StsClient Sts() => Get(null, o => new StsClient(o));

    /// <summary>STS as the member role in <paramref name="accountId"/> (the role is assumed on the first call).</summary>
    public StsClient StsIn(string accountId) => Get(new QuotaKey("-", "-", baseOptions.Region.SystemName, accountId), o => new StsClient(o));

    public Ec2Client Ec2() => Get(null, o => new Ec2Client(o));

    /// <summary>EC2 through AWSSDK.EC2 in a quota's account and Region: the describe counts of VPC, EC2 and EBS quotas.</summary>
    public IAmazonEC2 AmazonEc2(QuotaKey key) => Get(key, o => new AmazonEC2Client(o.Credentials, SdkClientConfig.For<AmazonEC2Config>(o, "ec2")));

    // The account-limit APIs the usage counters read, per account and Region (IAM and Route 53 are global: their
    // counters ask in the Region their quotas name).
    public IamClient Iam(QuotaKey key) => Get(key, o => new IamClient(o));

    public RdsClient Rds(QuotaKey key) => Get(key, o => new RdsClient(o));

    public AutoScalingClient AutoScaling(QuotaKey key) => Get(key, o => new AutoScalingClient(o));

    public CloudFormationClient CloudFormation(QuotaKey key) => Get(key, o => new CloudFormationClient(o));

    public Route53Client Route53(QuotaKey key) => Get(key, o => new Route53Client(o));

    public LambdaClient Lambda(QuotaKey key) => Get(key, o => new LambdaClient(o));

    // The list counters' clients, one per account and Region of the quota they count.
    public AmazonDynamoDBClient DynamoDb(QuotaKey key) => Get(key, o => new AmazonDynamoDBClient(o.Credentials, SdkClientConfig.For<AmazonDynamoDBConfig>(o, "dynamodb")));

    /// <summary>S3 as the quota's account; bucket listing is global, so its counter asks in the quota's Region (us-east-1).</summary>
    public AmazonS3Client S3(QuotaKey key) => Get(key, o =>
    {
        var config = SdkClientConfig.For<AmazonS3Config>(o, "s3");
        config.ForcePathStyle = config.ServiceURL is not null; // emulators serve buckets by path, not by host name
        return new AmazonS3Client(o.Credentials, config);
    });

    public EksClient Eks(QuotaKey key) => Get(key, o => new EksClient(o));

    public EcsClient Ecs(QuotaKey key) => Get(key, o => new EcsClient(o));

    public KmsClient Kms(QuotaKey key) => Get(key, o => new KmsClient(o));

    public SnsClient Sns(QuotaKey key) => Get(key, o => new SnsClient(o));

    public ElasticLoadBalancingV2Client ElasticLoadBalancingV2(QuotaKey key) => Get(key, o => new ElasticLoadBalancingV2Client(o));

    /// <summary>AWS Organizations, as the caller (the management account or a delegated administrator): a global service.</summary>
    public OrganizationsClient Organizations() => Get(null, o => new OrganizationsClient(o));

    /// <summary>The Account Management API, as the caller: a global service.</summary>
    public AccountClient Account() => Get(null, o => new AccountClient(o));

    /// <summary>The Support client for a quota's account (Support answers in us-east-1 whatever the quota's Region).</summary>
    public SupportClient Support(QuotaKey key) => Get(key with { Region = "us-east-1" }, o => new SupportClient(o));

    /// <summary>The credentials a quota's calls are signed with (the member role for another account).</summary>
    public Amazon.Runtime.AWSCredentials CredentialsFor(QuotaKey key) => OptionsFor(key.AccountOrSelf, key.Region).Credentials;

    /// <summary>The role assumed in another account: <see cref="AwsBackendOptions.MemberRoleName"/> there.</summary>
    public string MemberRoleArn(string account) => $"arn:{baseOptions.Region.PartitionName}:iam::{account}:role/{backend.MemberRoleName}";

    private T Get<T>(QuotaKey? key, Func<AwsClientOptions, T> create) where T : IDisposable =>
        (T)_clients.GetOrAdd((key?.AccountOrSelf ?? "self", key?.Region ?? baseOptions.Region.SystemName, typeof(T)), k => create(OptionsFor(k.Account, k.Region)));

    private AwsClientOptions OptionsFor(string account, string region)
    {
        var options = baseOptions with { Region = RegionEndpoint.GetBySystemName(region) };
        if (account == "self") return options;
        return options with { Credentials = new MemberAccountCredentials(baseOptions.Credentials, MemberRoleArn(account), options.Region, baseOptions.EndpointFor("sts"), baseOptions.Transport) };
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values) client.Dispose();
        _clients.Clear();
    }
}

/// <summary>Settings of the AWS backend (the Lambda reads them from its environment).</summary>
public sealed record AwsBackendOptions
{
    public string RulesTable { get; init; } = "quota-automation-rules";
    public string UsageTable { get; init; } = "quota-automation-usage";
    public string AuditTable { get; init; } = "quota-automation-audit";
    public string StateTable { get; init; } = "quota-automation-state";
    public string EventsTable { get; init; } = "quota-automation-events";

    /// <summary>Unit prices from the AWS Price List (docs/rules.md, "Cost"), cached a day per Region; false: the shipped table.</summary>
    public bool PriceList { get; init; }

    /// <summary>The organization's policies (docs/governance.md): read by the engine, written only by people.</summary>
    public string PoliciesTable { get; init; } = "quota-automation-policies";

    /// <summary>True for the tables people edit by hand (rules, policies): their items never expire, so they have no TTL.</summary>
    public bool HandEdited(string table) => table == RulesTable || table == PoliciesTable;

    /// <summary>How long quota events are kept (DynamoDB TTL).</summary>
    public TimeSpan EventRetention { get; init; } = TimeSpan.FromDays(30);

    /// <summary>The bus the engine publishes its quota events to; null publishes none.</summary>
    public string? EventBusName { get; init; }

    /// <summary>SNS topic for alerts; null keeps alerts in the audit trail only.</summary>
    public string? AlertTopicArn { get; init; }

    /// <summary>SNS topic for approval requests; defaults to the alert topic.</summary>
    public string? ApprovalTopicArn { get; init; }

    /// <summary>True when the approval state machine notifies approvers (with its task token): the engine then sends none itself.</summary>
    public bool ApprovalsByWorkflow { get; init; }

    /// <summary>The role the engine assumes in member accounts that rules name.</summary>
    public string MemberRoleName { get; init; } = "QuotaAutomationMemberRole";

    /// <summary>How long usage samples are kept (DynamoDB TTL).</summary>
    public TimeSpan UsageRetention { get; init; } = TimeSpan.FromDays(30);

    /// <summary>How long audit records are kept (DynamoDB TTL).</summary>
    public TimeSpan AuditRetention { get; init; } = TimeSpan.FromDays(365);
}
