using System.CommandLine;
using System.Text.RegularExpressions;
using QuotaAutomation.Core.Common;
using QuotaAutomation.Core.Ports;
using Spectre.Console;

namespace QuotaAutomation.Cli.Commands;

/// <summary>
/// The exact commands that answer each waiting approval, after <c>run</c> and <c>status</c>. Each command is written
/// as one line straight to the output, never wrapped by the console, so an id stays whole and the line can be copied
/// and run as it is: it names the same database (or AWS backend) the command that printed it used.
/// </summary>
internal static partial class WaitingApprovals
{
    public static async Task WriteAsync(CliApp app, ParseResult parse, IApprovalStore approvals, CancellationToken ct)
    {
        var waiting = (await approvals.ListActiveAsync(ct)).Where(a => a.Status == ApprovalStatus.Waiting).ToList();
        if (waiting.Count == 0) return;
        var cli = Prefix(app, parse);
        app.Console.MarkupLine($"[bold]Waiting for approval[/] ({waiting.Count}): approve or deny each, then run again");
        var output = app.Console.Profile.Out.Writer;
        foreach (var a in waiting)
        {
            app.Console.MarkupLine($"  [yellow]{Render.Text(a.RuleId)}[/] {Render.Text(a.Quota.ToString())}: {Render.Num(a.CurrentValue)} → {Render.Num(a.DesiredValue)}, est. ${Render.Num(a.EstimatedMonthlyCost)}/month"
                + (Core.Approvals.ApprovalChain.Describe(a) is { } chain ? $"; {Render.Text(chain)}" : ""));
            output.WriteLine($"    {cli} approve {Echo.Of(a.Id)} --comment \"…\"");
            output.WriteLine($"    {cli} deny {Echo.Of(a.Id)}");
        }
    }

    /// <summary><c>quota-automation</c> with the options that chose the backend, as they were given.</summary>
    internal static string Prefix(CliApp app, ParseResult parse)
    {
        var words = new List<string> { "quota-automation" };
        if (app.IsAws(parse))
        {
            words.Add("--backend aws");
            foreach (var option in new[] { app.EndpointUrl, app.Region, app.Profile })
                if (parse.GetValue(option) is { } value) words.Add($"{option.Name} {Quote(value)}");
            if (parse.GetValue(app.TablePrefix) is { } tables && tables != "quota-automation") words.Add($"--tables {Quote(tables)}");
        }
        else if (parse.GetValue(app.Database) is { } db && db != CliApp.DefaultDatabase)
        {
            words.Add($"--db {Quote(db)}");
        }
        return string.Join(' ', words);
    }

    /// <summary>A value as a POSIX shell reads it back: as it is when plain, else in single quotes.</summary>
    private static string Quote(string value) => Plain().IsMatch(value) ? value : "'" + Echo.Of(value).Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    [GeneratedRegex(@"^[A-Za-z0-9_./:=@+,-]+$")]
    private static partial Regex Plain();
}
