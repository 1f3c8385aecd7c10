using System.Globalization;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Decisions;

/// <summary>
/// The decision table (README.md, "Decision table"): from a rule's automation level and the band its quota's
/// utilisation is in, to an alert, a request, a request for approval, or nothing. Pure: time and prices are arguments.
/// </summary>
public static class DecisionTable
{
    /// <summary>The forecaster name of a forecast raised by a quota this one depends on (<see cref="Dependencies.DependentDemand"/>).</summary>
    public const string DependencyForecaster = "dependency";

    /// <param name="fastStep">
    /// Ask at most this multiple of the current value at once (<see cref="Sizing.FastStep"/>); null asks for all of it.
    /// </param>
    public static QuotaDecision Decide(QuotaRule rule, QuotaSnapshot snapshot, DateTimeOffset now, CostModel costs, double? fastStep = Sizing.FastStep)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(costs);

        var pct = snapshot.UtilizationPercent;
        var peak = Describe(rule, snapshot);
        var severity = rule.Thresholds.SeverityOf(pct);

        if (!rule.Enabled)
            return new NoAction(rule.RuleId, rule.Quota, $"rule disabled; {peak}");
        if (rule.Level == AutomationLevel.MonitorOnly)
            return new NoAction(rule.RuleId, rule.Quota, $"monitor only; {peak}{BandNote(severity)}");
        if (severity is not { } band)
            return new NoAction(rule.RuleId, rule.Quota, $"{peak}, below warning {Pct(rule.Thresholds.Warning)}");
        if (rule.BusinessHoursOnly is { } hours && !hours.Contains(now) && band < Severity.Emergency)
            return new NoAction(rule.RuleId, rule.Quota, $"{peak} ({Band(band)}) deferred: outside business hours {hours}, only emergencies act");

        var wantsIncrease = rule.Level switch
        {
            AutomationLevel.AlertOnly => false,
            AutomationLevel.AutoRequest or AutomationLevel.AutoApprove => band >= Severity.Critical,
            _ => true, // FullAuto: pre-emptive increase already at warning
        };
        if (!wantsIncrease)
            return new Alert(rule.RuleId, rule.Quota, $"{peak} reached {Band(band)} {Pct(ThresholdOf(rule, band))}", band);

        return SizeIncrease(rule, snapshot, band, peak, costs, fastStep);
    }

    private static QuotaDecision SizeIncrease(QuotaRule rule, QuotaSnapshot snapshot, Severity band, string peak, CostModel costs, double? fastStep)
    {
        var quota = snapshot.Quota;
        if (!quota.Adjustable)
            return new Alert(rule.RuleId, rule.Quota, $"{peak} reached {Band(band)}, but the quota is not adjustable", band);

        var wanted = Sizing.DesiredValue(rule, quota, snapshot.PeakUsage, band);
        var desired = Sizing.FirstStep(quota, wanted, fastStep);
        if (desired <= quota.Value)
            return new Alert(rule.RuleId, rule.Quota,
                $"{peak} reached {Band(band)}; cap reached: max_auto_increase {Num(rule.MaxAutoIncrease)} is not above the quota {Num(quota.Value)}",
                band);

        var cost = costs.MonthlyCost(rule.Quota, quota.Value, desired);
        var costly = cost > rule.CostThreshold;
        var (route, why) = rule.Level switch
        {
            AutomationLevel.AutoRequest => (IncreaseRoute.NeedsApproval, "auto_request: a person approves first"),
            _ when costly && rule.ApprovalRequired =>
                (IncreaseRoute.NeedsApproval, $"est. ${Num(cost)}/month exceeds cost_threshold ${Num(rule.CostThreshold)}: approval required"),
            _ => (IncreaseRoute.FileDirectly, $"est. ${Num(cost)}/month"),
        };
        var kind = band switch
        {
            Severity.Emergency => "emergency increase ×2",
            Severity.Critical => $"increase ×{Num(rule.IncreaseMultiplier)}",
            _ => "pre-emptive increase ×1.2",
        };
        return new RequestIncrease(rule.RuleId, rule.Quota,
            $"{peak} reached {Band(band)}: {kind}, {Num(quota.Value)} → {Num(desired)}{(desired < wanted ? $" (a first step of {Num(wanted)}: AWS decides more than ×{Num(fastStep!.Value)} slowly)" : "")}; {why}",
            band, quota.Value, desired, cost, route, snapshot.UtilizationPercent);
    }

    private static string Describe(QuotaRule rule, QuotaSnapshot s)
    {
        var forecast = s.Forecast.Peak <= s.CurrentUsage ? ""
            : s.Forecast.Forecaster is "event" or DependencyForecaster ? $", expected {Num(s.Forecast.Peak)} ({s.Forecast.Note})"
            : $", forecast peak {Num(s.Forecast.Peak)} in {rule.ForecastHorizon.TotalHours:0.#}h ({s.Forecast.Forecaster})";
        return $"usage {Num(s.CurrentUsage)}{forecast} of quota {Num(s.Quota.Value)} = {Pct(s.UtilizationPercent)}";
    }

    private static string BandNote(Severity? severity) => severity is { } s ? $" ({Band(s)})" : "";

    private static double ThresholdOf(QuotaRule rule, Severity band) => band switch
    {
        Severity.Emergency => rule.Thresholds.Emergency,
        Severity.Critical => rule.Thresholds.Critical,
        _ => rule.Thresholds.Warning,
    };

    private static string Band(Severity s) => s.ToString().ToLowerInvariant();

    internal static string Pct(double p) => double.IsPositiveInfinity(p) ? "∞%" : p.ToString("0.#", CultureInfo.InvariantCulture) + "%";

    internal static string Num(double v) => v.ToString("#,0.##", CultureInfo.InvariantCulture);
}
