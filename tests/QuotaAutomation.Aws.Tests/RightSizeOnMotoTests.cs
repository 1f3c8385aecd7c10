using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Cli.Commands;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Tests;

/// <summary>
/// <c>quotas rightsize --backend aws</c>'s report through the AWS backend's ports: the rules and the usage history in
/// DynamoDB on moto, the quota values and the coverage from Service Quotas (<see cref="FakeServiceQuotas"/>).
/// </summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class RightSizeOnMotoTests(MotoServer moto)
{
    [Fact]
    public async Task Read_OnAws_TakesValuesRulesAndTheDynamoHistory()
    {
        // VPCs (5): a rule with threshold_warning 50, 1 VPC for 36 hours → need 1 ÷ 0.5 = 2, 2.5 × (listed). vCPUs (256):
        // no rule (80 %), 100 for 36 hours → need 125, 2.05 × (listed). The history is read back from DynamoDB.
        using var world = await AwsWorld.CreateAsync(moto);
        world.Quotas.AddQuota("us-east-1", "vpc", "L-F678F1CE", 5, AwsWorld.VpcMetric);
        world.Quotas.AddQuota("us-east-1", "ec2", "L-1216C47A", 256, AwsWorld.Ec2Metric);
        using var backend = world.Backend();
        await backend.Rules.PutAsync(new Dictionary<string, object?>
        {
            ["rule_id"] = "vpcs", ["service_code"] = "vpc", ["quota_code"] = "L-F678F1CE", ["region"] = "us-east-1", ["automation_level"] = "alert_only",
            ["threshold_warning"] = 50,
        }, CancellationToken.None);
        List<UsageSample> Hourly(double value) => Enumerable.Range(0, 36).Select(h => new UsageSample(AwsWorld.Now.AddHours(h - 35), value)).ToList();
        await backend.Ports.History.AppendAsync(new QuotaKey("vpc", "L-F678F1CE", "us-east-1"), Hourly(1), CancellationToken.None);
        await backend.Ports.History.AppendAsync(new QuotaKey("ec2", "L-1216C47A", "us-east-1"), Hourly(100), CancellationToken.None);

        var report = await RightSizeCommand.ReadAsync(backend.Ports, "us-east-1", null, AwsWorld.Now, TimeSpan.FromDays(30), 2, CancellationToken.None);

        Assert.Equal((2, 1.46), (report.QuotasRead, report.LongestDaysRead!.Value));
        Assert.Equal([("L-F678F1CE", "vpcs", 2.0, 2.5), ("L-1216C47A", null, 125.0, 2.048)],
            report.Oversized.Select(r => (r.QuotaCode, r.RuleId, r.Needed, r.Ratio!.Value)));
    }
}
