using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Tests.Fakes;
using QuotaAutomation.Core.Usage;
using static QuotaAutomation.Core.Tests.Fakes.TestRules;

namespace QuotaAutomation.Core.Tests.Engine;

public class WildcardRuleTests
{
    /// <summary>Three observed quotas (VPCs 4 of 5, subnets 10 of 200, vCPUs 90 of 100) and a fake coverage over them.</summary>
    private static (EngineFixture Fixture, FakeCoverage Coverage) Observed()
    {
        FakeCoverage? coverage = null;
        var f = new EngineFixture(coverage: account => coverage = new FakeCoverage(account));
        f.Account.Add("vpc", "L-F678F1CE", 5, _ => 4);
        f.Account.Add("vpc", "L-407747CB", 200, _ => 10);
        f.Account.Add("ec2", "L-1216C47A", 100, _ => 90);
        return (f, coverage!); // set by the fixture's constructor
    }

    [Fact]
    public async Task RunCycle_StarStarRule_DecidesEveryObservedQuotaUnderItsOwnId()
    {
        var (f, _) = Observed();
        f.Stores.Rules.Add(Item("all", "*", "*", "alert_only"));

        var report = await f.CycleAsync();

        Assert.Equal(["all/ec2/L-1216C47A alert_critical", "all/vpc/L-407747CB none", "all/vpc/L-F678F1CE alert_warning"],
            report.Rules.Select(r => $"{r.Decision.RuleId} {r.Decision.Kind}"));
        Assert.Empty(f.Account.Requests);
    }

    [Fact]
    public async Task RunCycle_RuleNamingTheQuota_WinsItOverTheWildcard()
    {
        var (f, _) = Observed();
        f.Stores.Rules.Add(Item("all", "*", "*", "alert_only"));
        f.Stores.Rules.Add(Item("vcpus", "ec2", "L-1216C47A", "full_auto"));

        var report = await f.CycleAsync();

        Assert.Equal(["vcpus request_increase", "all/vpc/L-407747CB none", "all/vpc/L-F678F1CE alert_warning"],
            report.Rules.Select(r => $"{r.Decision.RuleId} {r.Decision.Kind}"));
    }

    [Fact]
    public async Task RunCycle_ServiceWildcard_WinsItsServiceOverStarStar()
    {
        var (f, _) = Observed();
        f.Stores.Rules.Add(Item("all", "*", "*", "alert_only"));
        f.Stores.Rules.Add(Item("vpc-all", "vpc", "*", "monitor_only"));

        var report = await f.CycleAsync();

        Assert.Equal(["all/ec2/L-1216C47A alert_critical", "vpc-all/vpc/L-407747CB none", "vpc-all/vpc/L-F678F1CE none"],
            report.Rules.Select(r => $"{r.Decision.RuleId} {r.Decision.Kind}"));
    }

    [Fact]
    public async Task RunCycle_DisabledRuleNamingAQuota_LeavesItOutOfTheWildcard()
    {
        var (f, _) = Observed();
        f.Stores.Rules.Add(Item("all", "*", "*", "alert_only"));
        f.Stores.Rules.Add(Item("no-vcpus", "ec2", "L-1216C47A", "alert_only", ("enabled", false)));

        var report = await f.CycleAsync();

        Assert.Equal(["all/vpc/L-407747CB", "all/vpc/L-F678F1CE"], report.Rules.Select(r => r.Decision.RuleId));
    }

    [Fact]
    public async Task RunCycle_WildcardRules_AuditedOnceWithTheirCounts()
    {
        var (f, _) = Observed();
        f.Stores.Rules.Add(Item("all", "*", "*", "alert_only"));
        f.Stores.Rules.Add(Item("vpc-all", "vpc", "*", "monitor_only"));
        f.Stores.Rules.Add(Item("vcpus", "ec2", "L-1216C47A", "full_auto"));

        await f.CycleAsync();

        var record = Assert.Single(f.Stores.Audit, a => a.Action == "wildcards_expanded");
        Assert.Equal("2 rules from 2 wildcard rule(s): rule 'vpc-all' (vpc/*@us-east-1): 2 of 2 observed quotas (0 have their own rule, 0 a narrower wildcard); "
            + "rule 'all' (*/*@us-east-1): 0 of 3 observed quotas (1 have their own rule, 2 a narrower wildcard)", record.Message);
    }

    [Fact]
    public async Task RunCycle_ServiceWildcardAlone_ListsOnlyThatService()
    {
        var (f, coverage) = Observed();
        f.Stores.Rules.Add(Item("vpc-all", "vpc", "*", "monitor_only"));

        await f.CycleAsync();

        Assert.Equal([(null, "us-east-1", "vpc")], coverage.Calls);
    }

    [Fact]
    public async Task RunCycle_WildcardWithoutCoverage_FailsSayingSoAndOtherRulesGoOn()
    {
        var f = new EngineFixture();
        f.Account.Add("ec2", "L-1216C47A", 100, _ => 90);
        f.Stores.Rules.Add(Item("all", "*", "*", "alert_only"));
        f.Stores.Rules.Add(Item("vcpus", "ec2", "L-1216C47A", "alert_only"));

        var report = await f.CycleAsync();

        Assert.Equal(["all error", "vcpus alert_critical"], report.Rules.Select(r => $"{r.Decision.RuleId} {r.Decision.Kind}"));
        Assert.Equal("rule 'all': service_code '*' / quota_code '*': this backend lists no observed quotas (no coverage source), so it cannot expand a wildcard; name the quota instead",
            report.Rules[0].Decision.Reason);
    }

    [Fact]
    public async Task RunCycle_CoverageListingFails_WildcardFailsNamingTheError()
    {
        var (f, coverage) = Observed();
        coverage.Fail = new InvalidOperationException("AccessDeniedException: not authorized to perform servicequotas:ListServiceQuotas");
        f.Stores.Rules.Add(Item("all", "*", "*", "alert_only"));

        var report = await f.CycleAsync();

        Assert.Equal("rule 'all': service_code '*' / quota_code '*': could not list the observed quotas of this account in us-east-1: AccessDeniedException: not authorized to perform servicequotas:ListServiceQuotas",
            Assert.Single(report.Rules).Decision.Reason);
        Assert.Single(f.Stores.Audit, a => a is { Kind: AuditKind.Error, RuleId: "all", Action: "wildcard_unexpanded" });
    }

    [Fact]
    public async Task RunCycle_UnobservedQuota_IsNotExpanded()
    {
        var (f, coverage) = Observed();
        coverage.Unobserved.Add(new ObservableQuota(new QuotaKey("iam", "L-FE177D64", "us-east-1"), "Roles per account", UsageSourceKind.None, null));
        f.Stores.Rules.Add(Item("iam-all", "iam", "*", "alert_only"));

        var report = await f.CycleAsync();

        Assert.Empty(report.Rules);
        Assert.Equal("0 rules from 1 wildcard rule(s): rule 'iam-all' (iam/*@us-east-1): 0 of 0 observed quotas (0 have their own rule, 0 a narrower wildcard)",
            Assert.Single(f.Stores.Audit, a => a.Action == "wildcards_expanded").Message);
    }
}
