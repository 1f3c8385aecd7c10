using System.CommandLine;
using System.Text.Json;
using QuotaAutomation.Core.Governance;
using QuotaAutomation.Core.Rules;
using Spectre.Console;

namespace QuotaAutomation.Cli.Commands;

/// <summary>
/// <c>policy validate|test</c>: the organization's policies over rules (docs/governance.md), checked with the parser
/// the engine uses, and what each rule of a rules file would be allowed to do under them.
/// </summary>
internal static class PolicyCommands
{
    public static Command Create(CliApp app)
    {
        var policy = new Command("policy", "Validate organization policies, and show what each rule may do under them");
        policy.Subcommands.Add(Validate(app));
        policy.Subcommands.Add(Test(app));
        return policy;
    }

    private static Command Validate(CliApp app)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "JSON or YAML list of policies" };
        var command = new Command("validate", "Check a policies file; exit 1 if any policy is invalid") { file };
        command.SetAction(parse =>
        {
            var given = parse.GetValue(file)!; // required argument
            if (Load(app.Console, given) is not { } loaded) return ExitCodes.Error;
            foreach (var problem in loaded.Problems) app.Console.MarkupLine($"[red]✗[/] {Render.Text(problem)}");
            app.Console.MarkupLine(loaded.Problems.Count == 0
                ? $"[green]✓ {loaded.Policies.Count} policies valid[/] in {Render.Text(given.Name)}"
                : $"[red]{loaded.Problems.Count} problem(s)[/], {loaded.Policies.Count} policies valid in {Render.Text(given.Name)}");
            return loaded.Problems.Count == 0 ? ExitCodes.Ok : ExitCodes.Invalid;
        });
        return command;
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
