using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Rules;
using QuotaAutomation.Core.Usage;
using static QuotaAutomation.Core.Tests.Fakes.TestRules;

namespace QuotaAutomation.Core.Tests.Rules;

public class GoverningRuleTests
{
    private static QuotaRule Parse(RawRule raw) => RuleParser.Parse(raw).Value;

    private static ObservableQuota Quota(string service, string code, UsageSourceKind kind) => new(new QuotaKey(service, code, "us-east-1"), code, kind, null);

    [Fact]
    public void For_EachQuota_TheRuleACycleWouldRunOnIt()
    {
        var rules = new[]
        {
            Parse(Item("all", "*", "*", "alert_only")),
            Parse(Item("vpc-all", "vpc", "*", "alert_only")),
            Parse(Item("vcpus", "ec2", "L-1216C47A", "full_auto")),
            Parse(Item("no-eips", "ec2", "L-0263D0A3", "alert_only", ("enabled", false))),
            Parse(Item("elsewhere", "ec2", "*", "alert_only", ("region", "eu-west-1"))),
        };
        var quotas = new[]
        {
            Quota("ec2", "L-1216C47A", UsageSourceKind.UsageMetric), Quota("ec2", "L-0263D0A3", UsageSourceKind.DescribeCount),
            Quota("vpc", "L-407747CB", UsageSourceKind.DescribeCount), Quota("iam", "L-FE177D64", UsageSourceKind.AccountLimitApi),
            Quota("iam", "L-0DA4ABF3", UsageSourceKind.None),
        };

        var governing = GoverningRule.For(rules, quotas);

        Assert.Equal([
            new GoverningRule("vcpus", RuleReach.Explicit), new GoverningRule("no-eips", RuleReach.Explicit, Enabled: false),
            new GoverningRule("vpc-all", RuleReach.Wildcard), new GoverningRule("all", RuleReach.Wildcard), GoverningRule.Nobody,
        ], quotas.Select(q => governing[q.Key]));
    }
}
