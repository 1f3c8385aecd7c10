using FsCheck.Xunit;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Tests.Decisions;

[Properties(Arbitrary = [typeof(Generators)], Replay = Generators.Replay, MaxTest = 500)]
public class DecisionProperties
{
    private static readonly DateTimeOffset Weekday = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Weekend = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    [Property]
    public bool Decide_Request_IsAboveCurrentAndWithinCaps(QuotaRule rule, QuotaSnapshot snapshot, bool weekend) =>
        DecisionTable.Decide(rule, snapshot, weekend ? Weekend : Weekday, CostModel.SeedDefaults) is not RequestIncrease r
        || (r.DesiredValue > snapshot.Quota.Value && r.DesiredValue <= rule.MaxAutoIncrease && r.DesiredValue <= Sizing.ApiMaxQuotaValue);

    [Property]
    public bool Decide_MonitorOnly_NeverAlertsOrRequests(QuotaRule rule, QuotaSnapshot snapshot, bool weekend) =>
        DecisionTable.Decide(rule with { Level = AutomationLevel.MonitorOnly }, snapshot, weekend ? Weekend : Weekday, CostModel.SeedDefaults) is NoAction;

    [Property]
    public bool Decide_AlertOnly_NeverRequests(QuotaRule rule, QuotaSnapshot snapshot) =>
        DecisionTable.Decide(rule with { Level = AutomationLevel.AlertOnly }, snapshot, Weekday, CostModel.SeedDefaults) is not RequestIncrease;

    [Property]
    public bool Decide_AutoRequest_NeverFilesWithoutApproval(QuotaRule rule, QuotaSnapshot snapshot) =>
        DecisionTable.Decide(rule with { Level = AutomationLevel.AutoRequest }, snapshot, Weekday, CostModel.SeedDefaults)
            is not RequestIncrease { Route: IncreaseRoute.FileDirectly };

    [Property]
    public bool Decide_MoreUsage_NeverWeakensTheDecision(QuotaRule rule, QuotaSnapshot snapshot, byte extra, bool weekend)
    {
        var now = weekend ? Weekend : Weekday;
        var before = DecisionTable.Decide(rule, snapshot, now, CostModel.SeedDefaults);
        var after = DecisionTable.Decide(rule, snapshot with { CurrentUsage = snapshot.CurrentUsage + extra }, now, CostModel.SeedDefaults);
        return Strength(after) >= Strength(before);
    }

    private static int Strength(QuotaDecision d) => d switch
    {
        Alert a => (int)a.Severity,
        RequestIncrease r => (int)r.Severity,
        _ => 0,
    };
}
