using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Tests.Fleet;

public class TemplatePlanTests
{
    private static QuotaRule Rule(string id, string quota, object region, double? templateValue, bool enabled = true, object? excludeRegions = null)
    {
        var attributes = new Dictionary<string, object?>
        {
            ["rule_id"] = id, ["service_code"] = "ec2", ["quota_code"] = quota, ["region"] = region, ["account_id"] = "*",
            ["automation_level"] = "alert_only", ["enabled"] = enabled, ["template_value"] = templateValue, ["exclude_regions"] = excludeRegions,
        };
        var parsed = RuleParser.Parse(new RawRule(id, attributes));
        Assert.True(parsed.Success, parsed.Error);
        return parsed.Value;
    }

    [Fact]
    public void From_GivesOneEntryPerNamedRegion_LeavingOutExclusionsAndRulesWithoutAValue()
    {
        var plan = TemplatePlan.From([
            Rule("vcpu", "L-1216C47A", new List<object?> { "eu-west-1", "us-east-1" }, 256),
            Rule("eips", "L-0263D0A3", "*", 10, excludeRegions: "eu-west-1"),
            Rule("plain", "L-F678F1CE", "us-east-1", null),
            Rule("off", "L-34B43A08", "us-east-1", 99, enabled: false)], ["eu-west-1", "ap-south-1"]);

        Assert.Equal([
            new TemplateEntry("ec2", "L-0263D0A3", "ap-south-1", 10, "eips"),
            new TemplateEntry("ec2", "L-1216C47A", "eu-west-1", 256, "vcpu"),
            new TemplateEntry("ec2", "L-1216C47A", "us-east-1", 256, "vcpu")], plan.Entries);
        Assert.Empty(plan.Problems);
    }

    [Fact]
    public void From_TwoRulesOnOneQuotaAndRegion_AskForTheLargerValue()
    {
        var plan = TemplatePlan.From([Rule("small", "L-1216C47A", "us-east-1", 128), Rule("large", "L-1216C47A", "us-east-1", 512)], null);

        Assert.Equal([new TemplateEntry("ec2", "L-1216C47A", "us-east-1", 512, "large")], plan.Entries);
    }

    [Fact]
    public void From_EveryRegionWithoutARegionsSetting_IsAProblemNamingTheRule()
    {
        var plan = TemplatePlan.From([Rule("eips", "L-0263D0A3", "*", 10)], null);

        Assert.Empty(plan.Entries);
        Assert.Equal(["rule 'eips': template_value needs named Regions: region '*' means each account's enabled Regions, which a new account does not have yet (set the fleet's Regions or name them)"], plan.Problems);
    }

    [Fact]
    public void From_MoreThanTheTemplateHolds_KeepsTheFirstTenInKeyOrder_AndNamesTheRest()
    {
        var regions = new List<object?> { "ap-south-1", "eu-central-1", "eu-west-1", "eu-west-2", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "ap-northeast-1", "me-south-1" };

        var plan = TemplatePlan.From([Rule("vcpu", "L-1216C47A", regions, 256)], null);

        Assert.Equal(TemplatePlan.MaxEntries, plan.Entries.Count);
        Assert.Equal(["the template holds at most 10 entries and the rules ask for 12: left out ec2/L-1216C47A@us-west-1 (rule 'vcpu'), ec2/L-1216C47A@us-west-2 (rule 'vcpu')"], plan.Problems);
    }

    [Fact]
    public void Parse_TemplateValue_MustBePositive_NamingRuleAndField()
    {
        var parsed = RuleParser.Parse(new RawRule("x", new Dictionary<string, object?>
        {
            ["rule_id"] = "vcpu", ["service_code"] = "ec2", ["quota_code"] = "L-1216C47A", ["region"] = "us-east-1", ["automation_level"] = "alert_only", ["template_value"] = -5.0,
        }));

        Assert.Equal("rule 'vcpu': template_value -5 must be > 0 and ≤ 1e15", parsed.Error);
    }
}
