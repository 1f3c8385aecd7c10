using System.Globalization;
using Amazon;
using Amazon.Runtime;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Tests;

/// <summary>
/// Deterministic counts of AWS API calls per cycle (docs/benchmarks.md), from the counting fake transport:
/// 1,000 rules over 20 services and 3 Regions, read the way the engine reads them, against one call per rule.
/// </summary>
public class ApiCallCountTests
{
    private static readonly string[] Regions = ["us-east-1", "eu-west-1", "ap-southeast-2"];
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static (FakeServiceQuotas Fake, AwsClients Clients, List<QuotaKey> Keys) World(int rules, int services)
    {
        var fake = new FakeServiceQuotas { MetricValue = _ => 42 };
        var keys = new List<QuotaKey>();
        for (var i = 0; i < rules; i++)
        {
            var service = string.Create(CultureInfo.InvariantCulture, $"svc{i % services:D2}");
            var region = Regions[i / services % Regions.Length];
            var code = string.Create(CultureInfo.InvariantCulture, $"L-{i:D8}");
            fake.AddQuota(region, service, code, 100, $$"""{"MetricNamespace":"AWS/Usage","MetricName":"ResourceCount","MetricDimensions":{"Service":"{{service}}","Type":"Resource","Resource":"{{code}}","Class":"None"},"MetricStatisticRecommendation":"Maximum"}""");
            keys.Add(new QuotaKey(service, code, region));
        }
        var options = new AwsClientOptions { Region = RegionEndpoint.USEast1, Credentials = new BasicAWSCredentials("a", "b"), MaxRetries = 0, Transport = fake };
        return (fake, new AwsClients(options, new AwsBackendOptions()), keys);
    }

    [Fact]
    public async Task OneCycle_1000Rules20Services3Regions_Makes63ReadCallsInsteadOf2000()
    {
        var (fake, clients, keys) = World(1000, 20);

        var quotas = await new AwsQuotaSource(clients).GetQuotasAsync(keys, CancellationToken.None);
        var usage = await new AwsUsageSource(clients).GetUsageAsync(quotas.Values.Select(q => new UsageQuery(q, Now.AddMinutes(-5))).ToList(), Now, CancellationToken.None);

        Assert.Equal(1000, quotas.Count);
        Assert.Equal(1000, usage.Count(u => u.Value.Count == 1)); // one new 5-minute sample each: a steady-state cycle
        Assert.Equal((60, 0, 3), (fake.Calls("ListServiceQuotas"), fake.Calls("GetServiceQuota"), fake.Calls("GetMetricData")));
    }

    [Fact]
    public async Task OneCallPerRule_ForComparison_Makes2000()
    {
        var (fake, clients, keys) = World(1000, 20);

        foreach (var key in keys)
        {
            var quota = AwsQuotaSource.ToInfo(key, (await clients.ServiceQuotas(key).GetServiceQuotaAsync(new(key.ServiceCode, key.QuotaCode), CancellationToken.None)).Quota)!;
            await new AwsUsageSource(clients).GetUsageAsync([new UsageQuery(quota, Now.AddMinutes(-5))], Now, CancellationToken.None);
        }

        Assert.Equal((1000, 1000), (fake.Calls("GetServiceQuota"), fake.Calls("GetMetricData")));
    }

    [Theory]
    [InlineData(3000, 20, 60, 6)]   // 50 quotas per service and Region: one page each; 1,000 metrics per Region: 2 calls each
    [InlineData(6000, 20, 60, 12)]  // 100 per service and Region: one full page each; 2,000 metrics per Region: 4 calls each
    [InlineData(9000, 20, 120, 18)] // 150 per service and Region: two pages each; 3,000 metrics per Region: 6 calls each
    public async Task LargerAccounts_ScaleWithServicesRegionsAndPagesNotRules(int rules, int services, int listings, int metricCalls)
    {
        var (fake, clients, keys) = World(rules, services);

        var quotas = await new AwsQuotaSource(clients).GetQuotasAsync(keys, CancellationToken.None);
        await new AwsUsageSource(clients).GetUsageAsync(quotas.Values.Select(q => new UsageQuery(q, Now.AddMinutes(-5))).ToList(), Now, CancellationToken.None);

        Assert.Equal((listings, metricCalls), (fake.Calls("ListServiceQuotas"), fake.Calls("GetMetricData")));
    }

    [Fact]
    public async Task FirstRead_1000QuotasOneRegion_2000Metrics_In7CallsThatFitOnePageEach()
    {
        var (fake, clients, keys) = World(1000, 20);
        var quotas = await new AwsQuotaSource(clients).GetQuotasAsync(keys.Where(k => k.Region == "us-east-1").ToList(), CancellationToken.None);
        var source = new AwsUsageSource(clients);

        await source.GetUsageAsync(quotas.Values.Select(q => new UsageQuery(q, Now.AddDays(-14))).ToList(), Now, CancellationToken.None);

        var bodies = fake.Seen.Where(s => s.Target.EndsWith(".GetMetricData", StringComparison.Ordinal)).Select(s => System.Text.Json.Nodes.JsonNode.Parse(s.Body)!).ToList();
        Assert.Equal((340, 680), (quotas.Count, source.MetricsRequested)); // two metrics a quota: its hourly and its 5-minute part
        // 311 hourly periods: 324 queries fit 100,800 data points; 299 five-minute periods: 337.
        Assert.Equal([(3600, 324), (3600, 16), (300, 337), (300, 3)], bodies.Select(b => ((int)b["MetricDataQueries"]![0]!["MetricStat"]!["Period"]!, b["MetricDataQueries"]!.AsArray().Count)).ToList());
    }
}
