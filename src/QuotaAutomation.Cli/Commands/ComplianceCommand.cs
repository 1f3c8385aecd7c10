using System.CommandLine;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Governance;
using QuotaAutomation.Core.Rules;
using QuotaAutomation.Core.Usage;
using Spectre.Console;

namespace QuotaAutomation.Cli.Commands;

/// <summary>
/// <c>compliance [--near PERCENT] [--fail-on-findings]</c>: one account and Region checked as a platform team would
/// (<see cref="ComplianceCheck"/>): observed quotas near their value with no enabled rule, rejected, disabled and
/// shadowed rules. Table or <c>--output json</c>.
/// </summary>
internal static class ComplianceCommand
{
    public static Command Create(CliApp app)
    {
        var near = new Option<double>("--near") { Description = "Utilisation (%) from which an observed quota without an enabled rule is a finding", DefaultValueFactory = _ => ComplianceCheck.DefaultNearPercent };
        var fail = new Option<bool>("--fail-on-findings") { Description = "Exit 1 when there is any finding (for a scheduled check or a pipeline)" };
        var command = new Command("compliance", "Observed quotas near their value with no rule, and rejected, disabled and shadowed rules, for the account and Region") { near, fail };
        command.SetAction((parse, ct) => ShowAsync(app, parse, parse.GetValue(near), parse.GetValue(fail), ct));
        return command;
    }

    private static async Task<int> ShowAsync(CliApp app, ParseResult parse, double near, bool failOnFindings, CancellationToken ct)
    {
        if (!(near is > 0 and <= 100))
        {
            app.Console.MarkupLine($"[red]error:[/] --near {Render.Num(near)} must be a percentage above 0 and at most 100");
            return ExitCodes.Error;
        }
        using var opened = await app.OpenPortsAsync(parse, ct);
        if (opened.Ports.Coverage is null)
        {
            app.Console.MarkupLine("[red]error:[/] this backend lists no observed quotas (no coverage source): compliance cannot say which quotas have no rule");
            return ExitCodes.Error;
        }
        var (findings, observed, rules, unreadValues) = await ComplianceReading.ReadAsync(opened.Ports, opened.Region, opened.Now, near, ct);
        var region = opened.Region;

        if (app.WantsJson(parse))
        {
            Json.JsonOutput.Write(app, new { region, near_percent = near, findings = findings.Select(f => new { kind = f.KindName, subject = f.Subject, detail = f.Detail }) });
        }
        else
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumns("finding", "about", "detail");
            foreach (var f in findings) table.AddRow(Render.Text(f.KindName), Render.Text(f.Subject), Render.Text(f.Detail));
            if (findings.Count > 0) app.Console.Write(table);
            var unread = unreadValues == 0 ? "" : $"; {unreadValues} quota values could not be read and are not judged";
            app.Console.MarkupLine(findings.Count == 0
                ? $"[green]✓ no findings[/] in {Render.Text(region)}: {observed.Count} observed quotas, {rules.Count} rules{Render.Text(unread)}"
                : $"[yellow]{findings.Count} finding(s)[/] in {Render.Text(region)}: {observed.Count} observed quotas, {rules.Count} rules{Render.Text(unread)}");
        }
        return failOnFindings && findings.Count > 0 ? ExitCodes.Invalid : ExitCodes.Ok;
    }
}
