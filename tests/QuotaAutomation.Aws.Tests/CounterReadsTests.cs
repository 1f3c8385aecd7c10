using Amazon;
using Amazon.Runtime;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Adapters.Counting;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Aws.Tests;

/// <summary>
/// How counters (describe counts, account-limit APIs) feed a cycle's usage: once per account and Region for all the
/// quotas they serve, the metric winning where a quota has one, and a failing counter failing only its own quotas.
/// The counters here are in-process fakes: each real counter has its own tests on moto or a wire-shaped fake.
/// </summary>
public class CounterReadsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly CountedQuota Vpcs = new("vpc", "L-F678F1CE", CountScope.Region, "VPCs");
    private static readonly CountedQuota Subnets = new("vpc", "L-407747CB", CountScope.Resource, "subnets");
    private static readonly CountedQuota Tables = new("dynamodb", "L-F98FE922", CountScope.Region, "tables");

    private sealed class FakeCounter(string name, IReadOnlyList<CountedQuota> serves, Func<CounterScope, IReadOnlyList<QuotaCount>> count) : IQuotaCounter
    {
        public List<(CounterScope Scope, IReadOnlyCollection<CountedQuota> Wanted)> Calls { get; } = [];

        public string Name => name;

        public UsageSourceKind Kind => UsageSourceKind.DescribeCount;

        public IReadOnlyList<CountedQuota> Serves => serves;

        public Task<IReadOnlyList<QuotaCount>> CountAsync(CounterScope scope, IReadOnlyCollection<CountedQuota> wanted, CancellationToken ct)
        {
            Calls.Add((scope, wanted));
            return Task.FromResult(count(scope));
        }
    }

    private static AwsClients Clients() => new(
        new AwsClientOptions { Region = RegionEndpoint.EUWest1, Credentials = new BasicAWSCredentials("a", "b"), MaxRetries = 0, Transport = new Fakes.ScriptedHandler() },
        new AwsBackendOptions());

    private static UsageQuery Query(CountedQuota quota, string region, double value = 200, UsageMetric? metric = null, bool detailed = true) =>
        new(new QuotaInfo(new QuotaKey(quota.ServiceCode, quota.QuotaCode, region), quota.Counted, value, true, "None", metric), Now.AddMinutes(-5)) { Detailed = detailed };

    [Fact]
    public async Task ACounterIsCalledOncePerRegion_ForEveryQuotaItServes_AndNamesTheFullestResource()
    {
        var ec2 = new FakeCounter("ec2:DescribeVpcs+DescribeSubnets", [Vpcs, Subnets], scope => scope.Region == "eu-west-1"
            ? [new QuotaCount(Vpcs, 3), new QuotaCount(Subnets, 198, new FullestResource("vpc-0abc", 198, "subnets", 3))]
            : [new QuotaCount(Vpcs, 1), new QuotaCount(Subnets, 2, new FullestResource("vpc-0def", 2, "subnets"))]);
        using var clients = Clients();

        var reading = await new CounterReads(clients, [ec2]).ReadAsync(
            [Query(Vpcs, "eu-west-1"), Query(Subnets, "eu-west-1"), Query(Vpcs, "us-east-1"), Query(Subnets, "us-east-1")], new Dictionary<QuotaKey, IReadOnlyList<UsageSample>>(), Now, CancellationToken.None);

        Assert.Equal(["eu-west-1", "us-east-1"], ec2.Calls.Select(c => c.Scope.Region));
        Assert.All(ec2.Calls, c => Assert.Equal([Vpcs, Subnets], c.Wanted));
        var subnets = new QuotaKey("vpc", "L-407747CB", "eu-west-1");
        Assert.Equal([new UsageSample(Now, 198)], reading.Samples[subnets]);
        Assert.Equal([new UsageSample(Now, 1)], reading.Samples[new QuotaKey("vpc", "L-F678F1CE", "us-east-1")]);
        Assert.Equal("vpc-0abc has 198 of 200 subnets", reading.Fullest[subnets].Describe(200));
        Assert.Equal(UsageSourceKind.DescribeCount, reading.ObservedBy[subnets]);
        Assert.Empty(reading.Failures);
    }

    [Fact]
    public async Task AFailingCounter_FailsOnlyItsOwnQuotas_NamingItself()
    {
        var ec2 = new FakeCounter("ec2:DescribeVpcs", [Vpcs], _ => throw new AwsServiceException("UnauthorizedOperation", "You are not authorized to perform this operation.", System.Net.HttpStatusCode.Forbidden, "DescribeVpcs", null));
        var dynamo = new FakeCounter("dynamodb:ListTables", [Tables], _ => [new QuotaCount(Tables, 41)]);
        using var clients = Clients();

        var reading = await new CounterReads(clients, [ec2, dynamo]).ReadAsync([Query(Vpcs, "eu-west-1"), Query(Tables, "eu-west-1")], new Dictionary<QuotaKey, IReadOnlyList<UsageSample>>(), Now, CancellationToken.None);

        Assert.Equal([new QuotaKey("dynamodb", "L-F98FE922", "eu-west-1")], reading.Samples.Keys);
        var failure = Assert.Single(reading.Failures);
        Assert.Equal(new QuotaKey("vpc", "L-F678F1CE", "eu-west-1"), failure.Key);
        Assert.StartsWith("ec2:DescribeVpcs: ", failure.Value, StringComparison.Ordinal);
        Assert.Contains("not authorized", failure.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMeteredQuota_KeepsItsMetric_AndIsCrossCheckedOnlyWhenTheCounterRunsAnyway()
    {
        var metric = new UsageMetric("AWS/Usage", "ResourceCount", new Dictionary<string, string> { ["Resource"] = "vpc" }, "Maximum");
        var ec2 = new FakeCounter("ec2:DescribeVpcs", [Vpcs, Subnets], _ => [new QuotaCount(Vpcs, 4), new QuotaCount(Subnets, 10)]);
        var metered = new Dictionary<QuotaKey, IReadOnlyList<UsageSample>> { [new QuotaKey("vpc", "L-F678F1CE", "eu-west-1")] = [new UsageSample(Now, 2)] };
        using var clients = Clients();
        var counting = new CounterReads(clients, [ec2]);

        var alone = await counting.ReadAsync([Query(Vpcs, "eu-west-1", 5, metric)], metered, Now, CancellationToken.None);
        var together = await counting.ReadAsync([Query(Vpcs, "eu-west-1", 5, metric), Query(Subnets, "eu-west-1")], metered, Now, CancellationToken.None);

        Assert.Empty(alone.Samples);
        Assert.Single(ec2.Calls); // the metered quota alone made no call
        Assert.Equal([new QuotaKey("vpc", "L-407747CB", "eu-west-1")], together.Samples.Keys); // the metric's quota keeps the metric's sample
        var mismatch = Assert.Single(together.Mismatches);
        Assert.Equal("vpc/L-F678F1CE@eu-west-1: the usage metric says 2, ec2:DescribeVpcs counts 4 (more than 10% apart); the metric is used", mismatch.Describe());
    }

    [Theory]
    [InlineData(100, 100, false)]
    [InlineData(100, 109, false)] // within 10 %
    [InlineData(100, 112, true)]
    [InlineData(2, 3, false)] // one unit: a metric lags by a period
    [InlineData(2, 4, true)]
    public void Differ_AllowsTenPercentOrOneUnit(double metric, double counted, bool differ) =>
        Assert.Equal(differ, UsageMismatch.Differ(metric, counted));
}
