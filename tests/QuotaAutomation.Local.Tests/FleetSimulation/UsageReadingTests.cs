using QuotaAutomation.Local.FleetSimulation;

namespace QuotaAutomation.Local.Tests.FleetSimulation;

public sealed class UsageReadingTests
{
    private static readonly IReadOnlyList<RecordedCall> Cycle =
    [
        new(0, new ApiCall(AwsServices.DynamoDb, "Scan", Hub: true, "rules", ReadUnits: 1), []),
        new(1, new ApiCall(AwsServices.ServiceQuotas, "ListServiceQuotas", Hub: false), [0]),
        new(2, new ApiCall(AwsServices.CloudWatch, "GetMetricData", Hub: false, Metrics: 500), [1]),
        new(3, new ApiCall(AwsServices.CloudWatch, "GetMetricData", Hub: false, Metrics: 300), [2]),
        new(4, new ApiCall(AwsServices.DynamoDb, "Query", Hub: true, "usage", ReadUnits: 25), [3]),
    ];

    [Fact]
    public void Metrics_EveryQuotaEveryCycle_IsTheEngineAsExecuted() =>
        Assert.Same(Cycle, UsageReading.Apply(Cycle, UsageMode.Metrics, 1));

    [Fact]
    public void Metrics_CadenceShare_ReadsThatShareOfTheMetrics()
    {
        var calls = UsageReading.Apply(Cycle, UsageMode.Metrics, 0.1);

        Assert.Equal(["dynamodb:Scan", "servicequotas:ListServiceQuotas", "monitoring:GetMetricData", "dynamodb:Query"], calls.Select(c => c.Call.Name));
        Assert.Equal(80, calls[2].Call.Metrics);
        Assert.Equal([[], [0], [1], [2]], calls.Select(c => c.WaitsFor));
    }

    [Fact]
    public void Report_ReplacesListingsAndMetricReads_WithTheReportAndTheCadenceShare()
    {
        var calls = UsageReading.Apply(Cycle, UsageMode.Report, 0.01);

        Assert.Equal(["dynamodb:Scan", "servicequotas:StartQuotaUtilizationReport", "servicequotas:GetQuotaUtilizationReport",
            "servicequotas:GetQuotaUtilizationReport", "monitoring:GetMetricData", "dynamodb:Query"], calls.Select(c => c.Call.Name));
        Assert.Equal(8, calls[4].Call.Metrics);
        Assert.Equal([[], [0], [1], [2], [3], [4]], calls.Select(c => c.WaitsFor));
    }

    [Fact]
    public void Report_NoShare_ReadsNoMetrics() =>
        Assert.DoesNotContain(UsageReading.Apply(Cycle, UsageMode.Report, 0), c => c.Call.Service == AwsServices.CloudWatch);
}
