using System.Text.Json;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Aws.Tests.Fakes;

namespace QuotaAutomation.Aws.Tests;

/// <summary>The real Service Quotas responses recorded in the AWS CLI documentation (ApiExamples/, provenance in its README) parse into our records.</summary>
public class ApiExamplesTests
{
    private static T Read<T>(string file)
    {
        var path = Path.Combine(Testing.Repository.Root, "tests", "QuotaAutomation.Aws.Tests", "ApiExamples", file);
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("response").Deserialize<T>(AwsJson.Pascal)!;
    }

    [Fact]
    public void GetServiceQuota_Example_ParsesWithItsUsageMetric()
    {
        var quota = Read<GetServiceQuotaResponse>("get-service-quota.json").Quota!;

        Assert.Equal(("ec2", "L-1216C47A", 1920.0), (quota.ServiceCode, quota.QuotaCode, quota.Value));
        Assert.Equal(("AWS/Usage", "ResourceCount", "Maximum"), (quota.UsageMetric!.MetricNamespace, quota.UsageMetric.MetricName, quota.UsageMetric.MetricStatisticRecommendation));
        Assert.Equal("Standard/OnDemand", quota.UsageMetric.MetricDimensions!["Class"]);
    }

    [Fact]
    public void RequestIncrease_Example_ParsesItsStatusAndEpochTimes()
    {
        var change = Read<RequestServiceQuotaIncreaseResponse>("request-service-quota-increase.json").RequestedQuota!;

        Assert.Equal("PENDING", change.Status);
        Assert.NotNull(change.Id);
        Assert.InRange(change.Created!.Value.Year, 2019, 2030);
    }

    [Fact]
    public void OtherExamples_ParseIntoTheirShapes()
    {
        Assert.NotNull(Read<GetAWSDefaultServiceQuotaResponse>("get-aws-default-service-quota.json").Quota?.Value);
        Assert.NotEmpty(Read<ListServiceQuotasResponse>("list-service-quotas.json").Quotas!);
        Assert.NotEmpty(Read<ListServiceQuotasResponse>("list-aws-default-service-quotas.json").Quotas!);
        Assert.NotNull(Read<GetRequestedServiceQuotaChangeResponse>("get-requested-service-quota-change.json").RequestedQuota?.Status);
        Assert.NotEmpty(Read<ListRequestedServiceQuotaChangeHistoryByQuotaResponse>("list-requested-service-quota-change-history-by-quota.json").RequestedQuotas!);
    }
}
