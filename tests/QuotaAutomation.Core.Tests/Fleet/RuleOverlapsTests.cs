using QuotaAutomation.Core.Fleet;
using static QuotaAutomation.Core.Tests.Fleet.FleetTestOrg;

namespace QuotaAutomation.Core.Tests.Fleet;

public sealed class RuleOverlapsTests
{
    [Fact]
    public void EachPairOnOneQuota_SaysWhoWinsAndWhy()
    {
        var overlaps = RuleOverlaps.Find(
        [
            Rule("all", "*", "*"),
            Rule("prod", Prod, "us-east-1"),
            Rule("prod-account", ProdAccount, "*"),
            Rule("eu-only", "*", "eu-west-1", ("quota_code", "L-34B43A08")), // another quota: no overlap
        ]);

        Assert.Equal(
        [
            "rule 'prod' overrides 'all' for ec2/L-1216C47A for ou-root-prod0000 in us-east-1: it names an OU, not '*'",
            "rule 'prod-account' overrides 'all' for ec2/L-1216C47A for 222222222222 in every Region: it names the account itself",
            "rule 'prod-account' overrides 'prod' for ec2/L-1216C47A for accounts of ou-root-prod0000 (if they nest) in us-east-1: it names the account itself",
        ], overlaps);
    }

    [Fact]
    public void EquallySpecificRules_AreCalledATie()
    {
        Assert.Equal(["rules 'a' and 'b' both govern ec2/L-1216C47A for every account in us-east-1 and are equally specific: 'a' wins by rule id; make one more specific"],
            RuleOverlaps.Find([Rule("b", "*", "us-east-1"), Rule("a", "*", "us-east-1, eu-west-1")]));
    }

    [Fact]
    public void DisjointRegionsOrAccounts_DoNotOverlap()
    {
        Assert.Empty(RuleOverlaps.Find([Rule("a", ProdAccount, "us-east-1"), Rule("b", ProdAccount, "eu-west-1"), Rule("c", DevAccount, "us-east-1")]));
    }
}
