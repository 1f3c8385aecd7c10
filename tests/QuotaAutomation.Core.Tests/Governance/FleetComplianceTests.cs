using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Core.Governance;

namespace QuotaAutomation.Core.Tests.Governance;

/// <summary>Compliance across the fleet, worked by hand: who has rules where, who has none, who is skipped, who cannot be reached, where fleet rules overlap.</summary>
public class FleetComplianceTests
{
    private static OrgAccount Account(string id, string name, AccountState state = AccountState.Active) => new(id, name, state, ["r-ab12", "ou-ab12-prod0001"]);

    private static FleetShard Shard(string account, string region, params string[] rules) => new("run", FleetShard.IdOf(account, region), account, region, rules, 1);

    [Fact]
    public void EachKindOfFinding_AndTheCoverage()
    {
        var org = new Organization("o-ab12", "111111111111",
            [Account("111111111111", "hub"), Account("222222222222", "payments"), Account("333333333333", "sandbox"), Account("444444444444", "old", AccountState.Suspended)]);
        var plan = new FleetPlan(
            [Shard("111111111111", "us-east-1", "vcpus", "vpcs"), Shard("222222222222", "us-east-1", "vcpus"), Shard("222222222222", "eu-west-1", "vcpus")],
            [new SkippedAccount("444444444444", "old", "account 444444444444 (old) is suspended: not cycled")],
            [new RuleOverlap("vcpus-prod", "vcpus", "ec2", "L-1216C47A", false, 2, "222222222222", "us-east-1")]);

        var (coverage, findings) = FleetCompliance.Find(org, plan, new Dictionary<string, string> { ["222222222222"] = "AccessDenied on sts:AssumeRole" });

        Assert.Equal([("111111111111", 1, 2, (string?)null), ("222222222222", 2, 1, "AccessDenied on sts:AssumeRole")],
            coverage.Select(c => (c.AccountId, c.Regions.Count, c.Rules, c.Unreachable)));
        Assert.Equal(["ungoverned_account 333333333333", "skipped_account 444444444444", "unreachable_account 222222222222", "overlapping_rule vcpus"],
            findings.Select(f => $"{f.KindName} {f.Subject}"));
        Assert.Equal("the fleet cannot reach account 222222222222 (payments): AccessDenied on sts:AssumeRole; its 1 rule(s) in 2 Region(s) do not run", findings[2].Detail);
        Assert.Equal("account 333333333333 (sandbox) has no rule in any Region: the fleet runs nothing there", findings[0].Detail);
    }

    [Fact]
    public void AFullyGovernedReachableOrganization_HasNoFindings()
    {
        var org = new Organization("o-ab12", "111111111111", [Account("111111111111", "hub")]);

        var (_, findings) = FleetCompliance.Find(org, new FleetPlan([Shard("111111111111", "us-east-1", "vcpus")], [], []), new Dictionary<string, string>());

        Assert.Empty(findings);
    }
}
