using System.Globalization;
using QuotaAutomation.Core.Common;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Engine;
using Spectre.Console;

namespace QuotaAutomation.Cli.Commands;

/// <summary>Shared table cells and colours for the commands' output.</summary>
internal static class Render
{
    /// <summary>Any text for a Spectre markup string: escaped (<see cref="Echo"/>) so it cannot forge a line or reorder the text around it, then markup-escaped.</summary>
    public static string Text(string? text) => Markup.Escape(Echo.Of(text));

    public static string Num(double? value, string missing = "-") => value is { } v ? v.ToString("#,0.##", CultureInfo.InvariantCulture) : missing;

    /// <summary>A number for JSON output, rid of floating-point noise: 10 significant digits (23.80000000000001 is 23.8).</summary>
    public static double? Clean(double? value) => value is { } v && double.IsFinite(v)
        ? double.Parse(v.ToString("G10", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture)
        : value;

    public static string Pct(double? value) => value switch
    {
        null => "-",
        { } v when double.IsPositiveInfinity(v) => "∞",
        { } v => v.ToString("0.0", CultureInfo.InvariantCulture) + "%",
    };

    public static string Time(DateTimeOffset t) => t.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string Colour(QuotaDecision decision) => decision switch
    {
        Failed => "red",
        Alert { Severity: Severity.Emergency } or RequestIncrease { Severity: Severity.Emergency } => "red",
        Alert { Severity: Severity.Critical } or RequestIncrease { Severity: Severity.Critical } => "darkorange",
        Alert or RequestIncrease => "yellow",
        Held => "blue",
        _ => "grey",
    };

    /// <summary>
    /// One cycle as people read it: every rule's decision, then what changed and what was done. When the terminal has
    /// no room for the reasons beside the numbers (under about 170 columns), the table drops the quota and reason
    /// columns and the reasons follow it, each as wide as the terminal.
    /// </summary>
    public static void Cycle(IAnsiConsole console, CycleReport report)
    {
        if (Fit.Fits(console, DecisionTable(report, wide: true, reason: false), Fit.ReadableText + 3))
        {
            console.Write(DecisionTable(report, wide: true, reason: true));
        }
        else
        {
            console.Write(DecisionTable(report, wide: false, reason: false));
            console.MarkupLine("[bold]reasons[/]");
            console.Write(Fit.Notes(report.Rules.Select(r => (Text(r.Decision.RuleId), Reason(r.Decision)))));
        }
        if (report.StatusChanges.Count > 0) console.Write(new Rows(report.StatusChanges.Select(c => new Markup($"[green]•[/] {Text(c)}"))));
        if (report.Actions.Count == 0) return;
        var actions = ActionTable(report.Actions);
        if (Fit.Fits(console, actions)) console.Write(actions);
        else console.Write(new Rows(new Markup("[bold]actions[/]"), Fit.Notes(report.Actions.Select(a => (Text(a.RuleId), $"{Text(a.Action)} [{OutcomeColour(a.Outcome)}]{a.Outcome.ToString().ToLowerInvariant()}[/]: {Text(a.Detail)}")))));
    }

    /// <summary>A decision's reason, after its quota (which the narrow table leaves out).</summary>
    public static string Reason(QuotaDecision decision) =>
        (decision.Quota == Failed.Unknown ? "" : $"[grey]{Text(decision.Quota.ToString())}[/] ") + Text(decision.Reason);

    /// <param name="wide">With the quota column.</param>
    /// <param name="reason">With the reason column (it wraps; everything else is kept whole).</param>
    public static Table DecisionTable(CycleReport report, bool wide = true, bool reason = true)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"cycle {Markup.Escape(report.RunId)} at {Time(report.StartedAt)} UTC")
            .AddColumn(Fit.Text("rule"));
        if (wide) table.AddColumn(Fit.Number("quota"));
        table.AddColumns(Fit.Number("value"), Fit.Number("usage"), Fit.Number("forecast"), Fit.Number("util."), Fit.Number("decision"));
        if (reason) table.AddColumn(Fit.Text("reason"));
        foreach (var r in report.Rules)
        {
            var cells = new List<string> { Text(r.Decision.RuleId) };
            if (wide) cells.Add(Text(r.Decision.Quota == Failed.Unknown ? "-" : r.Decision.Quota.ToString()));
            cells.AddRange([Num(r.Quota?.Value), Num(r.CurrentUsage), Num(r.Forecast?.Peak), Pct(r.UtilizationPercent), $"[{Colour(r.Decision)}]{Markup.Escape(r.Decision.Kind)}[/]"]);
            if (reason) cells.Add(Text(r.Decision.Reason));
            table.AddRow([.. cells]);
        }
        return table;
    }

    public static Table ActionTable(IEnumerable<ActionResult> actions)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("actions").AddColumns("rule", "action", "outcome", "detail");
        foreach (var a in actions)
            table.AddRow(Text(a.RuleId), Text(a.Action), $"[{OutcomeColour(a.Outcome)}]{a.Outcome.ToString().ToLowerInvariant()}[/]", Text(a.Detail));
        return table;
    }

    private static string OutcomeColour(ActionOutcome outcome) => outcome switch { ActionOutcome.Done => "green", ActionOutcome.Skipped => "grey", _ => "red" };
}
