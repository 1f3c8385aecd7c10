using System.CommandLine;
using System.Globalization;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Common;
using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Core.Rules;
using Spectre.Console;

namespace QuotaAutomation.Cli.Commands;

/// <summary>
/// <c>org show</c>: the organization the fleet governs (accounts, states, where each sits in the OU tree), through the
/// <see cref="IOrganization"/> port. On <c>--backend aws</c>: <c>org template sync</c> makes the quota request template
/// hold what the rules' <c>template_value</c> asks for, and <c>org auto-management enable</c> turns on Service Quotas
/// Automatic Management (NotifyOnly) in member accounts.
/// </summary>
internal static class OrgCommands
{
    private static Option<string[]> RegionsOption(string description) => new("--regions") { Description = description, AllowMultipleArgumentsPerToken = true };

    public static Command Create(CliApp app)
    {
        var org = new Command("org", "The organization the fleet governs: its accounts and OUs, its quota request template, Automatic Management");
        var enabledRegions = new Option<bool>("--enabled-regions") { Description = "aws: also read each active account's enabled Regions (Account ListRegions, 5 calls a second)" };
        var show = new Command("show", "The organization's accounts: state and OU path (aws: AWS Organizations, from the management account or a delegated administrator)") { enabledRegions };
        show.SetAction((parse, ct) => ShowAsync(app, parse, parse.GetValue(enabledRegions), ct));

        var apply = new Option<bool>("--apply") { Description = "Make the changes (without it, only say what they would be)" };
        var templateRegions = RegionsOption("What region '*' means in template_value rules: Regions, comma separated or repeated");
        var sync = new Command("sync", "aws: make the quota request template hold what the rules' template_value asks for (adds, updates, removes entries no rule asks for; associates the template), audited") { apply, templateRegions };
        sync.SetAction((parse, ct) => SyncTemplateAsync(app, parse, parse.GetValue(apply), RegionsOf(parse.GetValue(templateRegions)), ct));
        var template = new Command("template", "The organization's quota request template: increases every new account gets") { sync };

        var accounts = new Option<string[]>("--account") { Description = "Only these account ids (default: every active account)", AllowMultipleArgumentsPerToken = true };
        var enableRegions = RegionsOption("Where to turn it on: Regions, comma separated or repeated (default: the --region in use)");
        var enable = new Command("enable", "aws: turn on Service Quotas Automatic Management (NotifyOnly: AWS's 80 %/95 % notifications and Health events) in each account and Region, through the member role") { accounts, enableRegions };
        enable.SetAction((parse, ct) => EnableAutoManagementAsync(app, parse, parse.GetValue(accounts) ?? [], RegionsOf(parse.GetValue(enableRegions)), ct));
        var autoManagement = new Command("auto-management", "Service Quotas Automatic Management in member accounts") { enable };

        org.Subcommands.Add(show);
        org.Subcommands.Add(template);
        org.Subcommands.Add(autoManagement);
        return org;
    }

    /// <summary>AWS Organizations with <c>--backend aws</c>; the embedded backend's virtual organization once <c>run --fleet</c> made it.</summary>
    private static async Task<Core.Fleet.Organization> ReadOrganizationAsync(CliApp app, ParseResult parse, bool enabledRegions, CancellationToken ct)
    {
        if (!app.IsAws(parse))
        {
            var backend = await app.OpenAsync(parse, ct);
            var virtualOrg = await PlaceOptions.EmbeddedOrganizationAsync(backend, ct)
                ?? throw new InvalidDataException("this database has no virtual organization yet: run quota-automation run --fleet first (or use --backend aws)");
            return await virtualOrg.ReadAsync(ct);
        }
        using var aws = app.OpenAws(parse);
        var regions = enabledRegions ? new AwsEnabledRegions(aws.Account, AccountOf(await aws.Sts.GetCallerArnAsync(ct)), app.RealTime) : null;
        return await aws.Organization(regions).ReadAsync(ct);
    }

    private static async Task<int> ShowAsync(CliApp app, ParseResult parse, bool enabledRegions, CancellationToken ct)
    {
        var org = await ReadOrganizationAsync(app, parse, enabledRegions, ct);
        var accounts = org.Accounts.OrderBy(a => string.Join('/', a.Parents), StringComparer.Ordinal).ThenBy(a => a.Id, StringComparer.Ordinal).ToList();
        if (app.WantsJson(parse))
        {
            Json.JsonOutput.Write(app, new OrgDocument(org.Id, org.ManagementAccountId,
                accounts.Select(a => new OrgAccountDocument(a.Id, a.Name, StateName(a.State), a.Parents, a.EnabledRegions)).ToList()));
            return ExitCodes.Ok;
        }
        var table = new Table().Border(TableBorder.Rounded).AddColumns("account", "name", "state", "parents (root → OU)");
        if (enabledRegions) table.AddColumn("enabled Regions");
        foreach (var a in accounts)
        {
            var cells = new List<string>
            {
                Render.Text(a.Id) + (a.Id == org.ManagementAccountId ? " [grey](management)[/]" : ""), Render.Text(a.Name),
                a.State == AccountState.Active ? "active" : $"[yellow]{StateName(a.State)}[/]", Render.Text(string.Join(" / ", a.Parents)),
            };
            if (enabledRegions) cells.Add(Render.Text(string.Join(", ", a.EnabledRegions ?? [])));
            table.AddRow(cells.ToArray());
        }
        app.Console.Write(table);
        var units = accounts.SelectMany(a => a.Parents).Where(p => p.StartsWith("ou-", StringComparison.Ordinal)).Distinct(StringComparer.Ordinal).Count();
        var states = string.Join(", ", accounts.GroupBy(a => a.State).OrderBy(g => g.Key).Select(g => $"{g.Count()} {StateName(g.Key)}"));
        app.Console.MarkupLine($"[grey]organization {Render.Text(org.Id)}: {accounts.Count} accounts ({states}) in {units} OUs holding accounts; only active accounts are governed[/]");
        return ExitCodes.Ok;
    }

    private static async Task<int> SyncTemplateAsync(CliApp app, ParseResult parse, bool apply, List<string>? everyRegion, CancellationToken ct)
    {
        RequireAws(app, parse, "org template sync");
        using var aws = app.OpenAws(parse);
        var parsed = (await aws.Rules.LoadRulesAsync(ct)).Select(RuleParser.Parse).ToList();
        var plan = TemplatePlan.From(parsed.Where(p => p.Success).Select(p => p.Value), everyRegion);
        var runId = string.Create(CultureInfo.InvariantCulture, $"cli-template-{app.RealTime.GetUtcNow():yyyyMMdd'T'HHmmss'Z'}");
        var template = new AwsQuotaTemplate(aws.ServiceQuotas, aws.Audit, app.RealTime);
        var report = await template.SyncAsync(plan.Entries, runId, apply, ct);
        var rejected = parsed.Count(p => !p.Success);

        if (app.WantsJson(parse))
        {
            static TemplateEntryDocument Doc(TemplateEntry e) => new(e.ServiceCode, e.QuotaCode, e.Region, e.DesiredValue, e.RuleId);
            Json.JsonOutput.Write(app, new TemplateSyncDocument(report.Applied, report.Association,
                [.. report.Changes.Add.Select(Doc)], [.. report.Changes.Update.Select(Doc)], [.. report.Changes.Remove.Select(Doc)], [.. report.Changes.Unchanged.Select(Doc)],
                plan.Problems, report.Failures, rejected));
        }
        else
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumns("change", "quota", "Region", "value", "rule");
            void Rows(IEnumerable<TemplateEntry> entries, string change)
            {
                foreach (var e in entries)
                    table.AddRow(change, Render.Text($"{e.ServiceCode}/{e.QuotaCode}"), Render.Text(e.Region), Render.Num(e.DesiredValue), Render.Text(e.RuleId ?? "-"));
            }
            Rows(report.Changes.Remove, "[red]remove[/]");
            Rows(report.Changes.Update, "[yellow]update[/]");
            Rows(report.Changes.Add, "[green]add[/]");
            Rows(report.Changes.Unchanged, "[grey]keep[/]");
            app.Console.Write(table);
            foreach (var problem in plan.Problems) app.Console.MarkupLine($"[yellow]{Render.Text(problem)}[/]");
            foreach (var failure in report.Failures) app.Console.MarkupLine($"[red]failed:[/] {Render.Text(failure)}");
            if (rejected > 0) app.Console.MarkupLine($"[yellow]{rejected} stored rules do not parse and were not read: see rules validate[/]");
            app.Console.MarkupLine(report.Applied
                ? $"[grey]template synced (audit run {Render.Text(runId)}); association: {Render.Text(report.Association)}[/]"
                : report.Changes.IsEmpty
                    ? $"[grey]the template already holds what the rules ask for; association: {Render.Text(report.Association)}[/]"
                    : $"[grey]nothing changed: run again with --apply to make these changes; association: {Render.Text(report.Association)}[/]");
        }
        return report.Failures.Count > 0 ? ExitCodes.Error : plan.Problems.Count > 0 ? ExitCodes.Invalid : ExitCodes.Ok;
    }

    private static async Task<int> EnableAutoManagementAsync(CliApp app, ParseResult parse, string[] only, List<string>? regions, CancellationToken ct)
    {
        RequireAws(app, parse, "org auto-management enable");
        using var aws = app.OpenAws(parse);
        var self = AccountOf(await aws.Sts.GetCallerArnAsync(ct));
        var org = await aws.Organization().ReadAsync(ct);
        var wanted = only.SelectMany(a => a.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToHashSet(StringComparer.Ordinal);
        var unknown = wanted.Where(id => org.Accounts.All(a => a.Id != id)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0) throw new InvalidDataException($"--account {string.Join(", ", unknown)}: not an account of organization {org.Id}");
        var targets = org.Accounts.Where(a => a.State == AccountState.Active && (wanted.Count == 0 || wanted.Contains(a.Id))).Select(a => a.Id).ToList();
        regions ??= [aws.Region];
        var work = targets.SelectMany(account => regions.Select(region => (Account: account, Region: region))).ToList();

        var results = new System.Collections.Concurrent.ConcurrentBag<AutoManagementResult>();
        // Accounts are independent (each has its own API rates); a few at once keeps the STS and Service Quotas calls modest.
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (item, token) =>
            results.Add(await aws.AutoManagement.EnableAsync(item.Account == self ? null : item.Account, item.Region, token) with { AccountId = item.Account }));
        var ordered = results.OrderBy(r => r.AccountId, StringComparer.Ordinal).ThenBy(r => r.Region, StringComparer.Ordinal).ToList();

        var runId = string.Create(CultureInfo.InvariantCulture, $"cli-auto-management-{app.RealTime.GetUtcNow():yyyyMMdd'T'HHmmss'Z'}");
        var sequence = 0;
        foreach (var r in ordered)
            await aws.Audit.AppendAsync(new AuditRecord(string.Create(CultureInfo.InvariantCulture, $"{runId}/{++sequence:D5}"), runId, app.RealTime.GetUtcNow(),
                r.Outcome == "failed" ? AuditKind.Error : AuditKind.Outcome, "auto-management", null, "auto_management_enable",
                Echo.Of($"account {r.AccountId} {r.Region}: {r.Outcome}{(r.Error is null ? "" : $": {r.Error}")}"),
                Details: new Dictionary<string, string> { ["account_id"] = r.AccountId, ["region"] = r.Region }), ct);

        if (app.WantsJson(parse))
        {
            Json.JsonOutput.Write(app, new AutoManagementDocument([.. ordered.Select(r => new AutoManagementResultDocument(r.AccountId, r.Region, r.Outcome, r.Error))]));
        }
        else
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumns("account", "Region", "outcome", "error");
            foreach (var r in ordered)
                table.AddRow(Render.Text(r.AccountId), Render.Text(r.Region), r.Outcome == "failed" ? "[red]failed[/]" : Render.Text(r.Outcome), Render.Text(r.Error ?? ""));
            app.Console.Write(table);
            app.Console.MarkupLine($"[grey]{ordered.Count(r => r.Outcome == "enabled")} enabled now, {ordered.Count(r => r.Outcome is "already" or "kept")} already on, {ordered.Count(r => r.Outcome == "failed")} failed (audit run {Render.Text(runId)})[/]");
        }
        return ordered.Any(r => r.Outcome == "failed") ? ExitCodes.Error : ExitCodes.Ok;
    }

    private static void RequireAws(CliApp app, ParseResult parse, string command)
    {
        if (!app.IsAws(parse)) throw new InvalidDataException($"{command} changes AWS: use --backend aws");
    }

    /// <summary><c>--regions</c> as a list (comma separated or repeated); null when not given.</summary>
    private static List<string>? RegionsOf(string[]? given) =>
        given is { Length: > 0 } ? [.. given.SelectMany(r => r.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).Distinct(StringComparer.Ordinal)] : null;

    /// <summary>The account of an ARN (<c>arn:aws:sts::123456789012:assumed-role/…</c>).</summary>
    private static string? AccountOf(string arn) => arn.Split(':') is { Length: > 4 } parts && parts[4].Length == 12 ? parts[4] : null;

    private static string StateName(AccountState state) => state switch
    {
        AccountState.Active => "active",
        AccountState.Suspended => "suspended",
        AccountState.PendingClosure => "pending_closure",
        AccountState.Closed => "closed",
        _ => state.ToString(),
    };

    /// <summary><c>org show --output json</c>.</summary>
    internal sealed record OrgDocument(string OrganizationId, string ManagementAccountId, IReadOnlyList<OrgAccountDocument> Accounts);

    internal sealed record OrgAccountDocument(string Id, string Name, string State, IReadOnlyList<string> Parents, IReadOnlyList<string>? EnabledRegions);

    /// <summary><c>org template sync --output json</c>.</summary>
    internal sealed record TemplateSyncDocument(bool Applied, string Association, IReadOnlyList<TemplateEntryDocument> Add, IReadOnlyList<TemplateEntryDocument> Update,
        IReadOnlyList<TemplateEntryDocument> Remove, IReadOnlyList<TemplateEntryDocument> Keep, IReadOnlyList<string> Problems, IReadOnlyList<string> Failures, int RejectedRules);

    internal sealed record TemplateEntryDocument(string ServiceCode, string QuotaCode, string Region, double DesiredValue, string? RuleId);

    /// <summary><c>org auto-management enable --output json</c>.</summary>
    internal sealed record AutoManagementDocument(IReadOnlyList<AutoManagementResultDocument> Results);

    internal sealed record AutoManagementResultDocument(string AccountId, string Region, string Outcome, string? Error);
}
