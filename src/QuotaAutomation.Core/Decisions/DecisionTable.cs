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

        var sized = Sizing.SizedUsage(rule, snapshot);
        var wanted = Sizing.DesiredValue(rule, quota, sized, band);
        var desired = Sizing.FirstStep(quota, wanted, fastStep);
        if (desired <= quota.Value)
            return new Alert(rule.RuleId, rule.Quota,
                $"{peak} reached {Band(band)}; cap reached: max_auto_increase {Num(rule.MaxAutoIncrease)} is not above the quota {Num(quota.Value)}",
                band);

        var risk = snapshot.Quantiles is not null;
        var cost = costs.MonthlyCost(rule.Quota, quota.Value, desired);
        // Risk sizing judges the route on the whole target: a ×8 increase asked ×2 at a time must not pass under the
        // cost threshold step by step (v1 judged each step alone, and keeps doing so).
        var routeCost = risk ? costs.MonthlyCost(rule.Quota, quota.Value, wanted) : cost;
        var costText = (routeCost > cost ? $"est. ${Num(cost)}/month (${Num(routeCost)}/month to {Num(wanted)})" : $"est. ${Num(cost)}/month") + costs.SourceNote(rule.Quota);
        var costly = routeCost > rule.CostThreshold;
        var (route, why) = rule.Level switch
        {
            AutomationLevel.AutoRequest => (IncreaseRoute.NeedsApproval, "auto_request: a person approves first"),
            _ when costly && rule.ApprovalRequired =>
                (IncreaseRoute.NeedsApproval, $"{costText} exceeds cost_threshold ${Num(rule.CostThreshold)}: approval required"),
            _ => (IncreaseRoute.FileDirectly, costText),
        };
        var kind = band switch
        {
            Severity.Emergency => "emergency increase ×2",
            Severity.Critical => $"increase ×{Num(rule.IncreaseMultiplier)}",
            _ => "pre-emptive increase ×1.2",
        };
        var plan = risk && desired < wanted && !snapshot.Forecast.TailsPooled;
        var steps = desired < wanted // only when fastStep is set
            ? $" (a first step of {Num(wanted)}: AWS decides more than ×{Num(fastStep!.Value)} slowly{(risk && !plan ? "; no step plan: the tails are the pooled calibration's, not this quota's own" : "")})"
            : "";
        var sizedTo = snapshot.Quantiles is { } q
            ? $"; {SizedTo(rule, quota, band, sized > q.At(1 - rule.BreachRisk) ? "usage now" : Sizing.LevelName(rule), sized, wanted)}" : "";
        return new RequestIncrease(rule.RuleId, rule.Quota,
            $"{peak} reached {Band(band)}: {kind}, {Num(quota.Value)} → {Num(desired)}{steps}{sizedTo}; {why}",
            band, quota.Value, desired, cost, route, snapshot.UtilizationPercent)
        { Target = plan ? wanted : null };
    }

    /// <summary>What a risk-sized increase was sized to: the quantile ÷ warning, or the band's multiple when that is more; and the cap when it bit.</summary>
    /// <param name="what">The quantile's name, or "usage now" when the current usage is above it.</param>
    private static string SizedTo(QuotaRule rule, Quotas.QuotaInfo quota, Severity band, string what, double sized, double wanted)
    {
        var byRisk = Sizing.Need(rule, quota, sized);
        var multiple = Sizing.MultipleFor(band, rule);
        var byMultiple = quota.Value * multiple;
        var riskText = $"{what} {Num(sized)} ÷ warning {Pct(rule.Thresholds.Warning)} = {Num(byRisk)}";
        var sizedTo = byRisk >= byMultiple ? $"sized to {riskText}" : $"sized to the band's ×{Num(multiple)} = {Num(byMultiple)} ({riskText} is less)";
        return wanted < Math.Max(byRisk, byMultiple) ? $"{sizedTo}, capped at max_auto_increase {Num(rule.MaxAutoIncrease)}" : sizedTo;
    }

    private static string Describe(QuotaRule rule, QuotaSnapshot s)
    {
        if (s.Quantiles is { } q) return DescribeQuantiles(rule, s, q);
        var forecast = s.Forecast.Peak <= s.CurrentUsage ? ""
            : s.Forecast.Forecaster is "event" or DependencyForecaster ? $", expected {Num(s.Forecast.Peak)} ({s.Forecast.Note})"
            : $", forecast peak {Num(s.Forecast.Peak)} in {rule.ForecastHorizon.TotalHours:0.#}h ({s.Forecast.Forecaster})";
        return $"usage {Num(s.CurrentUsage)}{forecast} of quota {Num(s.Quota.Value)} = {Pct(s.UtilizationPercent)}";
    }

    /// <summary>Risk sizing: the honest estimate (p50, which the band is judged on) and the quantile the rule sizes to, always both.</summary>
    private static string DescribeQuantiles(QuotaRule rule, QuotaSnapshot s, Forecasting.PeakQuantiles q)
    {
        var levels = $"p50 {Num(q.P50)} / {Sizing.LevelName(rule)} {Num(q.At(1 - rule.BreachRisk))}";
        // Nothing above now (a count that does not move, current-only): the usage alone, as v1 says it.
        var forecast = q.At(1 - rule.BreachRisk) <= s.CurrentUsage && (s.NearTermRisk ?? 0) <= s.CurrentUsage ? ""
            : s.Forecast.Forecaster is "event" or DependencyForecaster ? $", expected {levels} ({s.Forecast.Note})"
            : $", peak {levels} in {rule.ForecastHorizon.TotalHours:0.#}h ({s.Forecast.Forecaster})";
        // The next hour's risk, when it is what the band was judged on.
        var nearTerm = s.NearTermRisk is { } risk && risk > Math.Max(s.CurrentUsage, q.P50) ? $", next hour {Sizing.LevelName(rule)} {Num(risk)}" : "";
        return $"usage {Num(s.CurrentUsage)}{forecast}{nearTerm} of quota {Num(s.Quota.Value)} = {Pct(s.UtilizationPercent)}";
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
