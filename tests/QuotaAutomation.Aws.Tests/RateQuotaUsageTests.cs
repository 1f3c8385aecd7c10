using System.Text.Json.Nodes;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Tests;

/// <summary>
/// A rate quota's usage in the quota's own period. The quota is a real one from the shared catalog
/// (src/QuotaAutomation.Local/Catalog/quota-catalog.json, source c7n-fixture-2022b: a recorded ListServiceQuotas reply): CloudWatch Logs
/// L-76507CEF "CreateLogStream throttle limit in transactions per second", 50 per <c>Period</c> 1 SECOND, usage metric
/// AWS/Usage CallCount (Class None, Resource CreateLogStream, Service Logs, Type API) with the Sum statistic. The usage
/// is written to moto's CloudWatch; ListServiceQuotas is faked at the transport (moto serves Service Quotas only for vpc).
/// </summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class RateQuotaUsageTests(MotoServer moto)
{
    private const string CallCountMetric = """{"MetricNamespace":"AWS/Usage","MetricName":"CallCount","MetricDimensions":{"Class":"None","Resource":"CreateLogStream","Service":"Logs","Type":"API"},"MetricStatisticRecommendation":"Sum"}""";
    private static readonly QuotaKey Key = new("logs", "L-76507CEF", "us-east-1");

    [Fact]
    public async Task PerSecondQuota_ReadAsA5MinuteSum_IsUsagePerSecond()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        world.Quotas.AddQuota("us-east-1", "logs", "L-76507CEF", 50, CallCountMetric);
        world.Quotas.SetMember("us-east-1", "logs", "L-76507CEF", "Period", new JsonObject { ["PeriodValue"] = 1, ["PeriodUnit"] = "SECOND" });
        await world.PutUsageAsync(CallCountMetric, 6_000, TimeSpan.FromMinutes(30)); // 6,000 calls in each 5 minutes: 20 a second
        using var backend = world.Backend();

        var quota = (await backend.Ports.Quotas.GetQuotasAsync([Key], CancellationToken.None))[Key];
        var usage = await backend.Ports.Usage.GetUsageAsync([new UsageQuery(quota, AwsWorld.Now.AddMinutes(-30))], AwsWorld.Now, CancellationToken.None);

        Assert.Equal(TimeSpan.FromSeconds(1), quota.Period);
        Assert.Equal(Enumerable.Repeat(20.0, 5), usage[Key].Select(s => s.Value)); // 40 % of 50 a second, not 6,000 (12,000 %)
    }

    [Fact]
    public async Task CountQuotaWithAPeriod_ReadAsMaximum_IsNotScaled()
    {
        // Also from the catalog (c7n-recorded-2019): Firehose L-14BB0BE7 "Delivery streams" carries Period 300 SECOND
        // but is a count read with Maximum: a level, not a rate.
        const string streams = """{"MetricNamespace":"AWS/Usage","MetricName":"ResourceCount","MetricDimensions":{"Class":"None","Resource":"DeliveryStreams","Service":"Firehose","Type":"Resource"},"MetricStatisticRecommendation":"Maximum"}""";
        var key = new QuotaKey("firehose", "L-14BB0BE7", "us-east-1");
        using var world = await AwsWorld.CreateAsync(moto);
        world.Quotas.AddQuota("us-east-1", "firehose", "L-14BB0BE7", 50, streams);
        world.Quotas.SetMember("us-east-1", "firehose", "L-14BB0BE7", "Period", new JsonObject { ["PeriodValue"] = 300, ["PeriodUnit"] = "SECOND" });
        await world.PutUsageAsync(streams, 12, TimeSpan.FromMinutes(10));
        using var backend = world.Backend();

        var quota = (await backend.Ports.Quotas.GetQuotasAsync([key], CancellationToken.None))[key];
        var usage = await backend.Ports.Usage.GetUsageAsync([new UsageQuery(quota, AwsWorld.Now.AddMinutes(-10))], AwsWorld.Now, CancellationToken.None);

        Assert.Equal([new UsageSample(AwsWorld.Now.AddMinutes(-5), 12)], usage[key]);
    }
}
