using System.CommandLine;
using QuotaAutomation.Core.Rules;
using Spectre.Console;

namespace QuotaAutomation.Cli.Commands;

/// <summary><c>rules validate|import|list</c>: the same parser the engine applies to every item, before anything is stored.</summary>
internal static class RulesCommands
{
    public static Command Create(CliApp app)
    {
        var rules = new Command("rules", "Validate, import and list automation rules");
        rules.Subcommands.Add(Validate(app));
        rules.Subcommands.Add(Import(app));
        rules.Subcommands.Add(List(app));
        return rules;
    }

    private static Command Validate(CliApp app)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "JSON or YAML list of rules" };
        var command = new Command("validate", "Check a rules file; exit 1 if any rule is invalid") { file };
        command.SetAction(parse =>
        {
            var checkedFile = Check(app.Console, parse.GetValue(file)!); // required argument
            return checkedFile?.ExitCode ?? ExitCodes.Error;
        });
        return command;
    }

    private static Command Import(CliApp app)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "JSON or YAML list of rules" };
        var command = new Command("import", "Validate a rules file and store its rules (all or none); exit 1 if any is invalid") { file };
        command.SetAction(async (parse, ct) =>
        {
            var checkedFile = Check(app.Console, parse.GetValue(file)!); // required argument
            if (checkedFile is not { ExitCode: ExitCodes.Ok } valid)
            {
                if (checkedFile is not null) app.Console.MarkupLine("[red]nothing imported[/]: fix the rules above first");
                return checkedFile?.ExitCode ?? ExitCodes.Error;
            }
            if (app.IsAws(parse))
            {
                using var aws = app.OpenAws(parse);
                foreach (var (raw, _) in valid.Rules) await aws.Rules.PutAsync(raw.Attributes, ct);
                app.Console.MarkupLine($"[green]imported {valid.Rules.Count} rules[/] into DynamoDB table {Render.Text(aws.Options.RulesTable)}");
                return ExitCodes.Ok;
            }
            var backend = await app.OpenAsync(parse, ct);
            await backend.Rules.UpsertAsync(valid.Rules.Select(r => (r.Rule.RuleId, r.Raw.Attributes)), ct);
            app.Console.MarkupLine($"[green]imported {valid.Rules.Count} rules[/] into {Render.Text(backend.Database.Path)}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(CliApp app)
    {
        var command = new Command("list", "List stored rules, with any problem the engine will report");
        command.SetAction(async (parse, ct) =>
        {
            var backend = await app.OpenAsync(parse, ct);
            if (app.WantsJson(parse))
            {
                Json.JsonOutput.Write(app, new Json.RulesDocument((await backend.Rules.LoadRulesAsync(ct)).Select(Json.RuleDocument.Of).ToList()));
                return ExitCodes.Ok;
            }
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumns("rule", "quota", "level", "thresholds", "multiplier", "cap", "approval", "hours", "cost limit", "horizon", "enabled");
            foreach (var raw in await backend.Rules.LoadRulesAsync(ct))
            {
                var parsed = RuleParser.Parse(raw);
                if (!parsed.Success)
                {
                    table.AddRow(new Markup(Render.Text(RuleParser.NameOf(raw))), new Markup($"[red]{Render.Text(parsed.Error!)}[/]")); // Error set on failure
                    continue;
                }
                var r = parsed.Value;
                table.AddRow(
                    Render.Text(r.RuleId), Render.Text(r.Quota.ToString()), r.Level.ToRuleName(),
                    $"{Render.Num(r.Thresholds.Warning)}/{Render.Num(r.Thresholds.Critical)}/{Render.Num(r.Thresholds.Emergency)}",
                    Render.Num(r.IncreaseMultiplier), Render.Num(r.MaxAutoIncrease), r.ApprovalRequired ? "yes" : "no",
                    Render.Text(r.BusinessHoursOnly?.ToString() ?? "any"), "$" + Render.Num(r.CostThreshold),
                    Render.Num(r.ForecastHorizon.TotalHours) + "h", r.Enabled ? "yes" : "[grey]no[/]");
            }
            app.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private sealed record CheckedFile(IReadOnlyList<(RawRule Raw, QuotaRule Rule)> Rules, int ExitCode);

    /// <summary>Parses every rule of a file and prints each problem; null when the file cannot be read at all.</summary>
    private static CheckedFile? Check(IAnsiConsole console, FileInfo file)
    {
        IReadOnlyList<RawRule> raws;
        try
        {
            raws = RuleFiles.Read(file.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or System.Text.Json.JsonException)
        {
            console.MarkupLine($"[red]error:[/] cannot read {Render.Text(file.Name)}: {Render.Text(e.Message)}");
            return null;
        }

        var parsed = raws.Select(raw => (Raw: raw, Result: RuleParser.Parse(raw))).ToList();
        var problems = parsed.Where(p => !p.Result.Success).Select(p => p.Result.Error!).ToList(); // Error set on failure
        // A rule id twice is ambiguous (which one would the store keep?), so neither counts as valid.
        var duplicates = parsed.Where(p => p.Result.Success).GroupBy(p => p.Result.Value.RuleId, StringComparer.Ordinal).Where(g => g.Count() > 1).ToList();
        foreach (var duplicate in duplicates)
            problems.Add($"rule '{duplicate.Key}': rule_id appears {duplicate.Count()} times ({string.Join(", ", duplicate.Select(d => d.Raw.Origin))}); each rule needs its own");
        var ambiguous = duplicates.SelectMany(g => g.Select(d => d.Raw)).ToHashSet();
        var valid = parsed.Where(p => p.Result.Success && !ambiguous.Contains(p.Raw)).Select(p => (p.Raw, p.Result.Value)).ToList();

        foreach (var problem in problems) console.MarkupLine($"[red]✗[/] {Render.Text(problem)}");
        console.MarkupLine(problems.Count == 0
            ? $"[green]✓ {valid.Count} rules valid[/] in {Render.Text(file.Name)}"
            : $"[red]{problems.Count} problem(s)[/], {valid.Count} of {raws.Count} rules valid in {Render.Text(file.Name)}");
        return new CheckedFile(valid, problems.Count == 0 ? ExitCodes.Ok : ExitCodes.Invalid);
    }
}
