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
        var (findings, observed, rules, unreadValues) = await FindAsync(opened, near, ct);
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

    /// <summary>The account and Region's findings (<see cref="ComplianceCheck"/>), from the coverage, the rules and the usage history; also the report's compliance section.</summary>
    internal static async Task<(IReadOnlyList<ComplianceFinding> Findings, IReadOnlyList<ObservedUtilization> Observed, IReadOnlyList<QuotaRule> Rules, int UnreadValues)> FindAsync(
        OpenPorts opened, double near, CancellationToken ct)
    {
        var (ports, region, now) = (opened.Ports, opened.Region, opened.Now);
        var quotas = ports.Coverage is { } coverage ? await coverage.ListAsync(null, region, null, includeUnobserved: false, ct) : [];
        var parsed = (await ports.Rules.LoadRulesAsync(ct)).Select(raw => (Raw: raw, Result: RuleParser.Parse(raw))).ToList();
        var rules = parsed.Where(p => p.Result.Success).Select(p => p.Result.Value).ToList();
        var rejected = parsed.Where(p => !p.Result.Success).Select(p => (RuleParser.NameOf(p.Raw), p.Result.Error!)).ToList(); // Error is set when !Success
        var observedKeys = quotas.Where(q => q.Source != UsageSourceKind.None).Select(q => q.Key).ToList();
        var samples = await ports.History.ReadManyAsync(observedKeys, now - new EngineOptions().HistoryWindow, now, ct);
        var values = await ports.Quotas.GetQuotasAsync(observedKeys, ct);
        var observed = quotas.Where(q => values.ContainsKey(q.Key))
            .Select(q => new ObservedUtilization(q.Key, q.QuotaName, values[q.Key].Value, samples.GetValueOrDefault(q.Key) is [.., var last] ? last.Value : null)).ToList();
        return (ComplianceCheck.Find(rules, rejected, GoverningRule.For(rules, quotas), observed, near), observed, rules, values.Failed.Count);
    }
}
