using System.Globalization;
using System.Text;

namespace QuotaAutomation.Replay;

/// <summary>
/// One of issue 16's targets for one engine policy in one scenario. <see cref="Met"/> is null when the policy it is
/// measured against (<c>limit</c>, <c>headroom</c>) was not run, so the bound is unknown.
/// </summary>
/// <param name="Bound">The highest figure that meets the target.</param>
/// <param name="Against">What the bound comes from, e.g. "1.05 × limit's 10,540".</param>
public sealed record TargetCheck(string Scenario, string Policy, string Target, double Figure, double? Bound, string Against)
{
    public bool? Met => Bound is { } bound ? Figure <= bound : null;
}

/// <summary>
/// Issue 16's targets, checked per scenario on the totals of every engine policy run (<c>quota-automation</c>,
/// <c>quota-automation-v1</c>, …): breach minutes ≤ 1.05 × <c>limit</c>'s (breaches are not traded for requests),
/// requests ≤ 1.25 × <c>headroom</c>'s, median final quota ÷ peak ≤ 1.5.
/// </summary>
public static class ReplayTargets
{
    public const double BreachFactor = 1.05;

    public const double RequestFactor = 1.25;

    public const double FinalOverPeak = 1.5;

    public static IReadOnlyList<TargetCheck> Check(IReadOnlyList<PolicyTotals> totals)
    {
        ArgumentNullException.ThrowIfNull(totals);
        var checks = new List<TargetCheck>();
        foreach (var scenario in totals.GroupBy(t => t.Scenario))
        {
            var limit = scenario.FirstOrDefault(t => t.Policy == Policies.Limit.Name);
            var headroom = scenario.FirstOrDefault(t => t.Policy == Policies.Headroom.Name);
            foreach (var engine in scenario.Where(t => t.Policy.StartsWith(Policies.QuotaAutomation, StringComparison.Ordinal)))
            {
                checks.Add(new TargetCheck(scenario.Key, engine.Policy, $"breach minutes ≤ {Num(BreachFactor)} × limit's", engine.BreachMinutes,
                    BreachFactor * limit?.BreachMinutes, limit is null ? "limit not run" : $"{Num(BreachFactor)} × limit's {Num(limit.BreachMinutes)}"));
                checks.Add(new TargetCheck(scenario.Key, engine.Policy, $"requests ≤ {Num(RequestFactor)} × headroom's", engine.Requests,
                    RequestFactor * headroom?.Requests, headroom is null ? "headroom not run" : $"{Num(RequestFactor)} × headroom's {Num(headroom.Requests)}"));
                checks.Add(new TargetCheck(scenario.Key, engine.Policy, $"median final quota ÷ peak ≤ {Num(FinalOverPeak)}", engine.MedianFinalQuotaOverPeak,
                    FinalOverPeak, $"headroom {(headroom is null ? "not run" : Num(headroom.MedianFinalQuotaOverPeak))}"));
            }
        }
        return checks;
    }

    /// <summary>The targets as a markdown table: each check's figure, its bound and what the bound comes from.</summary>
    public static void AppendMarkdown(StringBuilder md, IReadOnlyList<PolicyTotals> totals)
    {
        ArgumentNullException.ThrowIfNull(md);
        var checks = Check(totals);
        if (checks.Count == 0) return;
        md.AppendLine("### Against the targets");
        md.AppendLine();
        md.AppendLine("| scenario | policy | target | figure | bound | from | |");
        md.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (var c in checks)
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {c.Scenario} | {c.Policy} | {c.Target} | {Num(c.Figure)} | {(c.Bound is { } b ? "≤ " + Num(b) : "-")} | {c.Against} | {c.Met switch { true => "**met**", false => "**not met**", null => "not measured" }} |");
        md.AppendLine();
    }

    /// <summary>Thousands separated, at most two decimals (NaN as "-": a median over traces without a peak).</summary>
    internal static string Num(double value) => double.IsFinite(value) ? value.ToString("#,0.##", CultureInfo.InvariantCulture) : "-";
}
