using System.Globalization;
using System.Text;
using QuotaAutomation.Core.Common;
using QuotaAutomation.Core.Decisions;

namespace QuotaAutomation.Replay;

/// <summary>
/// Each policy's final quota against what the trace's last 30 days need (<see cref="PolicyResult.FinalRightSizing"/>):
/// the right-sizing report's view of where each policy leaves the quota, per trace, with how many finals are at
/// <see cref="RightSizing.DefaultFactor"/> × the need or more.
/// </summary>
public static class FinalRightSizing
{
    /// <summary>Per scenario and policy: the median of final ÷ need (unused traces left out) and how many traces end oversized.</summary>
    public static IReadOnlyList<(string Scenario, string Policy, double MedianFinalOverNeed, int Oversized, int Traces)> Totals(IReadOnlyList<PolicyResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        return results.Where(r => r.FinalRightSizing is not null).GroupBy(r => (r.Scenario, r.Policy)).Select(g => (
            g.Key.Scenario, g.Key.Policy,
            Stats.Median(g.Select(r => r.FinalRightSizing!.Ratio ?? double.NaN)) ?? double.NaN, // not null: filtered above
            g.Count(r => r.FinalRightSizing!.IsOversized(RightSizing.DefaultFactor)), g.Count())).ToList();
    }

    public static void AppendMarkdown(StringBuilder md, IReadOnlyList<PolicyResult> results)
    {
        ArgumentNullException.ThrowIfNull(md);
        ArgumentNullException.ThrowIfNull(results);
        var totals = Totals(results);
        foreach (var scenario in results.Where(r => r.FinalRightSizing is not null).GroupBy(r => r.Scenario))
        {
            var policies = scenario.Select(r => r.Policy).Distinct().ToList();
            md.AppendLine(CultureInfo.InvariantCulture, $"### Right-sizing of the final quotas (`{scenario.Key}`)");
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture,
                $"The need is ⌈p99 of the trace's last {RightSizing.DefaultWindow.TotalDays:0} days (hourly maxima) ÷ the rule's warning threshold⌉ (docs/rules.md, \"Right-sizing\"); a trace shorter than that is read whole. Each cell: the final quota (× the need); bold at {ReplayTargets.Num(RightSizing.DefaultFactor)} × or more.");
            md.AppendLine();
            md.AppendLine("| trace | days read | usage p99 | need | " + string.Join(" | ", policies) + " |");
            md.AppendLine("| --- | --- | --- | --- |" + string.Concat(policies.Select(_ => " --- |")));
            foreach (var trace in scenario.GroupBy(r => r.Trace))
            {
                var sized = trace.First().FinalRightSizing!; // the need is the trace's, the same for every policy
                md.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {trace.Key} | {sized.Span.TotalDays:0.#} | {ReplayTargets.Num(sized.UsageP99)} | {ReplayTargets.Num(sized.Needed)} | ")
                    + string.Join(" | ", policies.Select(p => trace.FirstOrDefault(r => r.Policy == p)?.FinalRightSizing is { } s ? Cell(s) : "-")) + " |");
            }
            var here = totals.Where(t => t.Scenario == scenario.Key).ToDictionary(t => t.Policy);
            md.AppendLine("| **median final ÷ need** | | | | " + string.Join(" | ", policies.Select(p => here.TryGetValue(p, out var t) ? ReplayTargets.Num(t.MedianFinalOverNeed) : "-")) + " |");
            md.AppendLine($"| **traces at {ReplayTargets.Num(RightSizing.DefaultFactor)} × the need or more** | | | | "
                + string.Join(" | ", policies.Select(p => here.TryGetValue(p, out var t) ? $"{t.Oversized} of {t.Traces}" : "-")) + " |");
            md.AppendLine();
        }
    }

    private static string Cell(RightSizing s)
    {
        var text = $"{ReplayTargets.Num(s.Value)} ({(s.Ratio is { } ratio ? ReplayTargets.Num(ratio) + "×" : "unused")})";
        return s.IsOversized(RightSizing.DefaultFactor) ? $"**{text}**" : text;
    }
}
