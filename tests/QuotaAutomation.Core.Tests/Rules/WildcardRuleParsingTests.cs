using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Rules;
using static QuotaAutomation.Core.Tests.Fakes.TestRules;

namespace QuotaAutomation.Core.Tests.Rules;

public class WildcardRuleParsingTests
{
    [Theory]
    [InlineData("*", "*")]
    [InlineData("vpc", "*")]
    [InlineData("*", "L-407747CB")]
    [InlineData(" * ", "*")]
    public void Parse_StarAlone_IsAWildcardRule(string service, string code)
    {
        var rule = RuleParser.Parse(Item("all", service, code, "alert_only")).Value;

        Assert.Equal(new QuotaKey(service.Trim(), code, "us-east-1"), rule.Quota);
        Assert.True(WildcardRules.IsWildcard(rule.Quota));
    }

    [Theory]
    [InlineData("service_code", "ec2*", "service_code 'ec2*' must be a Service Quotas service code such as 'ec2', or '*' alone (every observed service): a '*' cannot be part of a code")]
    [InlineData("service_code", "*,vpc", "service_code '*,vpc' must be a Service Quotas service code such as 'ec2', or '*' alone (every observed service): a '*' cannot be part of a code")]
    [InlineData("quota_code", "L-*", "quota_code 'L-*' must be a quota code such as 'L-1216C47A', or '*' alone (every observed quota of the service): a '*' cannot be part of a code")]
    [InlineData("quota_code", "**", "quota_code '**' must be a quota code such as 'L-1216C47A', or '*' alone (every observed quota of the service): a '*' cannot be part of a code")]
    public void Parse_StarInsideACode_NamesRuleFieldAndWhy(string field, string value, string problem)
    {
        var result = RuleParser.Parse(With(Item("all", "*", "*", "alert_only"), field, value));

        Assert.Equal($"rule 'all': {problem}", result.Error);
    }

    [Fact]
    public void Parse_WildcardWithStandby_IsRejected()
    {
        var result = RuleParser.Parse(Item("all", "vpc", "*", "alert_only", ("standby_region", "us-west-2")));

        Assert.Equal("rule 'all': standby_region cannot be set on a wildcard rule (vpc/*): a standby keeps one quota in parity; write a rule for that quota", result.Error);
    }

    [Fact]
    public void Parse_WildcardWithTemplateValue_IsRejected()
    {
        var result = RuleParser.Parse(Item("all", "*", "*", "alert_only", ("template_value", 50.0)));

        Assert.Equal("rule 'all': template_value cannot be set on a wildcard rule (*/*): a template entry is one quota's value; write a rule for that quota", result.Error);
    }

    [Fact]
    public void Parse_WildcardOverSeveralRegions_IsAFleetRule()
    {
        var rule = RuleParser.Parse(Item("all", "*", "*", "alert_only", ("region", "*"), ("account_id", "ou-ab12-cdef3456"))).Value;

        Assert.True(rule.IsFleetRule);
        Assert.Equal(new QuotaKey("*", "*", "*", "*"), rule.Quota);
    }
}
