using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Rules;
using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Core.Tests.Rules;

public class WildcardExpandTests
{
    private static QuotaRule Rule(string id, string service, string code) =>
        QuotaRule.WithDefaults(id, new QuotaKey(service, code, "eu-west-1", "111122223333"), AutomationLevel.AlertOnly);

    private static ObservableQuota Seen(string service, string code, UsageSourceKind kind = UsageSourceKind.DescribeCount) =>
        new(new QuotaKey(service, code, "eu-west-1", "111122223333"), code, kind, "test");

    [Fact]
    public void Expand_EquallyNarrowWildcards_TheFirstByRuleIdWins()
    {
        var expansion = WildcardRules.Expand([Rule("b", "vpc", "*"), Rule("a", "vpc", "*")], new HashSet<QuotaKey>(), [Seen("vpc", "L-F678F1CE")]);

        Assert.Equal(["a/vpc/L-F678F1CE"], expansion.Rules.Select(r => r.RuleId));
        Assert.Equal([(1, 1, 0, 0), (1, 0, 0, 1)], expansion.Counts.Select(c => (c.Matched, c.Expanded, c.LeftToNamed, c.LeftToNarrower)));
    }

    [Fact]
    public void Expand_QuotaCodeInAnyService_IsNarrowerThanAService()
    {
        var expansion = WildcardRules.Expand([Rule("svc", "vpc", "*"), Rule("code", "*", "L-407747CB")], new HashSet<QuotaKey>(),
            [Seen("vpc", "L-407747CB"), Seen("vpc", "L-F678F1CE")]);

        Assert.Equal(["code/vpc/L-407747CB", "svc/vpc/L-F678F1CE"], expansion.Rules.Select(r => r.RuleId));
    }

    [Fact]
    public void Expand_ConcreteRule_KeepsTheWildcardsAccountRegionAndSettings()
    {
        var wildcard = Rule("all", "*", "*") with { Thresholds = new Thresholds(80, 90, 95) };

        var rule = Assert.Single(WildcardRules.Expand([wildcard], new HashSet<QuotaKey>(), [Seen("ec2", "L-0263D0A3")]).Rules);

        Assert.Equal(wildcard with { RuleId = "all/ec2/L-0263D0A3", Quota = new QuotaKey("ec2", "L-0263D0A3", "eu-west-1", "111122223333") }, rule);
    }

    [Fact]
    public void Expand_QuotaListedTwiceOrUnobserved_OneRuleOrNone()
    {
        var expansion = WildcardRules.Expand([Rule("all", "*", "*")], new HashSet<QuotaKey>(),
            [Seen("ec2", "L-0263D0A3", UsageSourceKind.UsageMetric), Seen("ec2", "L-0263D0A3", UsageSourceKind.TrustedAdvisor), Seen("iam", "L-FE177D64", UsageSourceKind.None)]);

        Assert.Equal(["all/ec2/L-0263D0A3"], expansion.Rules.Select(r => r.RuleId));
    }

    [Theory]
    [InlineData("all/vpc/L-407747CB", "all")]
    [InlineData("vpc-subnets", "vpc-subnets")]
    public void SourceRuleId_AnExpansion_IsItsWildcardsId_AnyOtherItself(string engineRuleId, string stored)
    {
        Assert.Equal(stored, WildcardRules.SourceRuleId(engineRuleId));
    }
}
