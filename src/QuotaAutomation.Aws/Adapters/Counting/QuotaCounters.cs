namespace QuotaAutomation.Aws.Adapters.Counting;

/// <summary>Every counter the AWS backend has (docs/coverage.md lists what each serves).</summary>
public static class QuotaCounters
{
    public static IReadOnlyList<IQuotaCounter> All { get; } =
    [
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
