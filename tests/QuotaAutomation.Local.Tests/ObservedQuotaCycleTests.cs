using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Local.Simulation;

namespace QuotaAutomation.Local.Tests;

/// <summary>The real engine on the embedded backend, for a quota counted per resource (subnets per VPC, sample rule subnets-per-vpc-use1).</summary>
public sealed class ObservedQuotaCycleTests : IAsyncLifetime
{
    private readonly TempDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task Cycle_PerResourceQuota_DecisionNamesTheFullestResource()
    {
        var backend = await _db.OpenAsync();

        var report = await TempDatabase.CycleAsync(backend, TempDatabase.Engine(backend));

        var decision = Assert.Single(report.Rules, r => r.Decision.RuleId == "subnets-per-vpc-use1").Decision;
        Assert.Equal(("alert_emergency", "usage 196 of quota 200 = 98% reached emergency 95%; vpc-0d31405905301f9e9 has 196 of 200 subnets"),
            (decision.Kind, decision.Reason));
    }

    [Fact]
    public async Task Cycle_FailingSource_TheRuleNamesTheSourceAndWhy()
    {
        var backend = await _db.OpenAsync(new SimulationOptions { FailingSources = new HashSet<string> { "ec2:DescribeSubnets" } });

        var report = await TempDatabase.CycleAsync(backend, TempDatabase.Engine(backend));

        var decision = Assert.IsType<Failed>(Assert.Single(report.Rules, r => r.Decision.RuleId == "subnets-per-vpc-use1").Decision);
        Assert.Equal("rule 'subnets-per-vpc-use1': could not observe the usage of vpc/L-407747CB@us-east-1: ec2:DescribeSubnets: AccessDenied: the simulated account refuses this call (the simulation's failing sources name it)",
            decision.Reason);
        Assert.Equal("alert_warning", Assert.Single(report.Rules, r => r.Decision.RuleId == "vpcs-use1").Decision.Kind); // the other rules decide as before
    }
}
