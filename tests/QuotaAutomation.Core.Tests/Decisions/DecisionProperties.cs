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

    private static readonly double[] Risks = [0.001, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5];

    /// <summary>The generated snapshot under risk sizing, with quantiles p50, p50 + d90, p50 + d90 + d99.</summary>
    private static QuotaSnapshot Risk(QuotaSnapshot s, ushort p50, ushort d90, ushort d99) =>
        s with { Sizing = SizingPolicy.Risk, Forecast = s.Forecast with { Quantiles = QuotaAutomation.Core.Forecasting.PeakQuantiles.Of(p50, p50 + d90, p50 + d90 + d99) } };

    [Property]
    public bool DecideRisk_Request_IsAboveCurrentAndWithinCaps(QuotaRule rule, QuotaSnapshot snapshot, ushort p50, ushort d90, ushort d99, byte risk, bool weekend) =>
        DecisionTable.Decide(rule with { BreachRisk = Risks[risk % Risks.Length] }, Risk(snapshot, p50, d90, d99), weekend ? Weekend : Weekday, CostModel.SeedDefaults) is not RequestIncrease r
        || (r.DesiredValue > snapshot.Quota.Value && r.DesiredValue <= rule.MaxAutoIncrease && r.DesiredValue <= Sizing.ApiMaxQuotaValue
            && (snapshot.Quota.Value == 0 || r.DesiredValue <= 2 * snapshot.Quota.Value) && (r.Target is null || r.Target > r.DesiredValue));

    [Property]
    public bool DecideRisk_HigherQuantilesOrLowerRisk_NeverAskLess(QuotaRule rule, QuotaSnapshot snapshot, ushort p50, ushort d90, ushort d99, byte risk, byte extra)
    {
        var r = risk % Risks.Length;
        var before = DecisionTable.Decide(rule with { BreachRisk = Risks[r] }, Risk(snapshot, p50, d90, d99), Weekday, CostModel.SeedDefaults);
        var more = DecisionTable.Decide(rule with { BreachRisk = Risks[r] }, Risk(snapshot, p50, d90, (ushort)Math.Min(ushort.MaxValue, d99 + extra)), Weekday, CostModel.SeedDefaults);
        var safer = DecisionTable.Decide(rule with { BreachRisk = Risks[Math.Max(0, r - 1)] }, Risk(snapshot, p50, d90, d99), Weekday, CostModel.SeedDefaults);
        static double Asked(QuotaDecision d) => d is RequestIncrease i ? i.Target ?? i.DesiredValue : 0;
        return Asked(more) >= Asked(before) && Asked(safer) >= Asked(before);
    }

    [Property]
    public bool DecideRisk_MoreUsage_NeverWeakensTheDecision(QuotaRule rule, QuotaSnapshot snapshot, ushort p50, ushort d90, ushort d99, byte extra, bool weekend)
    {
        var now = weekend ? Weekend : Weekday;
        var risky = Risk(snapshot, p50, d90, d99);
        return Strength(DecisionTable.Decide(rule, risky with { CurrentUsage = risky.CurrentUsage + extra }, now, CostModel.SeedDefaults))
            >= Strength(DecisionTable.Decide(rule, risky, now, CostModel.SeedDefaults));
    }

    private static int Strength(QuotaDecision d) => d switch
    {
        Alert a => (int)a.Severity,
        RequestIncrease r => (int)r.Severity,
        _ => 0,
    };
}
