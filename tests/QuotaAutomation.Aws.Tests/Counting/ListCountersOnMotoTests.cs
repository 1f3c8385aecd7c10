using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Adapters.Counting;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Aws.Tests.Counting;

/// <summary>
/// The list counters (DynamoDB tables, S3 buckets, EKS and ECS clusters, KMS customer managed keys, SNS topics, ALBs,
/// NLBs and target groups) on moto: resources created with boto3 in two Regions, then one usage read of the default
/// counters observes each count exactly.
/// </summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class ListCountersOnMotoTests(MotoServer moto)
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Per Region: n tables, n+1 ECS clusters, n-1 EKS clusters, n+2 topics, n customer managed keys (one pending
    /// deletion: it still counts) beside the AWS managed keys' aliases moto lists, n-1 ALBs, n-1 NLBs and n+1 target
    /// groups; two buckets, one per Region.
    /// </summary>
    private const string Resources = """
        import boto3
        def c(svc, region): return boto3.client(svc, region_name=region, endpoint_url=endpoint)
        for region, n in [("us-east-1", 3), ("eu-west-1", 2)]:
            ddb = c("dynamodb", region)
            for i in range(n):
                ddb.create_table(TableName=f"t{i}", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
            for i in range(n + 1): c("ecs", region).create_cluster(clusterName=f"ecs{i}")
            for i in range(n - 1): c("eks", region).create_cluster(name=f"eks{i}", roleArn="arn:aws:iam::123456789012:role/eks", resourcesVpcConfig={"subnetIds": []})
            for i in range(n + 2): c("sns", region).create_topic(Name=f"topic{i}")
            kms = c("kms", region)
            keys = [kms.create_key()["KeyMetadata"]["KeyId"] for i in range(n)]
            kms.create_alias(AliasName="alias/mine", TargetKeyId=keys[0])
            kms.schedule_key_deletion(KeyId=keys[-1], PendingWindowInDays=7)
            ec2 = c("ec2", region)
            vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
            azs = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]][:2]
            subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=az)["Subnet"]["SubnetId"] for i, az in enumerate(azs)]
            elb = c("elbv2", region)
            for i in range(n - 1): elb.create_load_balancer(Name=f"alb{i}", Subnets=subnets, Type="application")
            for i in range(n - 1): elb.create_load_balancer(Name=f"nlb{i}", Subnets=subnets, Type="network")
            for i in range(n + 1): elb.create_target_group(Name=f"tg{i}", Protocol="HTTP", Port=80, VpcId=vpc)
        c("s3", "us-east-1").create_bucket(Bucket="counted-east")
        c("s3", "eu-west-1").create_bucket(Bucket="counted-west", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        """;

    private static readonly CountedQuota[] RegionQuotas =
    [
        DynamoDbTablesCounter.Tables, EcsClustersCounter.Clusters, EksClustersCounter.Clusters, SnsTopicsCounter.Topics,
        KmsCustomerKeysCounter.CustomerManagedKeys, LoadBalancersCounter.Application, LoadBalancersCounter.Network, TargetGroupsCounter.TargetGroups,
    ];

    private static UsageQuery Query(CountedQuota quota, string region) =>
        new(new QuotaInfo(new QuotaKey(quota.ServiceCode, quota.QuotaCode, region), quota.Counted, 1000, true, "None", null), Now.AddMinutes(-5)) { Detailed = true };

    [Fact]
    public async Task OneRead_CountsEachListedResource_InEachRegion_AndBucketsOncePerAccount()
    {
        await moto.ResetAsync();
        await Boto3.RunAsync(moto, Resources);
        using var clients = new AwsClients(moto.Options(), new AwsBackendOptions());
        var queries = RegionQuotas.SelectMany(q => new[] { Query(q, "us-east-1"), Query(q, "eu-west-1") }).Append(Query(S3BucketsCounter.Buckets, "us-east-1")).ToList();

        var reading = await new AwsUsageSource(clients).ReadAsync(queries, Now, CancellationToken.None);

        var counted = reading.Samples.ToDictionary(s => $"{s.Key.ServiceCode}/{s.Key.QuotaCode}@{s.Key.Region}", s => Assert.Single(s.Value).Value);
        Assert.Equal(new Dictionary<string, double>
        {
            ["dynamodb/L-F98FE922@us-east-1"] = 3, ["dynamodb/L-F98FE922@eu-west-1"] = 2,
            ["ecs/L-21C621EB@us-east-1"] = 4, ["ecs/L-21C621EB@eu-west-1"] = 3,
            ["eks/L-1194D53C@us-east-1"] = 2, ["eks/L-1194D53C@eu-west-1"] = 1,
            ["sns/L-61103206@us-east-1"] = 5, ["sns/L-61103206@eu-west-1"] = 4,
            ["kms/L-C2F1777E@us-east-1"] = 3, ["kms/L-C2F1777E@eu-west-1"] = 2,
            ["elasticloadbalancing/L-53DA6B97@us-east-1"] = 2, ["elasticloadbalancing/L-53DA6B97@eu-west-1"] = 1,
            ["elasticloadbalancing/L-69A177A2@us-east-1"] = 2, ["elasticloadbalancing/L-69A177A2@eu-west-1"] = 1,
            ["elasticloadbalancing/L-B22855CB@us-east-1"] = 4, ["elasticloadbalancing/L-B22855CB@eu-west-1"] = 3,
            ["s3/L-DC2B2D3D@us-east-1"] = 2,
        }, counted);
        Assert.All(reading.ObservedBy.Values, kind => Assert.Equal(UsageSourceKind.DescribeCount, kind));
        Assert.Empty(reading.Failures);
        Assert.Empty(reading.Fullest); // every one of these quotas is per Region or per account
    }
}
