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

    /// <summary>One cycle as people read it: every rule's decision, then what changed and what was done.</summary>
    public static void Cycle(IAnsiConsole console, CycleReport report)
    {
        console.Write(DecisionTable(report));
        if (report.StatusChanges.Count > 0) console.Write(new Rows(report.StatusChanges.Select(c => new Markup($"[green]•[/] {Text(c)}"))));
        if (report.Actions.Count > 0) console.Write(ActionTable(report.Actions));
    }

    public static Table DecisionTable(CycleReport report)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"cycle {Markup.Escape(report.RunId)} at {Time(report.StartedAt)} UTC")
            .AddColumns("rule", "quota", "value", "usage", "forecast", "util.", "decision", "reason");
        foreach (var r in report.Rules)
        {
            var colour = Colour(r.Decision);
            table.AddRow(
                Text(r.Decision.RuleId),
                Text(r.Decision.Quota == Failed.Unknown ? "-" : r.Decision.Quota.ToString()),
                Num(r.Quota?.Value), Num(r.CurrentUsage), Num(r.Forecast?.Peak), Pct(r.UtilizationPercent),
                $"[{colour}]{Markup.Escape(r.Decision.Kind)}[/]",
                Text(r.Decision.Reason));
        }
        return table;
    }

    public static Table ActionTable(IEnumerable<ActionResult> actions)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("actions").AddColumns("rule", "action", "outcome", "detail");
        foreach (var a in actions)
        {
            var colour = a.Outcome switch { ActionOutcome.Done => "green", ActionOutcome.Skipped => "grey", _ => "red" };
            table.AddRow(Text(a.RuleId), Text(a.Action), $"[{colour}]{a.Outcome.ToString().ToLowerInvariant()}[/]", Text(a.Detail));
        }
        return table;
    }
}
