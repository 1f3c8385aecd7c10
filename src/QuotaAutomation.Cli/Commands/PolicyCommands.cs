using System.CommandLine;
using System.Text.Json;
using QuotaAutomation.Core.Governance;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Rules;
using Spectre.Console;

namespace QuotaAutomation.Cli.Commands;

/// <summary>
/// <c>policy validate|test|import|list|delete</c>: the organization's policies over rules (docs/governance.md), checked
/// with the parser the engine uses, what each rule of a rules file would be allowed to do under them, and the stored
/// policies every cycle reads (SQLite embedded, the policies table with <c>--backend aws</c>), each change audited.
/// </summary>
internal static class PolicyCommands
{
    public static Command Create(CliApp app)
    {
        var policy = new Command("policy", "Validate organization policies, show what each rule may do under them, and keep the stored ones every cycle reads");
        policy.Subcommands.Add(Validate(app));
        policy.Subcommands.Add(Test(app));
        policy.Subcommands.Add(Import(app));
        policy.Subcommands.Add(List(app));
        policy.Subcommands.Add(Delete(app));
        policy.Subcommands.Add(BudgetsCommand(app));
        return policy;
    }

    private static Command Validate(CliApp app)
    {
        var file = new Argument<FileInfo?>("FILE") { Description = "JSON or YAML list of policies; omit it to check the stored policies every cycle reads", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("validate", "Check a policies file (or, without one, the stored policies: one invalid item makes every cycle alert-only); exit 1 if any policy is invalid") { file };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(file) is { } given)
                return Load(app.Console, given) is { } loaded ? Judge(app.Console, loaded, given.Name) : ExitCodes.Error;
            return await WithStoreAsync(app, parse, async (store, where) => Judge(app.Console, PolicyParser.ParseAll(await store.LoadPoliciesAsync(ct)), where), ct);
        });
        return command;
    }

    private static int Judge(IAnsiConsole console, (IReadOnlyList<QuotaPolicy> Policies, IReadOnlyList<string> Problems) loaded, string where)
    {
        foreach (var problem in loaded.Problems) console.MarkupLine($"[red]✗[/] {Render.Text(problem)}");
        console.MarkupLine(loaded.Problems.Count == 0
            ? $"[green]✓ {loaded.Policies.Count} policies valid[/] in {Render.Text(where)}"
            : $"[red]{loaded.Problems.Count} problem(s)[/], {loaded.Policies.Count} policies valid in {Render.Text(where)}");
        return loaded.Problems.Count == 0 ? ExitCodes.Ok : ExitCodes.Invalid;
    }

    private static Command Import(CliApp app)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "JSON or YAML list of policies" };
        var replace = new Option<bool>("--replace") { Description = "Afterwards the store holds exactly the file's policies: stored policies not in the file are deleted (audited)" };
        var command = new Command("import", "Validate a policies file and store its policies (all or none), replacing policies with the same policy_id; exit 1 if any is invalid") { file, replace };
        command.SetAction(async (parse, ct) =>
        {
            var given = parse.GetValue(file)!; // required argument
            IReadOnlyList<RawPolicy> raws;
            try
            {
                raws = PolicyFiles.Read(given.FullName);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or JsonException)
            {
                app.Console.MarkupLine($"[red]error:[/] cannot read {Render.Text(given.Name)}: {Render.Text(e.Message)}");
                return ExitCodes.Error;
            }
            var (policies, problems) = PolicyParser.ParseAll(raws);
            if (problems.Count > 0)
            {
                foreach (var problem in problems) app.Console.MarkupLine($"[red]✗[/] {Render.Text(problem)}");
                app.Console.MarkupLine("[red]nothing imported[/]: fix the policies above first");
                return ExitCodes.Invalid;
            }
            // ParseAll keeps the valid policies in the file's order, one per raw item.
            var valid = raws.Zip(policies).ToList();
            return await ChangeAsync(app, parse, async (changes, where) =>
            {
                var exit = await changes.ImportAsync(valid, parse.GetValue(replace), ct);
                app.Console.MarkupLine($"[green]imported {valid.Count} policies[/] into {Render.Text(where)}");
                return exit;
            }, ct);
        });
        return command;
    }

    private static Command List(CliApp app)
    {
        var command = new Command("list", "List the stored policies every cycle reads, with any problem the engine will report");
        command.SetAction(async (parse, ct) => await WithStoreAsync(app, parse, async (store, where) =>
        {
            var raws = await store.LoadPoliciesAsync(ct);
            var rows = raws.Select(raw => (Raw: raw, Parsed: PolicyParser.Parse(raw))).ToList();
            if (app.WantsJson(parse))
            {
                Json.JsonOutput.Write(app, new
                {
                    policies = rows.Select(r => new { origin = r.Raw.Origin, item = r.Raw.Attributes, valid = r.Parsed.Success, problem = r.Parsed.Error }).ToList(),
                });
                return rows.All(r => r.Parsed.Success) ? ExitCodes.Ok : ExitCodes.Invalid;
            }
            var table = new Table().Border(TableBorder.Rounded).Title(Render.Text(where)).AddColumns("policy", "covers", "limits", "problem");
            foreach (var (raw, parsed) in rows)
            {
                table.AddRow(Render.Text(parsed.Success ? parsed.Value.PolicyId : raw.Origin), parsed.Success ? Render.Text(Covers(parsed.Value)) : "",
                    parsed.Success ? Render.Text(Limits(parsed.Value)) : "", parsed.Success ? "" : $"[red]{Render.Text(parsed.Error!)}[/]");
            }
            app.Console.Write(table);
            if (rows.Count == 0) app.Console.MarkupLine("[grey]no stored policies (policy import FILE)[/]");
            return rows.All(r => r.Parsed.Success) ? ExitCodes.Ok : ExitCodes.Invalid;
        }, ct));
        return command;
    }

    private static Command Delete(CliApp app)
    {
        var ids = new Argument<string[]>("ID") { Description = "Policy ids (see policy list)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("delete", "Delete stored policies; the deleted items are kept in the audit trail (exit 2 and nothing changed if an id is unknown)") { ids };
        command.SetAction((parse, ct) => ChangeAsync(app, parse, (changes, _) => changes.DeleteAsync(parse.GetValue(ids)!, ct), ct)); // required argument
        return command;
    }

    private static Command BudgetsCommand(CliApp app)
    {
        var account = new Option<string?>("--account") { Description = "The account whose per-account budgets to show (a 12-digit id); default: the hub's own" };
        var command = new Command("budgets", "Show this month's spend against each monthly budget of the stored policies (and --policies FILE)") { account };
        command.SetAction(async (parse, ct) =>
        {
            var filed = parse.GetValue(app.Policies) is { } file ? PolicyFiles.ReadValid(file.FullName) : [];
            var quota = new Core.Quotas.QuotaKey("-", "-", "-", parse.GetValue(account));
            async Task<int> ShowAsync(IPolicyEditor store, Core.Ports.IBudgetLedger ledger, DateTimeOffset now, string where)
            {
                var (stored, problems) = PolicyParser.ParseAll(await store.LoadPoliciesAsync(ct));
                foreach (var problem in problems) app.Console.MarkupLine($"[red]✗[/] {Render.Text(problem)}");
                var month = Core.Governance.Budgets.Month(now);
                var rows = new List<(string Budget, double Limit, double Spent, string Over)>();
                foreach (var p in filed.Concat(stored).Where(p => p.Enabled && p.MonthlyBudget is not null))
                    rows.Add((Core.Governance.Budgets.Describe(p, quota), p.MonthlyBudget!.Value, await ledger.SpentAsync(Core.Governance.Budgets.Key(p, quota), month, ct), p.OverBudget == OverBudget.Hold ? "held" : "a person approves"));
                if (app.WantsJson(parse))
                {
                    Json.JsonOutput.Write(app, new { month, budgets = rows.Select(r => new { budget = r.Budget, limit = r.Limit, spent = r.Spent, remaining = Math.Max(0, r.Limit - r.Spent), over_budget = r.Over }).ToList() });
                    return ExitCodes.Ok;
                }
                var table = new Table().Border(TableBorder.Rounded).Title(Render.Text($"{where}, {month}")).AddColumns("budget", "limit $/month", "spent", "remaining", "over it");
                foreach (var r in rows)
                    table.AddRow(Render.Text(r.Budget), Render.Num(r.Limit), Render.Num(r.Spent), r.Spent >= r.Limit ? $"[red]{Render.Num(Math.Max(0, r.Limit - r.Spent))}[/]" : Render.Num(r.Limit - r.Spent), r.Over);
                app.Console.Write(table);
                if (rows.Count == 0) app.Console.MarkupLine("[grey]no policy sets a monthly_budget[/]");
                return ExitCodes.Ok;
            }
            if (app.IsAws(parse))
            {
                using var aws = app.OpenAws(parse);
                return await ShowAsync(aws.Policies, aws.Ports.Budgets!, app.RealTime.GetUtcNow(), $"DynamoDB table {aws.Options.StateTable}"); // the AWS backend always has a ledger
            }
            var backend = await app.OpenAsync(parse, ct);
            return await ShowAsync(backend.Policies, backend.Ports.Budgets!, backend.Clock.GetUtcNow(), backend.Database.Path); // so has the embedded one
        });
        return command;
    }

    private static string Covers(QuotaPolicy p) =>
        $"{p.ServiceCode}/{p.QuotaCode} in {string.Join(",", p.Accounts)}{(p.ExcludeAccounts.Count > 0 ? $" except {string.Join(",", p.ExcludeAccounts)}" : "")}{(p.Enabled ? "" : " (disabled)")}";

    private static string Limits(QuotaPolicy p) => string.Join("; ", new[]
    {
        p.MaxValue is { } v ? $"max_value {Render.Num(v)}" : null,
        p.MaxStep is { } s ? $"max_step {Render.Num(s)}" : null,
        p.NeverRaise ? "never_raise" : null,
        p.AutoApproveAccounts is { } a ? $"auto_approve_accounts {string.Join(",", a)}" : null,
        p.ApprovalAlways ? "approval_required" : null,
        p.ApprovalAboveValue is { } av ? $"approval_above_value {Render.Num(av)}" : null,
        p.ApprovalAboveMonthlyCost is { } ac ? $"approval_above_monthly_cost {Render.Num(ac)}" : null,
        p.ApproversRequired is { } n ? $"approvers_required {n}" : null,
        p.ApproverGroups.Count > 0 ? $"approvers {Core.Approvals.ApproverGroup.FromEach(p.ApproverGroups.Select(g => $"{g.Name} ({string.Join(" ", g.Patterns)})"))}" : null,
        p.MonthlyBudget is { } b ? $"monthly_budget {Render.Num(b)} per {(p.BudgetPer == BudgetPer.Account ? "account" : "scope")}, over it: {(p.OverBudget == OverBudget.Hold ? "held" : "approval")}" : null,
    }.OfType<string>());

    /// <summary>The stored policies of the backend in use: the policies table with <c>--backend aws</c>, SQLite otherwise.</summary>
    private static async Task<int> WithStoreAsync(CliApp app, ParseResult parse, Func<IPolicyEditor, string, Task<int>> use, CancellationToken ct)
    {
        if (app.IsAws(parse))
        {
            using var aws = app.OpenAws(parse);
            return await use(aws.Policies, $"DynamoDB table {aws.Options.PoliciesTable}");
        }
        var backend = await app.OpenAsync(parse, ct);
        return await use(backend.Policies, backend.Database.Path);
    }

    /// <summary>Runs a change on the backend in use, audited as who the backend says the caller is.</summary>
    private static async Task<int> ChangeAsync(CliApp app, ParseResult parse, Func<PolicyChanges, string, Task<int>> change, CancellationToken ct)
    {
        if (app.IsAws(parse))
        {
            using var aws = app.OpenAws(parse);
            var caller = await aws.Sts.GetCallerArnAsync(ct);
            return await change(new PolicyChanges(app.Console, aws.Policies, aws.Audit, caller, app.RealTime.GetUtcNow()), $"DynamoDB table {aws.Options.PoliciesTable}");
        }
        var backend = await app.OpenAsync(parse, ct);
        return await change(new PolicyChanges(app.Console, backend.Policies, backend.Audit, Environment.UserName, backend.Clock.GetUtcNow()), backend.Database.Path);
    }

    private static Command Test(CliApp app)
    {
        var rulesFile = new Argument<FileInfo>("RULES") { Description = "JSON or YAML list of rules" };
        var account = new Option<string?>("--account") { Description = "The account the rules run in (a 12-digit id); default: each rule's own account_id, else unknown" };
        var parents = new Option<string?>("--parents") { Description = "The account's root and OU ids from the root down (r-…,ou-…); without it, OU-scoped policies restrict and never permit" };
        var command = new Command("test", "Show what each rule may do under the policies given with --policies: level, cap, step, approvals, and the policy that won") { rulesFile, account, parents };
        command.SetAction(parse =>
        {
            if (parse.GetValue(app.Policies) is not { } policiesFile)
            {
                app.Console.MarkupLine("[red]error:[/] policy test needs --policies FILE");
                return ExitCodes.Error;
            }
            var policies = PolicyFiles.ReadValid(policiesFile.FullName);
            var raws = RuleFiles.Read(parse.GetValue(rulesFile)!.FullName); // required argument
            var rows = new List<RuleUnderPolicies>();
            foreach (var raw in raws)
            {
                var parsed = RuleParser.Parse(raw);
                if (!parsed.Success)
                {
                    app.Console.MarkupLine($"[red]✗[/] {Render.Text(parsed.Error!)}");
                    continue;
                }
                var rule = parsed.Value;
                var accountId = parse.GetValue(account) ?? rule.Targets.Accounts.FirstOrDefault(RuleTargets.IsAccountId);
                var place = new AccountPlace(accountId, parse.GetValue(parents)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
                rows.Add(RuleUnderPolicies.Of(rule, place, policies));
            }
            if (app.WantsJson(parse))
            {
                Json.JsonOutput.Write(app, new { rules = rows });
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Rounded).AddColumns("rule", "quota", "level", "cap", "each request", "policies that won");
            foreach (var r in rows)
                table.AddRow(Render.Text(r.RuleId), Render.Text(r.Quota), Render.Text(r.Level == r.RuleLevel ? r.Level : $"{r.Level} (rule: {r.RuleLevel})"),
                    Render.Text(r.Cap == r.RuleCap ? Render.Num(r.Cap) : $"{Render.Num(r.Cap)} (rule: {Render.Num(r.RuleCap)})"), Render.Text(r.EachRequest), string.Join("\n", r.Overrides.Select(Render.Text)));
            app.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static (IReadOnlyList<QuotaPolicy> Policies, IReadOnlyList<string> Problems)? Load(IAnsiConsole console, FileInfo file)
    {
        try
        {
            return PolicyParser.ParseAll(PolicyFiles.Read(file.FullName));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or JsonException)
        {
            console.MarkupLine($"[red]error:[/] cannot read {Render.Text(file.Name)}: {Render.Text(e.Message)}");
            return null;
        }
    }
}
