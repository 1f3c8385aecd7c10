using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Rules;
using static QuotaAutomation.Core.Tests.Fakes.TestRules;

namespace QuotaAutomation.Core.Tests.Rules;

public class RuleParserTests
{
    private static readonly RawRule Minimal = Item("ec2-ondemand-use1", "ec2", "L-1216C47A", "full_auto");

    [Fact]
    public void Parse_MinimalItem_AppliesSeedDefaults()
    {
        var rule = RuleParser.Parse(Minimal).Value;

        Assert.Equal(QuotaRule.WithDefaults("ec2-ondemand-use1", new QuotaKey("ec2", "L-1216C47A", "us-east-1"), AutomationLevel.FullAuto), rule);
    }

    [Fact]
    public void Parse_EveryAttributeSet_ReadsEachOne()
    {
        var raw = Item("r1", "rds", "L-7B6409FD", "auto_approve",
            ("account_id", "012345678901"), ("threshold_warning", 60.0), ("threshold_critical", 80.0), ("threshold_emergency", 90.0),
            ("auto_increase_multiplier", 2.0), ("max_auto_increase", 500.0), ("approval_required", true), ("business_hours_only", true),
            ("business_hours", "Mon-Thu 08:30-17:00"), ("business_hours_timezone", "Europe/Berlin"), ("cost_threshold", 250.0),
            ("forecast_horizon_hours", 24.0), ("enabled", false), ("description", "kept, not interpreted"));

        var rule = RuleParser.Parse(raw).Value;

        Assert.Equal(new QuotaKey("rds", "L-7B6409FD", "us-east-1", "012345678901"), rule.Quota);
        Assert.Equal(AutomationLevel.AutoApprove, rule.Level);
        Assert.Equal(new Thresholds(60, 80, 90), rule.Thresholds);
        Assert.Equal((2.0, 500.0, true, 250.0, 24.0, false),
            (rule.IncreaseMultiplier, rule.MaxAutoIncrease, rule.ApprovalRequired, rule.CostThreshold, rule.ForecastHorizon.TotalHours, rule.Enabled));
        Assert.Equal("Mon,Tue,Wed,Thu 08:30-17:00 Europe/Berlin", rule.BusinessHoursOnly!.ToString());
    }

    [Theory]
    [InlineData("85", 85.0)]
    [InlineData(" 85.5 ", 85.5)]
    [InlineData("85%", 85.0)]
    [InlineData("8.5e1", 85.0)]
    public void Parse_NumberTypedAsString_IsAccepted(string typed, double expected)
    {
        var rule = RuleParser.Parse(With(Minimal, "threshold_critical", typed)).Value;

        Assert.Equal(expected, rule.Thresholds.Critical);
    }

    [Theory]
    [InlineData(0.05, 0.05)]
    [InlineData("0.025", 0.025)]
    [InlineData("1%", 0.01)]    // a percentage is a probability here, unlike a threshold's "85%"
    [InlineData(" 5 % ", 0.05)]
    [InlineData(0.5, 0.5)]
    public void Parse_BreachRisk_IsAProbability(object typed, double expected)
    {
        Assert.Equal(expected, RuleParser.Parse(With(Minimal, "breach_risk", typed)).Value.BreachRisk, 12);
    }

    [Fact]
    public void Parse_NoBreachRisk_SizesToTheP99()
    {
        Assert.Equal(0.01, RuleParser.Parse(Minimal).Value.BreachRisk);
    }

    [Theory]
    [InlineData("TRUE", true)]
    [InlineData("true", true)]
    [InlineData("Yes", true)]
    [InlineData("false", false)]
    [InlineData("0", false)]
    public void Parse_BoolTypedAsString_IsAccepted(string typed, bool expected)
    {
        var rule = RuleParser.Parse(With(Minimal, "approval_required", typed)).Value;

        Assert.Equal(expected, rule.ApprovalRequired);
    }

    [Theory]
    [InlineData("FULL_AUTO", AutomationLevel.FullAuto)]
    [InlineData("Full-Auto", AutomationLevel.FullAuto)]
    [InlineData("monitor only", AutomationLevel.MonitorOnly)]
    [InlineData(" alert_only ", AutomationLevel.AlertOnly)]
    [InlineData("auto-request", AutomationLevel.AutoRequest)]
    [InlineData("Auto_Approve", AutomationLevel.AutoApprove)]
    public void Parse_LevelInAnotherSpelling_IsAccepted(string typed, AutomationLevel expected)
    {
        Assert.Equal(expected, RuleParser.Parse(With(Minimal, "automation_level", typed)).Value.Level);
    }

    [Fact]
    public void Parse_BusinessHoursOnlyWithoutWindow_UsesMondayToFridayNineToSixUtc()
    {
        var rule = RuleParser.Parse(With(Minimal, "business_hours_only", "true")).Value;

        Assert.Equal("Mon,Tue,Wed,Thu,Fri 09:00-18:00 UTC", rule.BusinessHoursOnly!.ToString());
    }

    [Fact]
    public void Parse_AccountIdAsTwelveDigitNumber_IsAccepted()
    {
        Assert.Equal("123456789012", RuleParser.Parse(With(Minimal, "account_id", 123456789012.0)).Value.Quota.AccountId);
    }

    [Theory]
    [InlineData("threshold_warning", "0", "threshold_warning 0 must be > 0")]
    [InlineData("threshold_warning", "90", "threshold_warning 90 must be < threshold_critical 85 (the default)")]
    [InlineData("threshold_critical", "120", "threshold_critical 120 must be ≤ 100")]
    [InlineData("threshold_critical", "96", "threshold_critical 96 must be < threshold_emergency 95 (the default)")]
    [InlineData("threshold_critical", "60", "threshold_warning 70 (the default) must be < threshold_critical 60")]
    [InlineData("threshold_emergency", "101", "threshold_emergency 101 must be ≤ 100")]
    [InlineData("threshold_emergency", "high", "threshold_emergency 'high' must be a number")]
    [InlineData("auto_increase_multiplier", "1", "auto_increase_multiplier 1 must be > 1 and ≤ 100")]
    [InlineData("auto_increase_multiplier", "1e308", "auto_increase_multiplier 1e308 must be > 1 and ≤ 100")]
    [InlineData("auto_increase_multiplier", "Infinity", "auto_increase_multiplier 'Infinity' must be a number")]
    [InlineData("auto_increase_multiplier", "NaN", "auto_increase_multiplier 'NaN' must be a number")]
    [InlineData("max_auto_increase", "-5", "max_auto_increase -5 must be > 0 and ≤ 1e15")]
    [InlineData("max_auto_increase", "1e400", "max_auto_increase '1e400' must be a number")]
    [InlineData("max_auto_increase", "2e15", "max_auto_increase 2e15 must be > 0 and ≤ 1e15")]
    [InlineData("max_auto_increase", "1,000", "max_auto_increase '1,000' must be a number")]
    [InlineData("cost_threshold", "-1", "cost_threshold -1 must be ≥ 0 and ≤ 1e9")]
    [InlineData("cost_threshold", "1e300", "cost_threshold 1e300 must be ≥ 0 and ≤ 1e9")]
    [InlineData("forecast_horizon_hours", "0.5", "forecast_horizon_hours 0.5 must be between 1 and 2160")]
    [InlineData("forecast_horizon_hours", "9000", "forecast_horizon_hours 9000 must be between 1 and 2160")]
    [InlineData("breach_risk", "0", "breach_risk 0 must be > 0 and ≤ 0.5 (a probability: 0.01 sizes to the p99; \"1%\" is accepted)")]
    [InlineData("breach_risk", "0.6", "breach_risk 0.6 must be > 0 and ≤ 0.5 (a probability: 0.01 sizes to the p99; \"1%\" is accepted)")]
    [InlineData("breach_risk", "1", "breach_risk 1 must be > 0 and ≤ 0.5 (a probability: 0.01 sizes to the p99; \"1%\" is accepted)")]
    [InlineData("breach_risk", "60%", "breach_risk 0.6 must be > 0 and ≤ 0.5 (a probability: 0.01 sizes to the p99; \"1%\" is accepted)")]
    [InlineData("breach_risk", "low", "breach_risk 'low' must be a number")]
    [InlineData("approval_required", "maybe", "approval_required 'maybe' must be true or false")]
    [InlineData("business_hours_only", "2", "business_hours_only '2' must be true or false")]
    [InlineData("enabled", "on-ish", "enabled 'on-ish' must be true or false")]
    [InlineData("automation_level", "full-automatic", "automation_level 'full-automatic' must be one of monitor_only, alert_only, auto_request, auto_approve, full_auto")]
    [InlineData("service_code", "3c2", "service_code '3c2' must be a Service Quotas service code such as 'ec2'")]
    [InlineData("quota_code", "L 1216C47A", "quota_code 'L 1216C47A' must be a quota code such as 'L-1216C47A'")]
    [InlineData("region", "US East", "region 'US East' must be a Region such as 'us-east-1' or '*', or a list of them")]
    [InlineData("account_id", "12345", "account_id '12345' must be a 12-digit account id, an OU id 'ou-…', a root id 'r-…' or '*', or a list of them")]
    [InlineData("business_hours", "weekdays 9 to 5", "business_hours 'weekdays 9 to 5' must look like 'Mon-Fri 09:00-18:00' (start before end)")]
    [InlineData("business_hours", "Mon-Fri 18:00-09:00", "business_hours 'Mon-Fri 18:00-09:00' must look like 'Mon-Fri 09:00-18:00' (start before end)")]
    [InlineData("business_hours_timezone", "Mars/Olympus", "business_hours_timezone 'Mars/Olympus' must be a time zone id such as 'UTC' or 'Europe/Berlin'")]
    [InlineData("threshold_warnign", "60", "threshold_warnign is not a rule attribute (did you mean threshold_warning?)")]
    [InlineData("colour", "blue", "colour is not a rule attribute")]
    public void Parse_BadField_NamesRuleFieldValueAndExpectation(string field, string value, string problem)
    {
        var result = RuleParser.Parse(With(Minimal, field, value));

        Assert.Equal($"rule 'ec2-ondemand-use1': {problem}", result.Error);
    }

    [Fact]
    public void Parse_ThresholdsBothTyped_NamesNoDefault()
    {
        var result = RuleParser.Parse(With(With(Minimal, "threshold_warning", "90"), "threshold_critical", "80"));

        Assert.Equal("rule 'ec2-ondemand-use1': threshold_warning 90 must be < threshold_critical 80", result.Error);
    }

    [Theory]
    [InlineData("service_code", "service_code is missing")]
    [InlineData("quota_code", "quota_code is missing")]
    [InlineData("region", "region is missing")]
    [InlineData("automation_level", "automation_level is missing: one of monitor_only, alert_only, auto_request, auto_approve, full_auto")]
    public void Parse_RequiredFieldMissing_SaysSo(string field, string problem)
    {
        Assert.Equal($"rule 'ec2-ondemand-use1': {problem}", RuleParser.Parse(Without(Minimal, field)).Error);
    }

    [Fact]
    public void Parse_NoRuleId_NamesTheItemByOrigin()
    {
        Assert.Equal("rule 'test item 'ec2-ondemand-use1' (no rule_id)': rule_id is missing", RuleParser.Parse(Without(Minimal, "rule_id")).Error);
    }

    [Fact]
    public void Parse_WrongTypes_ListAndMapAreRejected()
    {
        var raw = With(With(Minimal, "threshold_warning", new object?[] { 70.0 }), "region", new Dictionary<string, object?> { ["S"] = "us-east-1" });

        Assert.Equal("rule 'ec2-ondemand-use1': region a map must be a Region such as 'us-east-1' or '*', or a list of them; threshold_warning a list must be a number",
            RuleParser.Parse(raw).Error);
    }

    [Fact]
    public void Parse_SeveralBadFields_ListsEveryOneInOneMessage()
    {
        var raw = With(With(With(Minimal, "threshold_critical", 120.0), "auto_increase_multiplier", "0.9"), "enabled", "sometimes");

        Assert.Equal("rule 'ec2-ondemand-use1': threshold_critical 120 must be ≤ 100; auto_increase_multiplier 0.9 must be > 1 and ≤ 100; enabled 'sometimes' must be true or false",
            RuleParser.Parse(raw).Error);
    }

    [Theory]
    [InlineData(double.PositiveInfinity, "max_auto_increase Infinity must be a number")]
    [InlineData(double.NaN, "max_auto_increase NaN must be a number")]
    [InlineData(1e300, "max_auto_increase 1e300 must be > 0 and ≤ 1e15")]
    public void Parse_NonFiniteOrAbsurdNumber_IsRejectedNamingTheField(double value, string problem)
    {
        Assert.Equal($"rule 'ec2-ondemand-use1': {problem}", RuleParser.Parse(With(Minimal, "max_auto_increase", value)).Error);
    }

    [Fact]
    public void Parse_UnsupportedValue_NamesTheFieldAndWhatWasFound()
    {
        var raw = With(With(Minimal, "threshold_warning", new UnsupportedValue("a DynamoDB string set (SS)")), "enabled", new UnsupportedValue("a DynamoDB binary value (B)"));

        Assert.Equal("rule 'ec2-ondemand-use1': threshold_warning is a DynamoDB string set (SS); expected a number; enabled is a DynamoDB binary value (B); expected true or false",
            RuleParser.Parse(raw).Error);
    }

    [Theory]
    [InlineData("a\nb", "rule_id 'a\\nb'")]
    [InlineData("a\u202Eb", "rule_id 'a\\u202eb'")]
    public void Parse_RuleIdWithControlOrBidiCharacter_IsEchoedEscapedOnOneLine(string id, string shown)
    {
        var error = RuleParser.Parse(With(Minimal, "rule_id", id)).Error;

        Assert.Equal($"rule 'test item 'ec2-ondemand-use1' (no rule_id)': {shown} must be letters, digits, '.', '_' or '-', at most 128", error);
    }

    [Fact]
    public void BusinessHours_Contains_RespectsTimeZoneAndDays()
    {
        var rule = RuleParser.Parse(With(With(Minimal, "business_hours_only", true), "business_hours_timezone", "America/New_York")).Value;
        var hours = rule.BusinessHoursOnly!;

        Assert.True(hours.Contains(new DateTimeOffset(2026, 11, 24, 14, 0, 0, TimeSpan.Zero)));  // Tue 09:00 New York
        Assert.False(hours.Contains(new DateTimeOffset(2026, 11, 24, 13, 59, 0, TimeSpan.Zero))); // Tue 08:59 New York
        Assert.False(hours.Contains(new DateTimeOffset(2026, 11, 28, 15, 0, 0, TimeSpan.Zero)));  // Saturday
    }
}
