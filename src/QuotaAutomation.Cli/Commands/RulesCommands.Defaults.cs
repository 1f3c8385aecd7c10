using System.CommandLine;
using QuotaAutomation.Core.Rules;
using Spectre.Console;

namespace QuotaAutomation.Cli.Commands;

/// <summary>
/// <c>rules defaults [--out FILE | --import]</c>: the default rule set, one wildcard rule alerting at 80 % and 95 % of
/// every observed quota of the Region (as Service Quotas' own notifications do), printed as the JSON list
/// <c>rules import</c> reads, written to a file, or stored at once.
/// </summary>
internal static partial class RulesCommands
{
    public const string DefaultRuleId = "observed-quotas-alert";

    /// <summary>The default set for <paramref name="region"/>: alert only, warning 80, critical 95, emergency 100 (at the quota).</summary>
    public static IReadOnlyDictionary<string, object?> DefaultRule(string region) => new Dictionary<string, object?>(StringComparer.Ordinal)
    {
        ["rule_id"] = DefaultRuleId,
        ["service_code"] = WildcardRules.All,
        ["quota_code"] = WildcardRules.All,
        ["region"] = region,
        ["automation_level"] = "alert_only",
        ["threshold_warning"] = 80.0,
        ["threshold_critical"] = 95.0,
        ["threshold_emergency"] = 100.0,
        ["description"] = "Alert at 80 % and 95 % of every quota some usage source observes, as Service Quotas' own notifications do; a rule that names a quota, or a narrower wildcard, wins that quota",
    };

    private static Command Defaults(CliApp app)
    {
        var output = new Option<FileInfo?>("--out") { Description = "Write the rules file here instead of printing it" };
        var store = new Option<bool>("--import") { Description = "Store the default rules now (replacing a rule with the same rule_id; audited)" };
        var command = new Command("defaults", "The default rules: alert only at 80 % and 95 % of every observed quota of the Region (--region; default: the backend's)") { output, store };
        command.SetAction(async (parse, ct) =>
        {
            var region = parse.GetValue(app.Region) ?? (app.IsAws(parse) ? AwsRegion(app, parse) : Local.Simulation.BuiltInAccount.Region);
            var item = DefaultRule(region);
            if (parse.GetValue(store))
            {
                var raw = new RawRule("rules defaults", item);
                var rule = RuleParser.Parse(raw).Value; // the default rule is valid (tested)
                return await ChangeAsync(app, parse, async (changes, where) =>
                {
                    var exit = await changes.ImportAsync([(raw, rule)], replace: false, ct);
                    app.Console.MarkupLine($"[green]imported the default rule '{DefaultRuleId}'[/] ({Render.Text(region)}) into {Render.Text(where)}");
                    return exit;
                }, ct);
            }
            var text = RuleExport.Write(new Dictionary<string, IReadOnlyDictionary<string, object?>> { [DefaultRuleId] = item }, dynamoDb: false).Value; // no unstorable value in it
            if (parse.GetValue(output) is { } target)
            {
                await File.WriteAllTextAsync(target.FullName, text, ct);
                app.Console.MarkupLine($"[green]wrote the default rules[/] to {Render.Text(target.FullName)}: edit them, then quota-automation rules import {Render.Text(target.Name)}");
            }
            else
            {
                app.Stdout.Write(text);
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string AwsRegion(CliApp app, ParseResult parse)
    {
        using var aws = app.OpenAws(parse);
        return aws.Region;
    }
}
