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
        var fleet = new Option<bool>("--fleet") { Description = "Across the organization: which accounts and Regions have rules, which active accounts have none, which the fleet cannot reach (member role), overlapping fleet rules" };
        var command = new Command("compliance", "Observed quotas near their value with no rule, and rejected, disabled and shadowed rules, for the account and Region (--fleet: across the organization)") { near, fail, fleet };
        command.SetAction((parse, ct) => parse.GetValue(fleet) ? FleetAsync(app, parse, parse.GetValue(fail), ct) : ShowAsync(app, parse, parse.GetValue(near), parse.GetValue(fail), ct));
        return command;
    }

    /// <summary>
    /// The organization's compliance (<see cref="FleetCompliance"/>): the fleet plan the rules make over it (the virtual
    /// organization embedded; AWS Organizations with <c>--backend aws</c>, its rules' <c>'*'</c> Region being the hub's),
    /// and each governed account probed through its member role, with a progress bar.
    /// </summary>
    private static async Task<int> FleetAsync(CliApp app, ParseResult parse, bool failOnFindings, CancellationToken ct)
    {
        Core.Fleet.Organization org;
        Core.Fleet.FleetSettings settings;
        Core.Ports.IAccountReach reach;
        IReadOnlyList<RawRule> raws;
        using var aws = app.IsAws(parse) ? app.OpenAws(parse) : null;
        if (aws is not null)
        {
            org = await aws.Organization().ReadAsync(ct);
            settings = new Core.Fleet.FleetSettings([aws.Region], (await aws.Sts.GetCallerArnAsync(ct)).Split(':')[4], aws.Region); // arn:aws:sts::ACCOUNT:…
            reach = aws.Reach;
            raws = await aws.Rules.LoadRulesAsync(ct);
        }
        else
        {
            var backend = await app.OpenAsync(parse, ct);
            var (virtualOrg, _) = await backend.JoinOrganizationAsync(null, null, ct);
            org = virtualOrg.Organization;
            settings = new Core.Fleet.FleetSettings(null, org.ManagementAccountId, Local.Simulation.BuiltInAccount.Region);
            reach = new Local.Fleet.VirtualAccountReach(virtualOrg);
            raws = await backend.Rules.LoadRulesAsync(ct);
        }
        var rules = raws.Select(RuleParser.Parse).Where(r => r.Success).Select(r => r.Value).ToList();
        var plan = Core.Fleet.FleetPlanner.Plan("compliance", rules, org, settings);
        var accounts = plan.Shards.Select(s => s.AccountId).Distinct(StringComparer.Ordinal).ToList();
        var unreachable = new System.Collections.Concurrent.ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        await app.Console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn()).StartAsync(async progress =>
        {
            var task = progress.AddTask($"probing {accounts.Count} governed accounts", maxValue: Math.Max(1, accounts.Count));
            await Parallel.ForEachAsync(accounts, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (account, c) =>
            {
                if (await reach.ProbeAsync(account, c) is { } why) unreachable[account] = why;
                task.Increment(1);
            });
            task.Value = task.MaxValue;
        });
        var (coverage, findings) = FleetCompliance.Find(org, plan, unreachable);
        var active = org.Accounts.Count(a => a.State == Core.Fleet.AccountState.Active);
        if (app.WantsJson(parse))
        {
            Json.JsonOutput.Write(app, new
            {
                accounts = active, governed = coverage.Count, unreachable = unreachable.Count,
                coverage = coverage.Select(c => new { account = c.AccountId, name = c.Name, regions = c.Regions, rules = c.Rules, unreachable = c.Unreachable }),
                findings = findings.Select(f => new { kind = f.KindName, subject = f.Subject, detail = f.Detail }),
            });
        }
        else
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumns("finding", "about", "detail");
            foreach (var f in findings.Take(200)) table.AddRow(Render.Text(f.KindName), Render.Text(f.Subject), Render.Text(f.Detail));
            if (findings.Count > 0) app.Console.Write(table);
            if (findings.Count > 200) app.Console.MarkupLine($"[grey]… and {findings.Count - 200} more (-o json lists them all)[/]");
            app.Console.MarkupLine($"{(findings.Count == 0 ? "[green]✓ no findings[/]" : $"[yellow]{findings.Count} finding(s)[/]")}: {coverage.Count} of {active} active accounts governed, "
                + $"{coverage.Sum(c => c.Regions.Count)} account-Regions with rules, {unreachable.Count} unreachable, {plan.Skipped.Count} skipped");
        }
        return failOnFindings && findings.Count > 0 ? ExitCodes.Invalid : ExitCodes.Ok;
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
