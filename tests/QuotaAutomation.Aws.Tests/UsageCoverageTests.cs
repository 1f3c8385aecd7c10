using Amazon;
using Amazon.Runtime;
using Microsoft.Extensions.Time.Testing;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Adapters.Counting;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Aws.Tests;

/// <summary>
/// What the AWS backend says it observes (<see cref="AwsUsageCoverage"/>): the wildcard rules' expansion and the coverage
/// report. moto 5.2.1 serves neither ListServiceQuotas nor the utilization report for these services, so Service
/// Quotas is <see cref="FakeServiceQuotas"/> at the transport, in the real wire shapes; the counter is an in-process fake
/// (each real counter has its own tests).
/// </summary>
public sealed class UsageCoverageTests
{
    private sealed class FakeCounter(UsageSourceKind kind, string name, params CountedQuota[] serves) : IQuotaCounter
    {
        public string Name => name;

        public UsageSourceKind Kind => kind;

        public IReadOnlyList<CountedQuota> Serves => serves;

        public Task<IReadOnlyList<QuotaCount>> CountAsync(CounterScope scope, IReadOnlyCollection<CountedQuota> wanted, CancellationToken ct) =>
            throw new InvalidOperationException("coverage never counts");
    }

    private static readonly IQuotaCounter[] Counters =
    [
        new FakeCounter(UsageSourceKind.DescribeCount, "ec2:DescribeSubnets", new CountedQuota("vpc", "L-407747CB", CountScope.Resource, "subnets")),
        // VPCs have a usage metric too: the metric wins.
        new FakeCounter(UsageSourceKind.DescribeCount, "ec2:DescribeVpcs", new CountedQuota("vpc", "L-F678F1CE", CountScope.Region, "VPCs")),
        new FakeCounter(UsageSourceKind.AccountLimitApi, "iam:GetAccountSummary", new CountedQuota("iam", "L-FE177D64", CountScope.Account, "roles")),
    ];

    private static (FakeServiceQuotas Fake, AwsClients Clients, FakeTimeProvider Time) Account()
    {
        var fake = new FakeServiceQuotas { ServeReports = true, ReportReadyAtStart = true };
        fake.AddQuota("us-east-1", "vpc", "L-F678F1CE", 5, AwsWorld.VpcMetric);
        fake.AddQuota("us-east-1", "vpc", "L-407747CB", 200);
        fake.AddQuota("us-east-1", "vpc", "L-2AFB9258", 5);
        fake.AddQuota("us-east-1", "ec2", "L-1216C47A", 64, AwsWorld.Ec2Metric);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        fake.Clock = time;
        var clients = new AwsClients(new AwsClientOptions
        {
            Region = RegionEndpoint.USEast1, Credentials = new BasicAWSCredentials("testing", "testing"),
            EndpointUrl = new Uri("http://127.0.0.1:1/"), MaxRetries = 0, Transport = fake,
        }, new AwsBackendOptions());
        return (fake, clients, time);
    }

    private static string Row(Core.Ports.ObservableQuota q) => $"{q.Key.ServiceCode}/{q.Key.QuotaCode} {q.Source.Name()} {q.SourceName}";

    [Fact]
    public async Task ListVpc_WithUnobserved_EachQuotaByItsBestSource()
    {
        var (fake, clients, time) = Account();
        using var _ = fake;
        using var __ = clients;

        var quotas = await new AwsUsageCoverage(clients, time, counters: Counters).ListAsync(null, "us-east-1", "vpc", includeUnobserved: true, CancellationToken.None);

        Assert.Equal([
            "vpc/L-2AFB9258 none ",
            "vpc/L-407747CB describe-count ec2:DescribeSubnets",
            "vpc/L-A4707A72 trusted-advisor VPC Internet Gateways: Internet gateways",
            "vpc/L-F678F1CE metric AWS/Usage ResourceCount",
        ], quotas.Select(Row));
        Assert.Equal("vpc quota L-407747CB", quotas[1].QuotaName);
        Assert.Equal((0, 1, 0), (fake.Calls("ListServices"), fake.Calls("ListServiceQuotas"), fake.Calls("StartQuotaUtilizationReport")));
    }

    [Fact]
    public async Task ListEveryService_Observed_ReadsTheUtilizationReportNotTheListings()
    {
        var (fake, clients, time) = Account();
        using var _ = fake;
        using var __ = clients;

        var quotas = await new AwsUsageCoverage(clients, time, counters: Counters).ListAsync(null, "us-east-1", null, includeUnobserved: false, CancellationToken.None);

        Assert.DoesNotContain(quotas, q => q.Source == UsageSourceKind.None);
        Assert.Equal(["ec2/L-1216C47A metric AWS/Usage usage metric", "iam/L-FE177D64 account-limit-api iam:GetAccountSummary", "vpc/L-F678F1CE metric AWS/Usage usage metric"],
            quotas.Where(q => q.Source != UsageSourceKind.TrustedAdvisor && q.Key.QuotaCode != "L-407747CB").Select(Row));
        Assert.Equal((0, 0, 1), (fake.Calls("ListServices"), fake.Calls("ListServiceQuotas"), fake.Calls("StartQuotaUtilizationReport")));
    }

    [Fact]
    public async Task List_AgainWithinAnHour_IsKept_AfterItIsAskedAgain()
    {
        var (fake, clients, time) = Account();
        using var _ = fake;
        using var __ = clients;
        var coverage = new AwsUsageCoverage(clients, time, counters: Counters);

        await coverage.ListAsync(null, "us-east-1", "vpc", includeUnobserved: false, CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(55));
        await coverage.ListAsync(null, "us-east-1", "vpc", includeUnobserved: false, CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(10));
        await coverage.ListAsync(null, "us-east-1", "vpc", includeUnobserved: false, CancellationToken.None);

        Assert.Equal(2, fake.Calls("ListServiceQuotas"));
    }
}
