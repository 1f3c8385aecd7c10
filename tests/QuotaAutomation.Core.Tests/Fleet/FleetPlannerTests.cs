using QuotaAutomation.Core.Fleet;
using static QuotaAutomation.Core.Tests.Fleet.FleetTestOrg;

namespace QuotaAutomation.Core.Tests.Fleet;

public sealed class FleetPlannerTests
{
    private static FleetPlan Plan(params Core.Rules.QuotaRule[] rules) => FleetPlanner.Plan("run-1", rules, Org, Settings);

    private static string Cells(FleetPlan plan) => string.Join(" ", plan.Shards.Select(s => $"{s.ShardId}:{string.Join("+", s.RuleIds)}"));

    [Fact]
    public void Star_CyclesEveryActiveAccount_InEveryRegionOfTheSetting_AndSkipsTheSuspendedOne()
    {
        var plan = Plan(Rule("everywhere", "*", "*"));

        Assert.Equal(8, plan.Shards.Count);
        Assert.Equal(4, plan.Accounts);
        Assert.DoesNotContain(plan.Shards, s => s.AccountId == SuspendedAccount);
        var skipped = Assert.Single(plan.Skipped);
        Assert.Equal("account 555555555555 (old) is suspended: not cycled", skipped.Reason);
        Assert.All(plan.Shards, s => Assert.Equal(0.5, s.RateShare)); // two Regions per account share its API rates
    }

    [Fact]
    public void EachShard_CarriesItsAccountsPlaceInTheOrganization_ForPoliciesScopedToOus()
    {
        var plan = Plan(Rule("everywhere", "*", "us-east-1"));

        Assert.Equal([Root, Prod, ProdEu], plan.Shards.Single(s => s.AccountId == EuAccount).Parents);
        Assert.Equal([Root], plan.Shards.Single(s => s.AccountId == Hub).Parents);
    }

    [Fact]
    public void AnOu_TakesItsChildren_AndExclusionsCutAccountsAndRegions()
    {
        var plan = Plan(Rule("prod", Prod, "*", ("exclude_regions", "eu-west-1")), Rule("dev-not", "*", "us-east-1", ("exclude_accounts", new object?[] { Dev, Hub }), ("quota_code", "L-34B43A08")));

        Assert.Equal("222222222222/us-east-1:dev-not+prod 333333333333/us-east-1:dev-not+prod", Cells(plan));
    }

    [Fact]
    public void TheMostSpecificRuleWins_AccountOverDeeperOuOverOuOverStar_ThenNamedRegion()
    {
        var plan = Plan(
            Rule("star", "*", "*"),
            Rule("prod", Prod, "*"),
            Rule("prod-eu", ProdEu, "*"),
            Rule("dev-account", DevAccount, "*"),
            Rule("star-use1", "*", "us-east-1"));

        Assert.Equal(
            "111111111111/eu-west-1:star 111111111111/us-east-1:star-use1 222222222222/eu-west-1:prod 222222222222/us-east-1:prod "
            + "333333333333/eu-west-1:prod-eu 333333333333/us-east-1:prod-eu 444444444444/eu-west-1:dev-account 444444444444/us-east-1:dev-account",
            Cells(plan));
        var overlap = plan.Overlaps.Single(o => o.Winner == "prod-eu" && o.Loser == "prod");
        Assert.Equal(2, overlap.Cells);
        Assert.Equal("rule 'prod-eu' overrides 'prod' for ec2/L-1216C47A in 2 account-Region(s) (e.g. 333333333333 eu-west-1): it is more specific", overlap.ToString());
        Assert.DoesNotContain(plan.Overlaps, o => o.Tie);
    }

    [Fact]
    public void EquallySpecificRules_AreATie_WonByRuleId_AndReported()
    {
        var plan = Plan(Rule("b-rule", Prod, "us-east-1"), Rule("a-rule", Prod, "us-east-1"));

        Assert.All(plan.Shards, s => Assert.Equal(["a-rule"], s.RuleIds));
        var tie = Assert.Single(plan.Overlaps);
        Assert.True(tie.Tie);
        Assert.Equal("rules 'a-rule' and 'b-rule' are equally specific for ec2/L-1216C47A in 2 account-Region(s) (e.g. 222222222222 us-east-1): 'a-rule' wins by rule id; make one more specific", tie.ToString());
    }

    [Fact]
    public void ARuleWithNoAccount_GovernsTheHub()
    {
        var plan = Plan(Rule("hub-only", null, "eu-west-1"));

        Assert.Equal("111111111111/eu-west-1:hub-only", Cells(plan));
    }

    [Fact]
    public void AStandbyRegion_AddsAShardWithItsParityLink()
    {
        var plan = Plan(Rule("dr", ProdAccount, "us-east-1", ("standby_region", "eu-west-1"), ("standby_factor", 1.5)));

        Assert.Equal("222222222222/eu-west-1:dr 222222222222/us-east-1:dr", Cells(plan));
        var standby = plan.Shards.Single(s => s.Region == "eu-west-1");
        Assert.Equal(new ParityLink("dr", "ec2", "L-1216C47A", ProdAccount, "us-east-1", 1.5, 14), Assert.Single(standby.Parity!));
        Assert.Null(plan.Shards.Single(s => s.Region == "us-east-1").Parity);
    }

    [Fact]
    public void AnAccountOrOuNotInTheOrganization_IsReportedAsSkipped()
    {
        var plan = Plan(Rule("typo", new object?[] { "999999999999", "ou-root-nothere0" }, "us-east-1"));

        Assert.Empty(plan.Shards);
        Assert.Equal(
            ["account 999999999999 named by rule(s) 'typo' is not in the organization", "organizational unit ou-root-nothere0 named by rule(s) 'typo' is not in the organization"],
            plan.Skipped.Where(s => s.AccountId != SuspendedAccount).Select(s => s.Reason));
    }

    [Fact]
    public void StarMeansEachAccountsEnabledRegions_WhenNoSettingNamesThem_AndNamedRegionsNotEnabledAreSkipped()
    {
        var org = Org with { Accounts = [Org.Accounts[1] with { EnabledRegions = ["us-east-1", "ap-south-1"] }] };

        var plan = FleetPlanner.Plan("run-1", [Rule("all", "*", "*"), Rule("eu", "*", "eu-west-1")], org, Settings with { Regions = null });

        // The hub's Regions are not known, so '*' is the home Region there and a named Region is tried.
        Assert.Equal("111111111111/eu-west-1:eu 111111111111/us-east-1:all 222222222222/ap-south-1:all 222222222222/us-east-1:all", Cells(plan));
    }

    [Fact]
    public void DisabledRules_PlanNothing()
    {
        Assert.Empty(Plan(Rule("off", "*", "*", ("enabled", false))).Shards);
    }
}
