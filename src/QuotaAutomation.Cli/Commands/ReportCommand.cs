using System.CommandLine;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Reports;
using Spectre.Console;

namespace QuotaAutomation.Cli.Commands;

/// <summary>
/// <c>report [--days 30] [--account ID]... [--ou ID] [--regions R,...] [--out FILE]</c>: one self-contained HTML file
/// (<see cref="HtmlReport"/>) of accounts and Regions over a period, embedded or <c>--backend aws</c>, from the audit trail, the usage history, the
/// quotas' values, the policies' budgets and the compliance check.
/// </summary>
internal static class ReportCommand
{
    public static Command Create(CliApp app)
    {
        var days = new Option<int>("--days") { Description = "The period: this many days up to now", DefaultValueFactory = _ => 30 };
        var accounts = new Option<string[]>("--account") { Description = "Member accounts to include beside the hub's own (12-digit ids; repeat the option), one row each in the heat map", AllowMultipleArgumentsPerToken = true };
        var ou = new Option<string?>("--ou") { Description = "An OU's report (ou-…, its accounts and the OUs under it) or the organization's (r-…): from AWS Organizations, or the database's virtual organization" };
        var regions = new Option<string[]>("--regions") { Description = "The Regions to report on (comma separated or repeated; default: the backend's --region)", AllowMultipleArgumentsPerToken = true };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the HTML file", DefaultValueFactory = _ => new FileInfo("quota-report.html") };
        var command = new Command("report", "Write one self-contained HTML report: utilisation against quota with the forecast band, a heat map, requests and approvals with their lead times, breaches and near misses, cost against budgets, compliance findings and right-sizing") { days, accounts, ou, regions, output };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(days) is < 1 or > 400)
            {
                app.Console.MarkupLine($"[red]error:[/] --days {parse.GetValue(days)} must be from 1 to 400");
                return ExitCodes.Error;
            }
            var members = parse.GetValue(accounts) ?? [];
            if (members.FirstOrDefault(a => !Core.Rules.RuleTargets.IsAccountId(a)) is { } bad)
            {
                app.Console.MarkupLine($"[red]error:[/] --account '{Render.Text(bad)}' must be a 12-digit account id");
                return ExitCodes.Error;
            }
            var wanted = (parse.GetValue(regions) ?? []).SelectMany(r => r.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).Distinct(StringComparer.Ordinal).ToList();
            if (wanted.FirstOrDefault(r => !RegionName.IsValid(r)) is { } badRegion)
            {
                app.Console.MarkupLine($"[red]error:[/] --regions '{Render.Text(badRegion)}' is not a Region name such as eu-west-1");
                return ExitCodes.Error;
            }
            ReportModel? model = null;
            await app.Console.Status().StartAsync("reading the trail, the usage and the quotas…", async _ =>
                model = ReportBuilder.Build(await GatherAsync(app, parse, TimeSpan.FromDays(parse.GetValue(days)), members, parse.GetValue(ou), wanted, ct)));
            var target = parse.GetValue(output)!; // has a default
            await File.WriteAllTextAsync(target.FullName, HtmlReport.Render(model!), ct);
            var s = model!.Summary;
            if (app.WantsJson(parse)) Json.JsonOutput.Write(app, new { file = target.FullName, summary = s });
            else app.Console.MarkupLine($"[green]wrote[/] {Render.Text(target.FullName)}: {s.Quotas} quotas, {s.RequestsFiled} requests filed ({s.RequestsApproved} approved), {s.ApprovalsAsked} sent to a person, {Render.Num(s.BreachMinutes)} breach minutes, {s.Findings} compliance findings");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<ReportInput> GatherAsync(CliApp app, ParseResult parse, TimeSpan period, string[] members, string? ou, List<string> regions, CancellationToken ct)
    {
        // Embedded, the backend that reads the quotas must be the one that joined the virtual organization (its member accounts).
        var embedded = app.IsAws(parse) ? null : await app.OpenAsync(parse, ct);
        using var opened = embedded is null ? await app.OpenPortsAsync(parse, ct)
            : new OpenPorts(embedded.Ports, parse.GetValue(app.Region) ?? Local.Simulation.BuiltInAccount.Region, embedded.Clock.GetUtcNow(), null);
        var filed = parse.GetValue(app.Policies) is { } file ? PolicyFiles.ReadValid(file.FullName) : [];
        var includeHub = true;
        if (regions.Count == 0) regions = [opened.Region];
        var where = string.Join(", ", regions);
        var scope = members.Length == 0 ? $"account {(opened.Owned is null ? "(embedded)" : "of the caller")}, {where}" : $"{members.Length + 1} accounts, {where}";
        if (ou is not null)
        {
            var organization = opened.Owned is Aws.AwsBackend aws ? aws.Organization() : await PlaceOptions.EmbeddedOrganizationAsync(embedded!, ct)
                ?? throw new InvalidDataException($"--ou {ou} needs an organization: this database has none yet (run --fleet makes its virtual organization)");
            var org = await organization.ReadAsync(ct);
            var under = org.Under(ou).Where(a => a.State == Core.Fleet.AccountState.Active).Select(a => a.Id).ToList();
            if (under.Count == 0) throw new InvalidDataException($"--ou {ou}: the organization {org.Id} has no such OU or root, or no active account under it");
            includeHub = under.Remove(org.ManagementAccountId);
            members = [.. under];
            scope = ou.StartsWith("r-", StringComparison.Ordinal) ? $"the organization {org.Id} ({under.Count + (includeHub ? 1 : 0)} accounts), {where}" : $"{ou} ({under.Count + (includeHub ? 1 : 0)} accounts), {where}";
        }
        return await ReportGathering.GatherAsync(opened.Ports, regions, opened.Now, period, app.Forecaster(parse),
            (filter, c) => AuditAsync(app, parse, opened, filter, c), filed, members, scope, ct, includeHub);
    }

    /// <summary>The period's intents, outcomes and status changes: SQLite's audit table, or DynamoDB's through its kind index.</summary>
    private static async Task<IReadOnlyList<AuditRecord>> AuditAsync(CliApp app, ParseResult parse, OpenPorts opened, AuditFilter filter, CancellationToken ct)
    {
        if (opened.Owned is Aws.AwsBackend aws) return await aws.Audit.QueryAsync(filter, ct) ?? [];
        return await (await app.OpenAsync(parse, ct)).Audit.RecordsAsync(filter, ct);
    }
}
