using System.Globalization;
using System.Text;

namespace QuotaAutomation.Replay;

/// <summary>
/// One trace where <c>quota-automation</c> does worse than <c>quota-automation-v1</c> or <c>headroom</c> on breach
/// minutes or requests, or ends with more than <see cref="ReplayTargets.FinalOverPeak"/> × the peak: what it lost on
/// (<see cref="Why"/>) and the three policies' figures (null: not run).
/// </summary>
public sealed record SizingLoss(string Scenario, string Trace, IReadOnlyList<string> Why, PolicyResult New, PolicyResult? V1, PolicyResult? Headroom);

/// <summary>Where the new sizing loses, trace by trace (issue 16: shown with every figure, not averaged away).</summary>
public static class SizingLosses
{
    public static IReadOnlyList<SizingLoss> Find(IReadOnlyList<PolicyResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var losses = new List<SizingLoss>();
        foreach (var trace in results.GroupBy(r => (r.Scenario, r.Trace)))
        {
            if (trace.FirstOrDefault(r => r.Policy == Policies.QuotaAutomation) is not { } ours) continue;
            var v1 = trace.FirstOrDefault(r => r.Policy == Policies.QuotaAutomationV1);
            var headroom = trace.FirstOrDefault(r => r.Policy == Policies.Headroom.Name);
            var why = new List<string>();
            foreach (var (name, other) in new[] { ("v1", v1), ("headroom", headroom) })
            {
                if (other is null) continue;
                if (ours.BreachMinutes > other.BreachMinutes) why.Add($"breach minutes > {name}'s");
                if (ours.Requests > other.Requests) why.Add($"requests > {name}'s");
            }
            if (ours.FinalQuotaOverPeak > ReplayTargets.FinalOverPeak) why.Add($"final ÷ peak > {ReplayTargets.Num(ReplayTargets.FinalOverPeak)}");
            if (why.Count > 0) losses.Add(new SizingLoss(trace.Key.Scenario, trace.Key.Trace, why, ours, v1, headroom));
        }
        return losses.OrderBy(l => l.Scenario, StringComparer.Ordinal).ThenBy(l => l.Trace, StringComparer.Ordinal).ToList();
    }

    /// <summary>The losses as a markdown table: each figure as quota-automation / v1 / headroom.</summary>
    public static void AppendMarkdown(StringBuilder md, IReadOnlyList<PolicyResult> results)
    {
        ArgumentNullException.ThrowIfNull(md);
        ArgumentNullException.ThrowIfNull(results);
        if (!results.Any(r => r.Policy == Policies.QuotaAutomation)) return;
        var losses = Find(results);
        md.AppendLine("### Where the new sizing loses");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"Traces where `{Policies.QuotaAutomation}` has more breach minutes or requests than `{Policies.QuotaAutomationV1}` or `headroom`, or a final quota above {ReplayTargets.Num(ReplayTargets.FinalOverPeak)} × the peak ({losses.Count}). Each cell: {Policies.QuotaAutomation} / v1 / headroom.");
        md.AppendLine();
        if (losses.Count == 0) return;
        md.AppendLine("| scenario | trace | loses on | breach min | requests | final ÷ peak | final quota |");
        md.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (var l in losses)
        {
            var three = new[] { l.New, l.V1, l.Headroom };
            string Cells(Func<PolicyResult, double> figure) => string.Join(" / ", three.Select(r => r is null ? "-" : ReplayTargets.Num(figure(r))));
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {l.Scenario} | {l.Trace} | {string.Join("; ", l.Why)} | {Cells(r => r.BreachMinutes)} | {Cells(r => r.Requests)} | {Cells(r => r.FinalQuotaOverPeak)} | {Cells(r => r.FinalQuota)} |");
        }
        md.AppendLine();
    }
}
