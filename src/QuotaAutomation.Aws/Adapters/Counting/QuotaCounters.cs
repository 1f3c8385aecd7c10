namespace QuotaAutomation.Aws.Adapters.Counting;

/// <summary>Every counter the AWS backend has (docs/coverage.md lists what each serves).</summary>
public static class QuotaCounters
{
    public static IReadOnlyList<IQuotaCounter> All { get; } =
    [
        new VpcsCounter(),
        new SubnetsCounter(),
        new InternetGatewaysCounter(),
        new NatGatewaysCounter(),
        new AddressesCounter(),
        new NetworkInterfacesCounter(),
        new SecurityGroupsCounter(),
        new RouteTablesCounter(),
        new Gp3StorageCounter(),
        new SnapshotsCounter(),
        new IamAccountSummaryCounter(),
        new RdsAccountAttributesCounter(),
        new AutoScalingAccountLimitsCounter(),
        new CloudFormationStacksCounter(),
        new Route53AccountLimitsCounter(),
        new LambdaAccountSettingsCounter(),
        new DynamoDbTablesCounter(),
        new S3BucketsCounter(),
        new EksClustersCounter(),
        new EcsClustersCounter(),
        new KmsCustomerKeysCounter(),
        new SnsTopicsCounter(),
        new LoadBalancersCounter(),
        new TargetGroupsCounter(),
    ];
}
