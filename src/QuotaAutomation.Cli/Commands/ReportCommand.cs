using System.CommandLine;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Governance;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Reports;
using Spectre.Console;

namespace QuotaAutomation.Cli.Commands;

/// <summary>
/// <c>report [--days 30] [--account ID]... [--out FILE]</c>: one self-contained HTML file (<see cref="HtmlReport"/>) of an
/// account and Region over a period, embedded or <c>--backend aws</c>, from the audit trail, the usage history, the
/// quotas' values, the policies' budgets and the compliance check.
/// </summary>
internal static class ReportCommand
{
    public static Command Create(CliApp app)
    {
        var days = new Option<int>("--days") { Description = "The period: this many days up to now", DefaultValueFactory = _ => 30 };
        var accounts = new Option<string[]>("--account") { Description = "Member accounts to include beside the hub's own (12-digit ids; repeat the option), one row each in the heat map", AllowMultipleArgumentsPerToken = true };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the HTML file", DefaultValueFactory = _ => new FileInfo("quota-report.html") };
        var command = new Command("report", "Write one self-contained HTML report: utilisation against quota with the forecast band, a heat map, requests and approvals with their lead times, breaches and near misses, cost against budgets, compliance findings and right-sizing") { days, accounts, output };
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
            ReportModel? model = null;
            await app.Console.Status().StartAsync("reading the trail, the usage and the quotas…", async _ =>
                model = ReportBuilder.Build(await GatherAsync(app, parse, TimeSpan.FromDays(parse.GetValue(days)), members, ct)));
            var target = parse.GetValue(output)!; // has a default
            await File.WriteAllTextAsync(target.FullName, HtmlReport.Render(model!), ct);
            var s = model!.Summary;
            if (app.WantsJson(parse)) Json.JsonOutput.Write(app, new { file = target.FullName, summary = s });
            else app.Console.MarkupLine($"[green]wrote[/] {Render.Text(target.FullName)}: {s.Quotas} quotas, {s.RequestsFiled} requests filed ({s.RequestsApproved} approved), {s.ApprovalsAsked} sent to a person, {Render.Num(s.BreachMinutes)} breach minutes, {s.Findings} compliance findings");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<ReportInput> GatherAsync(CliApp app, ParseResult parse, TimeSpan period, string[] members, CancellationToken ct)
    {
        using var opened = await app.OpenPortsAsync(parse, ct);
        var (ports, region, now) = (opened.Ports, opened.Region, opened.Now);
        var since = now - period;
        var (findings, _, rules, _) = await ComplianceCommand.FindAsync(opened, ComplianceCheck.DefaultNearPercent, ct);
        var listed = new List<Core.Ports.ObservableQuota>();
        foreach (var account in members.Prepend(null))
            if (ports.Coverage is { } coverage) listed.AddRange(await coverage.ListAsync(account, region, null, includeUnobserved: false, ct));
        var keys = listed.Where(q => q.Source != Core.Usage.UsageSourceKind.None).Select(q => q.Key)
            .Concat(rules.Where(r => !r.IsFleetRule && !Core.Rules.WildcardRules.IsWildcard(r.Quota)).Select(r => r.Quota)).Distinct().ToList();
        var values = await ports.Quotas.GetQuotasAsync(keys, ct);
        var history = await ports.History.ReadManyAsync(keys, since, now, ct);
        var warnings = rules.Where(r => r.Enabled).GroupBy(r => r.Quota).ToDictionary(g => g.Key, g => g.Min(r => r.Thresholds.Warning));
        var forecaster = app.Forecaster(parse);
        var quotas = keys.Where(values.ContainsKey).Select(k =>
        {
            var usage = history.GetValueOrDefault(k) ?? [];
            return new QuotaObservation(values[k], usage)
            {
                Forecast = usage.Count == 0 ? null : forecaster.Predict(k.ToString(), usage, now, TimeSpan.FromDays(7)).Quantiles,
                WarningPercent = warnings.GetValueOrDefault(k, Core.Decisions.RightSizing.NoRuleWarningPercent),
            };
        }).ToList();
        return new ReportInput(members.Length == 0 ? $"account {(opened.Owned is null ? "(embedded)" : "of the caller")}, {region}" : $"{members.Length + 1} accounts, {region}", since, now, now)
        {
            Quotas = quotas,
            Audit = await AuditAsync(app, parse, opened, since, now, ct),
            Budgets = await BudgetsAsync(app, parse, opened, now, ct),
            Findings = findings,
        };
    }

    /// <summary>The period's intents, outcomes and status changes: SQLite's audit table, or DynamoDB's through its kind index.</summary>
    private static async Task<IReadOnlyList<AuditRecord>> AuditAsync(CliApp app, ParseResult parse, OpenPorts opened, DateTimeOffset since, DateTimeOffset now, CancellationToken ct)
    {
        var filter = new AuditFilter(ChangesOnly: true, Since: since, Until: now.AddSeconds(1));
        if (opened.Owned is Aws.AwsBackend aws) return await aws.Audit.QueryAsync(filter, ct) ?? [];
        var backend = await app.OpenAsync(parse, ct);
        return (await backend.Audit.QueryAsync(filter, 1_000_000, ct))
            .Select(e => new AuditRecord(e.Id, e.RunId, e.Timestamp, e.Kind, e.RuleId, QuotaKey.TryParse(e.Quota), e.Action, e.Message, e.ActionId, e.Details)).ToList();
    }

    /// <summary>This month's spend of each budget of the stored policies and <c>--policies FILE</c> (per-account budgets: the hub's own account).</summary>
    private static async Task<IReadOnlyList<BudgetStatus>> BudgetsAsync(CliApp app, ParseResult parse, OpenPorts opened, DateTimeOffset now, CancellationToken ct)
    {
        if (opened.Ports.Budgets is not { } ledger) return [];
        var stored = opened.Ports.Policies is { } store ? PolicyParser.ParseAll(await store.LoadPoliciesAsync(ct)).Policies : [];
        var filed = parse.GetValue(app.Policies) is { } file ? PolicyFiles.ReadValid(file.FullName) : [];
        var month = Budgets.Month(now);
        var self = new QuotaKey("-", "-", opened.Region);
        var rows = new List<BudgetStatus>();
        foreach (var p in filed.Concat(stored).Where(p => p.Enabled && p.MonthlyBudget is not null))
            rows.Add(new BudgetStatus(Budgets.Describe(p, self), month, p.MonthlyBudget!.Value, await ledger.SpentAsync(Budgets.Key(p, self), month, ct)));
        return rows;
    }
}
