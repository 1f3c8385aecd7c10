using System.CommandLine;
using QuotaAutomation.Core.Rules;
using Spectre.Console;

namespace QuotaAutomation.Cli.Commands;

/// <summary>
/// <c>rules validate|import|list|export|delete|disable|enable|defaults</c>: the same parser the engine applies to every item, before
/// anything is stored; every change is audited with who made it (<see cref="RuleChanges"/>).
/// </summary>
internal static partial class RulesCommands
{
    public static Command Create(CliApp app)
    {
        var rules = new Command("rules", "Validate, import, list, export, delete, disable and enable automation rules, or start from the defaults");
        rules.Subcommands.Add(Validate(app));
        rules.Subcommands.Add(Import(app));
        rules.Subcommands.Add(List(app));
        rules.Subcommands.Add(Export(app));
        rules.Subcommands.Add(Delete(app));
        rules.Subcommands.Add(SetEnabled(app, enabled: false));
        rules.Subcommands.Add(SetEnabled(app, enabled: true));
        rules.Subcommands.Add(Defaults(app));
        return rules;
    }

    private static Command Validate(CliApp app)
    {
        var file = new Argument<FileInfo?>("FILE") { Description = "JSON or YAML list of rules, or DynamoDB JSON; omit it with --backend aws to check the live rules table", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("validate", "Check a rules file (or, with --backend aws and no file, the rules table's items); exit 1 if any rule is invalid") { file };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(file) is { } given) return Check(app.Console, given)?.ExitCode ?? ExitCodes.Error;
            if (!app.IsAws(parse))
            {
                app.Console.MarkupLine("[red]error:[/] rules validate needs a FILE (with --backend aws and no FILE it checks the live rules table)");
                return ExitCodes.Error;
            }
            using var aws = app.OpenAws(parse);
            return Judge(app.Console, await aws.Rules.LoadRulesAsync(ct), $"DynamoDB table {aws.Options.RulesTable}", notesToo: false).ExitCode;
        });
        return command;
    }

    private static Command Export(CliApp app)
    {
        var format = new Option<string>("--format")
        {
            Description = "plain (the JSON list rules import reads, default) or dynamodb ({\"Items\": [...]} as aws dynamodb scan prints it)",
            DefaultValueFactory = _ => "plain",
        }.AcceptOnlyFromAmong("plain", "dynamodb");
        var output = new Option<FileInfo?>("--out") { Description = "Write to this file instead of stdout" };
        var command = new Command("export", "Write the stored rules as typed, to import elsewhere or keep in version control") { format, output };
        command.SetAction(async (parse, ct) =>
        {
            IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>> items;
            if (app.IsAws(parse))
            {
                using var aws = app.OpenAws(parse);
                items = await aws.Rules.LoadByIdAsync(ct);
            }
            else
            {
                items = await (await app.OpenAsync(parse, ct)).Rules.LoadByIdAsync(ct);
            }
            var export = RuleExport.Write(items, parse.GetValue(format) == "dynamodb");
            if (!export.Success)
            {
                app.Console.MarkupLine($"[red]error:[/] {Render.Text(export.Error)}: nothing exported");
                return ExitCodes.Error;
            }
            if (parse.GetValue(output) is { } target)
            {
                await File.WriteAllTextAsync(target.FullName, export.Value, ct);
                app.Console.MarkupLine($"[green]exported {items.Count} rules[/] to {Render.Text(target.FullName)}");
            }
            else
            {
                app.Console.Profile.Out.Writer.Write(export.Value);
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Import(CliApp app)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "JSON or YAML list of rules, or DynamoDB JSON (aws dynamodb scan, the console's JSON view)" };
        var replace = new Option<bool>("--replace") { Description = "Afterwards the store holds exactly the file's rules: stored rules not in the file are deleted (audited)" };
        var command = new Command("import", "Validate a rules file and store its rules (all or none), replacing rules with the same rule_id; exit 1 if any is invalid") { file, replace };
        command.SetAction(async (parse, ct) =>
        {
            var checkedFile = Check(app.Console, parse.GetValue(file)!); // required argument
            if (checkedFile is not { ExitCode: ExitCodes.Ok } valid)
            {
                if (checkedFile is not null) app.Console.MarkupLine("[red]nothing imported[/]: fix the rules above first");
                return checkedFile?.ExitCode ?? ExitCodes.Error;
            }
            return await ChangeAsync(app, parse, async (changes, where) =>
            {
                var exit = await changes.ImportAsync(valid.Rules, parse.GetValue(replace), ct);
                app.Console.MarkupLine($"[green]imported {valid.Rules.Count} rules[/] into {Render.Text(where)}");
                return exit;
            }, ct);
        });
        return command;
    }

    private static Command Delete(CliApp app)
    {
        var ids = new Argument<string[]>("ID") { Description = "Rule ids (see rules list)", Arity = ArgumentArity.OneOrMore };
        var command = new Command("delete", "Delete rules; the deleted items are kept in the audit trail (exit 2 and nothing changed if an id is unknown)") { ids };
        command.SetAction((parse, ct) => ChangeAsync(app, parse, (changes, _) => changes.DeleteAsync(parse.GetValue(ids)!, ct), ct)); // required argument
        return command;
    }

    private static Command SetEnabled(CliApp app, bool enabled)
    {
        var ids = new Argument<string[]>("ID") { Description = "Rule ids (see rules list)", Arity = ArgumentArity.OneOrMore };
        var command = new Command(enabled ? "enable" : "disable", enabled
            ? "Enable rules again (sets enabled true; exit 2 and nothing changed if an id is unknown)"
            : "Disable rules: kept, but the engine skips them (sets enabled false; exit 2 and nothing changed if an id is unknown)") { ids };
        command.SetAction((parse, ct) => ChangeAsync(app, parse, (changes, _) => changes.SetEnabledAsync(parse.GetValue(ids)!, enabled, ct), ct)); // required argument
        return command;
    }

    /// <summary>Runs a change on the backend in use, audited as who the backend says the caller is.</summary>
    private static async Task<int> ChangeAsync(CliApp app, ParseResult parse, Func<RuleChanges, string, Task<int>> change, CancellationToken ct)
    {
        if (app.IsAws(parse))
        {
            using var aws = app.OpenAws(parse);
            var caller = await aws.Sts.GetCallerArnAsync(ct);
            return await change(new RuleChanges(app.Console, aws.Rules, aws.Audit, caller, app.RealTime.GetUtcNow()), $"DynamoDB table {aws.Options.RulesTable}");
        }
        var backend = await app.OpenAsync(parse, ct);
        return await change(new RuleChanges(app.Console, backend.Rules, backend.Audit, Environment.UserName, backend.Clock.GetUtcNow()), backend.Database.Path);
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
                .AddColumns("rule", "quota", "level", "thresholds", "multiplier", "cap", "approval", "hours", "cost limit", "horizon", "breach risk", "enabled");
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
                    Render.Num(r.ForecastHorizon.TotalHours) + "h", Render.Num(r.BreachRisk), r.Enabled ? "yes" : "[grey]no[/]");
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
        return Judge(console, raws, file.Name, notesToo: true);
    }

    /// <summary>
    /// Parses every item as the engine does and prints each problem. With <paramref name="notesToo"/> (a file to be
    /// stored), a value that cannot be stored (a DynamoDB set or binary) is a problem even in a note attribute the
    /// engine never reads.
    /// </summary>
    private static CheckedFile Judge(IAnsiConsole console, IReadOnlyList<RawRule> raws, string where, bool notesToo)
    {
        var parsed = raws.Select(raw => (Raw: raw, Result: RuleParser.Parse(raw))).ToList();
        var problems = parsed.Where(p => !p.Result.Success).Select(p => p.Result.Error!).ToList(); // Error set on failure
        var unstorable = notesToo
            ? parsed.Where(p => p.Result.Success && RuleExport.Unstorable(p.Raw.Attributes) is not null).Select(p => p.Raw).ToHashSet()
            : [];
        problems.AddRange(unstorable.Select(raw => $"rule '{RuleParser.NameOf(raw)}': {RuleExport.Unstorable(raw.Attributes)}"));
        // A rule id twice is ambiguous (which one would the store keep?), so neither counts as valid.
        var duplicates = parsed.Where(p => p.Result.Success).GroupBy(p => p.Result.Value.RuleId, StringComparer.Ordinal).Where(g => g.Count() > 1).ToList();
        foreach (var duplicate in duplicates)
            problems.Add($"rule '{duplicate.Key}': rule_id appears {duplicate.Count()} times ({string.Join(", ", duplicate.Select(d => d.Raw.Origin))}); each rule needs its own");
        var ambiguous = duplicates.SelectMany(g => g.Select(d => d.Raw)).Concat(unstorable).ToHashSet();
        var valid = parsed.Where(p => p.Result.Success && !ambiguous.Contains(p.Raw)).Select(p => (p.Raw, p.Result.Value)).ToList();

        foreach (var problem in problems) console.MarkupLine($"[red]✗[/] {Render.Text(problem)}");
        // Overlaps are legal (the most specific rule wins), but a person should know which rule governs where.
        foreach (var overlap in Core.Fleet.RuleOverlaps.Find(valid.Select(v => v.Value).ToList())) console.MarkupLine($"[yellow]overlap:[/] {Render.Text(overlap)}");
        console.MarkupLine(problems.Count == 0
            ? $"[green]✓ {valid.Count} rules valid[/] in {Render.Text(where)}"
            : $"[red]{problems.Count} problem(s)[/], {valid.Count} of {raws.Count} rules valid in {Render.Text(where)}");
        return new CheckedFile(valid, problems.Count == 0 ? ExitCodes.Ok : ExitCodes.Invalid);
    }
}
