using System.Globalization;
using System.Net;
using System.Text;
using QuotaAutomation.Core.Common;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Cli.Commands;

/// <summary>
/// <c>run --plot DIR</c>: one PNG per quota of the cycles just run (usage, forecast peak and quota value over time,
/// with what was done marked: alert, approval asked, request filed, granted, denied), and an index.html showing them.
/// Drawn from the cycle reports, which hold per cycle exactly what the engine read, forecast and did.
/// </summary>
internal static class DayPlots
{
    /// <summary>The actions and status changes a plot marks, each with its colour and marker.</summary>
    private sealed record Mark(string Label, ScottPlot.Color Color, ScottPlot.MarkerShape Shape);

    private static readonly Mark AlertMark = new("alert", ScottPlot.Colors.Orange, ScottPlot.MarkerShape.FilledTriangleUp);
    private static readonly Mark ApprovalMark = new("approval asked", ScottPlot.Colors.Purple, ScottPlot.MarkerShape.FilledDiamond);
    private static readonly Mark FiledMark = new("request filed", ScottPlot.Colors.Blue, ScottPlot.MarkerShape.FilledCircle);
    private static readonly Mark GrantedMark = new("granted", ScottPlot.Colors.Green, ScottPlot.MarkerShape.FilledSquare);
    private static readonly Mark DeniedMark = new("denied", ScottPlot.Colors.Red, ScottPlot.MarkerShape.Cross);

    /// <summary>Writes the PNGs and index.html into <paramref name="folder"/>; returns the files written.</summary>
    public static IReadOnlyList<string> Write(IReadOnlyList<CycleReport> reports, string folder)
    {
        Directory.CreateDirectory(folder);
        var written = new List<string>();
        var index = new StringBuilder();
        foreach (var rule in reports[^1].Rules.Select(r => r.Decision.RuleId).Distinct())
        {
            var results = reports.Select(r => (r.StartedAt, Result: r.Rules.FirstOrDefault(x => x.Decision.RuleId == rule), r.Actions, r.StatusChanges))
                .Where(r => r.Result is { Quota: not null, CurrentUsage: not null }).ToList();
            if (results.Count == 0) continue; // a rejected rule, or a quota never read: nothing to draw
            var quota = results[^1].Result!.Quota!;
            var file = FileName(rule) + ".png";
            Plot(rule, quota, results.Select(r => (r.StartedAt, r.Result!, r.Actions, r.StatusChanges)).ToList(), Path.Combine(folder, file));
            written.Add(Path.Combine(folder, file));
            index.Append(CultureInfo.InvariantCulture, $"""<figure><img src="{Html(file)}" alt="{Html(rule)}" width="900"><figcaption><b>{Html(rule)}</b> {Html(quota.Key.ToString())}: {Html(quota.QuotaName)}</figcaption></figure>""").Append('\n');
        }
        var title = $"{reports.Count} cycles, {Render.Time(reports[0].StartedAt)} to {Render.Time(reports[^1].StartedAt)} UTC (virtual)";
        var page = $"""
            <!doctype html>
            <html><head><meta charset="utf-8"><title>{Html(title)}</title>
            <style>body{"{"}font-family:sans-serif;margin:1em 2em{"}"} figure{"{"}margin:1.5em 0{"}"} img{"{"}max-width:100%{"}"}</style></head>
            <body><h1>{Html(title)}</h1>
            <p>Per quota: usage (black), the forecast peak over the rule's horizon (blue), the quota's value (grey); marked: alert, approval asked, request filed, granted, denied.</p>
            {index}</body></html>
            """;
        var indexPath = Path.Combine(folder, "index.html");
        File.WriteAllText(indexPath, page);
        written.Add(indexPath);
        return written;
    }

    private static void Plot(string rule, QuotaInfo quota, List<(DateTimeOffset At, RuleResult Result, IReadOnlyList<ActionResult> Actions, IReadOnlyList<string> Changes)> cycles, string path)
    {
        var plot = new ScottPlot.Plot();
        var x = cycles.Select(c => c.At.UtcDateTime.ToOADate()).ToArray();
        var usage = plot.Add.ScatterLine(x, cycles.Select(c => c.Result.CurrentUsage!.Value).ToArray());
        usage.LegendText = "usage";
        usage.Color = ScottPlot.Colors.Black;
        usage.LineWidth = 2;
        var withForecast = cycles.Where(c => c.Result.Forecast is not null).ToList();
        if (withForecast.Count > 0)
        {
            var forecast = plot.Add.ScatterLine(withForecast.Select(c => c.At.UtcDateTime.ToOADate()).ToArray(), withForecast.Select(c => c.Result.Forecast!.Peak).ToArray());
            forecast.LegendText = "forecast peak";
            forecast.Color = ScottPlot.Colors.SteelBlue;
            forecast.LineWidth = 1.5f;
        }
        var limit = plot.Add.ScatterLine(x, cycles.Select(c => c.Result.Quota!.Value).ToArray());
        limit.LegendText = "quota";
        limit.Color = ScottPlot.Colors.Gray;
        limit.LineWidth = 2.5f;
        limit.ConnectStyle = ScottPlot.ConnectStyle.StepHorizontal;

        var key = quota.Key.ToString();
        foreach (var mark in new[] { AlertMark, ApprovalMark, FiledMark, GrantedMark, DeniedMark })
        {
            var at = cycles.Where(c => Marks(mark, c.Actions, c.Changes, rule, key)).ToList();
            if (at.Count == 0) continue;
            var points = plot.Add.ScatterPoints(at.Select(c => c.At.UtcDateTime.ToOADate()).ToArray(), at.Select(c => c.Result.Quota!.Value).ToArray());
            points.LegendText = mark.Label;
            points.Color = mark.Color;
            points.MarkerShape = mark.Shape;
            points.MarkerSize = 11;
        }
        plot.Axes.DateTimeTicksBottom();
        plot.Title($"{rule}: {key} {quota.QuotaName}");
        plot.XLabel("UTC (virtual)");
        plot.YLabel(quota.Unit is { Length: > 0 } unit && unit != "None" ? unit : "count");
        plot.ShowLegend(ScottPlot.Edge.Right); // beside the plot: inside, it hides the first hours' marks
        plot.SavePng(path, 1100, 420);
    }

    private static bool Marks(Mark mark, IReadOnlyList<ActionResult> actions, IReadOnlyList<string> changes, string rule, string quota)
    {
        bool Did(string action) => actions.Any(a => a.RuleId == rule && a.Action == action && a.Outcome == ActionOutcome.Done);
        // A status change names the quota: "request sim-000001 for ec2/L-1216C47A@us-east-1 (512): PENDING → APPROVED".
        bool Became(params string[] statuses) => changes.Any(c => c.Contains($" for {quota} ", StringComparison.Ordinal) && statuses.Any(s => c.EndsWith($"→ {s}", StringComparison.Ordinal)));
        return mark == AlertMark ? Did("notify")
            : mark == ApprovalMark ? Did("start_approval")
            : mark == FiledMark ? Did("request_increase")
            : mark == GrantedMark ? Became("APPROVED", "CASE_CLOSED")
            : Became("DENIED", "NOT_APPROVED");
    }

    /// <summary>Text for the page: one escaping function for what is echoed (<see cref="Echo"/>), then HTML-encoded.</summary>
    private static string Html(string text) => WebUtility.HtmlEncode(Echo.Of(text));

    /// <summary>A rule id as a file name: letters, digits, '-' and '_' kept, anything else '_'.</summary>
    private static string FileName(string ruleId) => string.Concat(ruleId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
}
