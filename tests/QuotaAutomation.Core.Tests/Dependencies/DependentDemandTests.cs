using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Dependencies;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Events;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Tests.Engine;
using static QuotaAutomation.Core.Tests.Fakes.TestRules;

namespace QuotaAutomation.Core.Tests.Dependencies;

/// <summary>
/// Every increase checks the dependents the cycle observes. The account: 120 of 128 On-Demand Standard vCPUs (93.75 %,
/// critical: ×1.5 = 192, so +64 vCPUs) and 30 network interfaces per 120 vCPUs (a quarter each, in use): the raise needs
/// 16 more network interfaces, 46 of a quota of 40.
/// </summary>
public class DependentDemandTests
{
    // These cases pin v1's wording (the forecast's peak); risk sizing's dependents are in RiskSizingEngineTests.
    private static EngineFixture Account(string eniLevel, double eniQuota = 40, EngineOptions? options = null)
    {
        var f = new EngineFixture((options ?? new EngineOptions()) with { Sizing = SizingPolicy.V1 });
        f.Account.Add("ec2", "L-1216C47A", 128, _ => 120);
        f.Account.Add("vpc", "L-DF5E4CA3", eniQuota, _ => 30);
        f.Stores.Rules.Add(Item("vcpus", "ec2", "L-1216C47A", "full_auto"));
        f.Stores.Rules.Add(Item("enis", "vpc", "L-DF5E4CA3", eniLevel));
        return f;
    }

    private static QuotaDecision DecisionOf(CycleReport report, string ruleId) => report.Rules.Single(r => r.Decision.RuleId == ruleId).Decision;

    [Fact]
    public async Task Increase_RaisesAFullAutoDependent_NamingTheChain()
    {
        var f = Account("full_auto");

        var report = await f.CycleAsync();

        var vcpus = Assert.IsType<RequestIncrease>(DecisionOf(report, "vcpus"));
        var enis = Assert.IsType<RequestIncrease>(DecisionOf(report, "enis"));
        Assert.Equal((128.0, 192.0, 40.0, 80.0), (vcpus.CurrentValue, vcpus.DesiredValue, enis.CurrentValue, enis.DesiredValue));
        Assert.StartsWith("usage 30, expected 46 (ec2/L-1216C47A +64 vCPUs → vpc/L-DF5E4CA3 needs 16 more network interfaces) of quota 40 = 115% reached emergency: emergency increase ×2, 40 → 80",
            enis.Reason, StringComparison.Ordinal);
        Assert.Equal([("ec2", 192.0), ("vpc", 80.0)], f.Account.Requests.Select(r => (r.Quota.ServiceCode, r.DesiredValue)).OrderBy(r => r.ServiceCode));
    }

    [Fact]
    public async Task Increase_AlertsAnAlertOnlyDependent_NamingTheChain()
    {
        var f = Account("alert_only");

        var report = await f.CycleAsync();

        var enis = Assert.IsType<Alert>(DecisionOf(report, "enis"));
        Assert.Equal("usage 30, expected 46 (ec2/L-1216C47A +64 vCPUs → vpc/L-DF5E4CA3 needs 16 more network interfaces) of quota 40 = 115% reached emergency 95%", enis.Reason);
        Assert.Equal(Severity.Emergency, enis.Severity);
        Assert.Single(f.Account.Requests); // the vCPUs only
    }

    [Fact]
    public async Task Increase_HoldsADependentWithARequestAlreadyOpen()
    {
        var f = Account("full_auto");
        await f.CycleAsync(); // files 40 → 80 for the interfaces, still pending; the vCPUs' request is approved
        f.Account.Decide(f.Account.Requests.Single(r => r.Quota.ServiceCode == "ec2").Id, approve: true);
        f.Account.Usage[new("ec2", "L-1216C47A", "us-east-1")] = _ => 180; // 93.75 % of 192 again: ×1.5 = 288, +96 vCPUs
        f.Account.Usage[new("vpc", "L-DF5E4CA3", "us-east-1")] = _ => 45;

        var report = await f.CycleAsync();

        var held = Assert.IsType<Held>(DecisionOf(report, "enis"));
        Assert.StartsWith("a request or approval for vpc/L-DF5E4CA3@us-east-1 is already open; wanted usage 45, expected 69 (ec2/L-1216C47A +96 vCPUs → vpc/L-DF5E4CA3 needs 24 more network interfaces)",
            held.Reason, StringComparison.Ordinal);
        Assert.Empty(f.Account.Violations);
    }

    [Fact]
    public async Task Increase_LeavesADependentWhoseForecastAlreadyCoversIt()
    {
        var f = Account("full_auto", eniQuota: 1000);

        var report = await f.CycleAsync();

        var enis = Assert.IsType<NoAction>(DecisionOf(report, "enis"));
        Assert.Equal("usage 30, expected 46 (ec2/L-1216C47A +64 vCPUs → vpc/L-DF5E4CA3 needs 16 more network interfaces) of quota 1,000 = 4.6%, below warning 70%", enis.Reason);
    }

    [Fact]
    public async Task CountDependent_NeedsWholeUnits()
    {
        var f = Account("alert_only");
        f.Account.Usage[new("vpc", "L-DF5E4CA3", "us-east-1")] = _ => 31; // 31 per 120 vCPUs: 64 × 0.258 = 16.5, so 17

        var report = await f.CycleAsync();

        Assert.StartsWith("usage 31, expected 48 (ec2/L-1216C47A +64 vCPUs → vpc/L-DF5E4CA3 needs 17 more network interfaces)", DecisionOf(report, "enis").Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoIncrease_LeavesTheDependentAsItsOwnRuleDecided()
    {
        var f = Account("full_auto");
        f.Account.Usage[new("ec2", "L-1216C47A", "us-east-1")] = _ => 60; // 47 %: no increase

        var report = await f.CycleAsync();

        Assert.Equal("usage 30 of quota 40 = 75% reached warning: pre-emptive increase ×1.2, 40 → 48; est. $57.6/month", DecisionOf(report, "enis").Reason);
    }

    [Fact]
    public async Task WithoutTheMap_TheDependentIsNotChecked()
    {
        var f = Account("alert_only", options: new EngineOptions { Dependencies = QuotaDependencies.None });

        var report = await f.CycleAsync();

        Assert.Equal("usage 30 of quota 40 = 75% reached warning 70%", DecisionOf(report, "enis").Reason);
    }

    [Fact]
    public async Task Chain_ARaisedDependentPassesItsRaiseOn()
    {
        var map = QuotaDependencies.Parse("""
            { "dependencies": [
              { "from": ["ec2/L-1216C47A"], "unit": "vCPUs", "consumes": [ { "quota": "vpc/L-DF5E4CA3", "noun": "network interfaces", "basis": "fixed", "per_unit": 0.25, "provenance": "test" } ] },
              { "from": ["vpc/L-DF5E4CA3"], "unit": "network interfaces", "consumes": [ { "quota": "ec2/L-0263D0A3", "noun": "Elastic IPs", "basis": "fixed", "per_unit": 0.5, "provenance": "test" } ] } ] }
            """).Value;
        var f = Account("full_auto", options: new EngineOptions { Dependencies = map });
        f.Account.Add("ec2", "L-0263D0A3", 25, _ => 10);
        f.Stores.Rules.Add(Item("eips", "ec2", "L-0263D0A3", "alert_only"));

        var report = await f.CycleAsync();

        Assert.Equal("usage 10, expected 30 (ec2/L-1216C47A +64 vCPUs → vpc/L-DF5E4CA3 +40 network interfaces → ec2/L-0263D0A3 needs 20 more Elastic IPs) of quota 25 = 120% reached emergency 95%",
            DecisionOf(report, "eips").Reason);
    }

    [Fact]
    public async Task InUse_WithTheSourcesNotInUse_TakesTheMapsRatio()
    {
        var f = new EngineFixture(new EngineOptions { Sizing = SizingPolicy.V1 });
        var albs = new QuotaKey("elasticloadbalancing", "L-53DA6B97", "us-east-1");
        f.Account.Add("elasticloadbalancing", "L-53DA6B97", 4, _ => 0); // no load balancer yet: a deployment announces 3
        f.Account.Add("elasticloadbalancing", "L-B22855CB", 6, _ => 4);
        f.Stores.Rules.Add(Item("albs", "elasticloadbalancing", "L-53DA6B97", "full_auto"));
        f.Stores.Rules.Add(Item("tgs", "elasticloadbalancing", "L-B22855CB", "alert_only"));

        var report = await f.Engine.RunCycleAsync(new Dictionary<QuotaKey, Expectation> { [albs] = new(1, 0, null, "deployment", AddUnits: 3) }, CancellationToken.None);

        Assert.Equal(5, Assert.IsType<RequestIncrease>(DecisionOf(report, "albs")).DesiredValue); // 3 of 4: ×1.2 → 5
        Assert.Equal("usage 4, expected 5 (elasticloadbalancing/L-53DA6B97 +1 Application Load Balancers → elasticloadbalancing/L-B22855CB needs 1 more target groups) of quota 6 = 83.3% reached warning 70%",
            DecisionOf(report, "tgs").Reason);
    }
}
