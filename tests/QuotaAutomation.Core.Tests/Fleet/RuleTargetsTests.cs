using QuotaAutomation.Core.Rules;
using QuotaAutomation.Core.Tests.Fakes;

namespace QuotaAutomation.Core.Tests.Fleet;

public sealed class RuleTargetsTests
{
    private static readonly RawRule Minimal = TestRules.Item("fleet-rule", "ec2", "L-1216C47A", "full_auto");

    private static Core.Rules.QuotaRule Parse(params (string Name, object? Value)[] fields)
    {
        var raw = fields.Aggregate(Minimal, (r, f) => TestRules.With(r, f.Name, f.Value));
        var parsed = RuleParser.Parse(raw);
        Assert.True(parsed.Success, parsed.Error);
        return parsed.Value;
    }

    private static string? Error(params (string Name, object? Value)[] fields) =>
        RuleParser.Parse(fields.Aggregate(Minimal, (r, f) => TestRules.With(r, f.Name, f.Value))).Error;

    [Fact]
    public void OneAccountAndOneRegion_IsAPlainRule_WithItsQuotaKey()
    {
        var rule = Parse(("account_id", "222222222222"));

        Assert.False(rule.IsFleetRule);
        Assert.Equal("ec2/L-1216C47A@us-east-1#222222222222", rule.Quota.ToString());
        Assert.Equal(["222222222222"], rule.Targets.Accounts);
    }

    [Fact]
    public void AnOu_AList_OrStar_MakeAFleetRule()
    {
        var rule = Parse(("account_id", new object?[] { "ou-ab12-cdefgh12", "222222222222" }), ("region", "us-east-1, eu-west-1"),
            ("exclude_accounts", "333333333333"), ("exclude_regions", new object?[] { "ap-south-1" }));

        Assert.True(rule.IsFleetRule);
        Assert.Equal(["ou-ab12-cdefgh12", "222222222222"], rule.Targets.Accounts);
        Assert.Equal(["us-east-1", "eu-west-1"], rule.Targets.Regions);
        Assert.Equal(["333333333333"], rule.Targets.ExcludeAccounts);
        Assert.Equal(["ap-south-1"], rule.Targets.ExcludeRegions);
        Assert.True(Parse(("account_id", "*")).IsFleetRule);
        Assert.True(Parse(("region", "*")).IsFleetRule);
    }

    [Fact]
    public void AStandby_MakesAFleetRule_WithItsDefaults()
    {
        var rule = Parse(("standby_region", "us-west-2"));

        Assert.True(rule.IsFleetRule);
        Assert.Equal(new Standby("us-west-2", null, 1.2, TimeSpan.FromDays(14)), rule.Targets.Standby);
    }

    [Theory]
    [InlineData("account_id", "ou-nope", "account_id 'ou-nope' must be a 12-digit account id, an OU id 'ou-…', a root id 'r-…' or '*', or a list of them")]
    [InlineData("region", "us-east-1,*", "region '*' already means all: remove 'us-east-1'")]
    [InlineData("exclude_accounts", "*", "exclude_accounts '*' must be a 12-digit account id, an OU id 'ou-…', a root id 'r-…', or a list of them")]
    [InlineData("exclude_regions", "Mars", "exclude_regions 'Mars' must be a Region such as 'us-east-1', or a list of them")]
    [InlineData("standby_factor", 1.5, "standby_factor needs standby_region or standby_account")]
    public void BadTargets_AreNamedFieldByField(string field, object value, string problem)
    {
        Assert.Equal($"rule 'fleet-rule': {problem}", Error((field, value)));
    }

    [Fact]
    public void AStandbyNeedsOnePrimary_AndIsNotBothRegionAndAccount()
    {
        Assert.Equal("rule 'fleet-rule': standby_region needs region to be one other Region (the primary), not '*'",
            Error(("region", "*"), ("standby_region", "us-west-2")));
        Assert.Equal("rule 'fleet-rule': standby_region needs region to be one other Region (the primary), not 'us-east-1'",
            Error(("standby_region", "us-east-1")));
        Assert.Equal("rule 'fleet-rule': standby_account cannot be set with standby_region: a standby is another Region or another account; standby_account needs account_id to be one other 12-digit account (the primary)",
            Error(("standby_region", "us-west-2"), ("standby_account", "222222222222")));
        Assert.Equal("rule 'fleet-rule': standby_factor 0.5 must be between 1 and 10",
            Error(("standby_region", "us-west-2"), ("standby_factor", 0.5)));
    }

    [Fact]
    public async Task APlainCycle_RejectsAFleetRule_SayingWhereItRuns()
    {
        var fixture = new Engine.EngineFixture();
        fixture.Stores.Rules.Add(TestRules.With(Minimal, "account_id", "*"));

        var report = await fixture.CycleAsync();

        var failed = Assert.IsType<Core.Decisions.Failed>(Assert.Single(report.Rules).Decision);
        Assert.Equal("rule 'fleet-rule': account_id '*' / region 'us-east-1' targets several accounts or Regions: it runs in the fleet (quota-automation run --fleet, or the fleet state machine), one account and Region per shard", failed.Reason);
    }
}
