using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Events;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Tests.Engine;
using static QuotaAutomation.Core.Tests.Fakes.TestRules;

namespace QuotaAutomation.Core.Tests.Events;

public class EventExpectationsTests
{
    private static readonly QuotaKey Vcpus = new("ec2", "L-1216C47A", "us-east-1");
    private static readonly QuotaKey Vpcs = new("vpc", "L-F678F1CE", "us-east-1");
    private static readonly QuotaKey Lambda = new("lambda", "L-B99A9384", "us-east-1");
    private static readonly QuotaKey VcpusWest = Vcpus with { Region = "us-west-2" };
    private static readonly QuotaKey Enis = new("vpc", "L-DF5E4CA3", "us-east-1");

    [Fact]
    public void ScaleUp_CoversTheServiceAndTheQuotasItsQuotasConsumeInTheRegion()
    {
        var expectations = EventExpectations.ScaleUp("ec2", "us-east-1", 1.5, [Vcpus, Vpcs, Lambda, VcpusWest, Enis]);

        Assert.Equal([Vcpus, Enis], expectations.Keys.OrderBy(k => k.ServiceCode));
        Assert.Equal((0.0, 60.0), (expectations[Vcpus].MinUtilizationPercent, expectations[Enis].MinUtilizationPercent));
        Assert.Equal("ec2 scaling up ×1.5 in us-east-1 (consumed by ec2/L-1216C47A, ec2/L-DB2E81BA, ec2/L-417A185B, ec2/L-7295265B, ec2/L-74FC7D96, ec2/L-1945791B, ec2/L-6E869C2A, ec2/L-2C3B7624; above 60%)",
            expectations[Enis].Reason);
    }

    [Fact]
    public void Failover_TargetQuotasCarryTheSourceUsage_WhenTheSourceIsGoverned()
    {
        var expectations = EventExpectations.Failover("us-east-1", "us-west-2", null, [Vcpus, VcpusWest, Vpcs with { Region = "us-west-2" }]);

        var only = Assert.Single(expectations);
        Assert.Equal((VcpusWest, Vcpus), (only.Key, only.Value.AddUsageOf));
        Assert.Equal(130, only.Value.ExpectedUsage(30, 100));
    }

    [Fact]
    public void Spike_IsMeasuredAgainstThe24HourMedian()
    {
        var now = new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
        var history = Enumerable.Range(1, 288).Select(i => new UsageSample(now.AddMinutes(-5 * i), i % 50 == 0 ? 900 : 100)).ToList();

        Assert.Equal((SpikeLevel.High, 3.0), SpikeClassifier.Classify(300, history, now) is var a ? (a.Level, a.Ratio) : default);
        Assert.Equal(SpikeLevel.Medium, SpikeClassifier.Classify(250, history, now).Level);
        Assert.Equal(SpikeLevel.Low, SpikeClassifier.Classify(150, history, now).Level);
    }

    [Fact]
    public async Task Engine_WithAScaleUpExpectation_RequestsBeforeUsageGrows()
    {
        var f = new EngineFixture(new EngineOptions { Sizing = SizingPolicy.V1 }); // v1's wording; risk sizing's: RiskSizingEngineTests
        f.Account.Add("ec2", "L-1216C47A", 100, _ => 50);
        f.Stores.Rules.Add(Item("vcpus", "ec2", "L-1216C47A", "full_auto"));

        var report = await f.Engine.RunCycleAsync(EventExpectations.ScaleUp("ec2", "us-east-1", 2, [Vcpus]), CancellationToken.None);

        var decision = Assert.Single(report.Rules).Decision;
        Assert.Equal("request_increase", decision.Kind);
        Assert.StartsWith("usage 50, expected 100 (ec2 scaling up ×2 in us-east-1: expect 100) of quota 100 = 100% reached emergency: emergency increase ×2, 100 → 200", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Engine_DependentBelowSixtyPercent_IsLeftAlone()
    {
        var f = new EngineFixture();
        f.Account.Add("vpc", "L-DF5E4CA3", 100, _ => 50);
        f.Stores.Rules.Add(Item("enis", "vpc", "L-DF5E4CA3", "full_auto"));

        var report = await f.Engine.RunCycleAsync(EventExpectations.ScaleUp("ec2", "us-east-1", 3, [Enis]), CancellationToken.None);

        Assert.Equal("none", Assert.Single(report.Rules).Decision.Kind);
    }

    [Fact]
    public async Task Engine_Failover_RaisesTheTargetToCarryTheSource()
    {
        var f = new EngineFixture();
        f.Account.Add("ec2", "L-1216C47A", 1000, _ => 600);
        f.Account.Add("ec2", "L-1216C47A", 500, _ => 100, region: "us-west-2");
        f.Stores.Rules.Add(Item("east", "ec2", "L-1216C47A", "alert_only"));
        f.Stores.Rules.Add(Item("west", "ec2", "L-1216C47A", "full_auto", ("region", "us-west-2")));

        var report = await f.Engine.RunCycleAsync(EventExpectations.Failover("us-east-1", "us-west-2", null, [Vcpus, VcpusWest]), CancellationToken.None);

        var west = (Core.Decisions.RequestIncrease)report.Rules.Single(r => r.Decision.RuleId == "west").Decision;
        Assert.Equal(1000, west.DesiredValue); // 700 expected of 500 = 140 %: emergency ×2 = 1000, above 700 ÷ 0.7 = 1000
    }
}
