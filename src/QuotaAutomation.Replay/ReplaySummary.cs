using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using QuotaAutomation.Core.Common;

namespace QuotaAutomation.Replay;

/// <summary>One policy's totals over the traces of one scenario.</summary>
public sealed record PolicyTotals(
    [property: JsonPropertyName("scenario")] string Scenario,
    [property: JsonPropertyName("policy")] string Policy,
    [property: JsonPropertyName("traces")] int Traces,
    [property: JsonPropertyName("breach_minutes")] double BreachMinutes,
    [property: JsonPropertyName("avoidable_breach_minutes")] double AvoidableBreachMinutes,
    [property: JsonPropertyName("breach_events")] int BreachEvents,
    [property: JsonPropertyName("traces_without_breach")] int TracesWithoutBreach,
    [property: JsonPropertyName("requests")] int Requests,
    [property: JsonPropertyName("denied")] int Denied,
    [property: JsonPropertyName("approvals_asked")] int ApprovalsAsked,
    [property: JsonPropertyName("failed_actions")] int FailedActions,
    [property: JsonPropertyName("median_mean_headroom")] double MedianMeanHeadroom,
    [property: JsonPropertyName("median_final_quota_over_peak")] double MedianFinalQuotaOverPeak,
    [property: JsonPropertyName("monthly_cost_usd")] double MonthlyCostUsd)
{
    /// <summary>GetMetricData metrics requested (one per detailed read of the engine; formula policies read none).</summary>
    [JsonPropertyName("metric_reads")]
    public long MetricReads { get; init; }

    /// <summary>Utilization reports read instead (the adaptive cadence).</summary>
    [JsonPropertyName("report_reads")]
    public long ReportReads { get; init; }

    /// <summary>Median over traces of the final quota ÷ what the last 30 days need (<see cref="FinalRightSizing"/>).</summary>
    [JsonPropertyName("median_final_quota_over_need")]
    public double MedianFinalQuotaOverNeed { get; init; } = double.NaN;

    /// <summary>Traces whose final quota is at <see cref="Core.Decisions.RightSizing.DefaultFactor"/> × that need or more.</summary>
    [JsonPropertyName("traces_oversized")]
    public int TracesOversized { get; init; }
}

/// <summary>Totals per scenario and policy, avoidable breach minutes against <c>limit</c>, and the JSON and markdown reports.</summary>
public static class ReplaySummary
{
    public static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>Breach minutes beyond <c>limit</c>'s on the same trace and scenario (0 when <c>limit</c> was not run).</summary>
    public static double Avoidable(PolicyResult result, IReadOnlyList<PolicyResult> all)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(all);
        var limit = all.FirstOrDefault(r => r.Policy == Policies.Limit.Name && r.Trace == result.Trace && r.Scenario == result.Scenario);
        return Math.Max(0, result.BreachMinutes - (limit?.BreachMinutes ?? 0));
    }

    public static IReadOnlyList<PolicyTotals> Totals(IReadOnlyList<PolicyResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var sized = FinalRightSizing.Totals(results).ToDictionary(t => (t.Scenario, t.Policy));
        return results.GroupBy(r => (r.Scenario, r.Policy)).Select(g => new PolicyTotals(
            g.Key.Scenario, g.Key.Policy, g.Count(),
            g.Sum(r => r.BreachMinutes), g.Sum(r => Avoidable(r, results)), g.Sum(r => r.BreachEvents), g.Count(r => r.BreachMinutes == 0),
            g.Sum(r => r.Requests), g.Sum(r => r.Denied), g.Sum(r => r.ApprovalsAsked), g.Sum(r => r.FailedActions),
            Stats.Median(g.Select(r => r.MeanHeadroom)) ?? double.NaN, Stats.Median(g.Select(r => r.FinalQuotaOverPeak)) ?? double.NaN, Math.Round(g.Sum(r => r.MonthlyCost), 2))
        {
            MetricReads = g.Sum(r => (long)r.MetricReads),
            ReportReads = g.Sum(r => (long)r.ReportReads),
            MedianFinalQuotaOverNeed = sized.TryGetValue(g.Key, out var s) ? s.MedianFinalOverNeed : double.NaN,
            TracesOversized = sized.TryGetValue(g.Key, out var o) ? o.Oversized : 0,
        }).ToList();
    }

    public static string ToJson(ReplayScenario scenario, IReadOnlyList<PolicyResult> results, double virtualDays, double seconds)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return JsonSerializer.Serialize(new
        {
            scenario_model = new
            {
                scenarios = results.Select(r => r.Scenario).Distinct(),
                warmup_share = scenario.WarmupShare,
                warmup_p95 = scenario.WarmupP95,
                initial_quota = scenario.InitialQuota,
                growth_to = scenario.GrowthTo,
                approval_delay_minutes = scenario.ApprovalDelay.TotalMinutes,
                large_approval_delay_hours = scenario.LargeApprovalDelay.TotalHours,
                large_factor = scenario.LargeFactor,
                deny_probability = scenario.DenyProbability,
                report_lag_minutes = scenario.ReportLag.TotalMinutes,
                cap_factor = scenario.CapFactor,
                seed = scenario.Seed,
            },
            virtual_days = Math.Round(virtualDays, 1),
            seconds = Math.Round(seconds, 1),
            totals = Totals(results),
            targets = ReplayTargets.Check(Totals(results)).Select(c => new { scenario = c.Scenario, policy = c.Policy, target = c.Target, figure = Finite(c.Figure), bound = c.Bound, met = c.Met }),
            sizing_losses = SizingLosses.Find(results).Select(l => new { scenario = l.Scenario, trace = l.Trace, why = l.Why }),
            traces = results.Select(r => new
            {
                scenario = r.Scenario, trace = r.Trace, policy = r.Policy, step_minutes = r.StepMinutes, steps = r.Steps,
                breach_minutes = r.BreachMinutes, avoidable_breach_minutes = Avoidable(r, results), breach_events = r.BreachEvents,
                requests = r.Requests, denied = r.Denied, approvals_asked = r.ApprovalsAsked, failed_actions = r.FailedActions,
                mean_headroom = Finite(r.MeanHeadroom), final_quota_over_peak = Finite(r.FinalQuotaOverPeak), final_quota = r.FinalQuota,
                monthly_cost_usd = Math.Round(r.MonthlyCost, 2), metric_reads = r.MetricReads, report_reads = r.ReportReads,
                usage_p99_30d = r.FinalRightSizing?.UsageP99, need_30d = r.FinalRightSizing?.Needed,
                final_quota_over_need = r.FinalRightSizing?.Ratio is { } ratio ? Math.Round(ratio, 4) : (double?)null,
                days_read_30d = r.FinalRightSizing is { } s ? Math.Round(s.Span.TotalDays, 2) : (double?)null,
            }),
        }, Json);
    }

    public static string ToMarkdown(IReadOnlyList<PolicyResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var md = new StringBuilder();
        var totals = Totals(results);
        foreach (var scenario in totals.Select(t => t.Scenario).Distinct())
        {
            var rows = totals.Where(t => t.Scenario == scenario).ToList();
            md.AppendLine(CultureInfo.InvariantCulture, $"### Scenario `{scenario}`: totals over {rows[0].Traces} traces");
            md.AppendLine();
            md.AppendLine("| policy | breach min | avoidable min | breach events | traces without breach | requests | denied | approvals asked | median mean headroom | median final quota ÷ peak | median final quota ÷ need | monthly cost of added quota | metric reads |");
            md.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
            foreach (var t in rows)
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {t.Policy} | {t.BreachMinutes:#,0} | {t.AvoidableBreachMinutes:#,0} | {t.BreachEvents:#,0} | {t.TracesWithoutBreach} | {t.Requests:#,0} | {t.Denied} | {t.ApprovalsAsked} | {t.MedianMeanHeadroom:0.00} | {t.MedianFinalQuotaOverPeak:0.00} | {ReplayTargets.Num(t.MedianFinalQuotaOverNeed)} | ${t.MonthlyCostUsd:#,0} | {t.MetricReads:#,0} |");
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"Per trace (`{scenario}`): breach minutes / requests");
            md.AppendLine();
            var policies = rows.Select(r => r.Policy).ToList();
            md.AppendLine("| trace | " + string.Join(" | ", policies) + " |");
            md.AppendLine("| --- |" + string.Concat(policies.Select(_ => " --- |")));
            foreach (var trace in results.Where(r => r.Scenario == scenario).GroupBy(r => r.Trace))
                md.AppendLine($"| {trace.Key} | " + string.Join(" | ", policies.Select(p => trace.FirstOrDefault(r => r.Policy == p) is { } r
                    ? string.Create(CultureInfo.InvariantCulture, $"{r.BreachMinutes:#,0} / {r.Requests}") : "-")) + " |");
            md.AppendLine();
        }
        ReplayTargets.AppendMarkdown(md, totals);
        SizingLosses.AppendMarkdown(md, results);
        FinalRightSizing.AppendMarkdown(md, results);
        return md.ToString();
    }

    private static double? Finite(double v) => double.IsFinite(v) ? Math.Round(v, 4) : null;
}
