using System.CommandLine;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Rules;
using QuotaAutomation.Core.Usage;
using Spectre.Console;

namespace QuotaAutomation.Cli.Commands;

/// <summary>
/// <c>quotas coverage [--service S] [--unobserved]</c>: every quota of the account (or the simulated account) in one
/// Region, with how it is observed (<see cref="IUsageCoverage"/>), the rule a cycle runs on it (<see cref="GoverningRule"/>)
/// and its last observation from the usage history. Table or <c>--output json</c>.
/// </summary>
internal static class CoverageCommand
{
    /// <param name="Source">metric, account-limit-api, describe-count, trusted-advisor or none (<see cref="UsageSourceKindNames"/>).</param>
    /// <param name="Rule">explicit, wildcard or none; <paramref name="RuleId"/> names it (a disabled rule that names the quota still holds it: <paramref name="RuleEnabled"/> false).</param>
    internal sealed record CoverageRow(string ServiceCode, string QuotaCode, string QuotaName, string Source, string? SourceName,
        string Rule, string? RuleId, bool? RuleEnabled, double? LastValue, DateTimeOffset? LastObserved);

    public static Command Create(CliApp app)
    {
        var service = new Option<string?>("--service") { Description = "Only this service code (e.g. vpc, ec2, iam)" };
        var unobserved = new Option<bool>("--unobserved") { Description = "Only the quotas nothing observes (a rule on them fails with 'no usage source')" };
        var command = new Command("coverage", "Every quota of the account in the Region: how its usage is observed, the rule that governs it, its last observation") { service, unobserved };
        command.SetAction((parse, ct) => ShowAsync(app, parse, parse.GetValue(service)?.Trim(), parse.GetValue(unobserved), ct));
        return command;
    }

    private static async Task<int> ShowAsync(CliApp app, ParseResult parse, string? service, bool unobservedOnly, CancellationToken ct)
    {
        using var opened = await app.OpenPortsAsync(parse, ct);
        var (ports, region, now) = (opened.Ports, opened.Region, opened.Now);
        if (ports.Coverage is not { } coverage)
        {
            app.Console.MarkupLine("[red]error:[/] this backend lists no observed quotas (no coverage source): quotas coverage cannot say how quotas are observed");
            return ExitCodes.Error;
        }
        var rows = await RowsAsync(coverage, ports.Rules, ports.History, region, service, now, new EngineOptions().HistoryWindow, ct);
        if (unobservedOnly) rows = rows.Where(r => r.Source == UsageSourceKind.None.Name()).ToList();
        Write(app, parse, rows, region, service);
        return ExitCodes.Ok;
    }

    /// <summary>The rows, in service and code order: coverage with unobserved quotas, the rules parsed as the engine parses them, each observed quota's last sample within <paramref name="window"/>.</summary>
    internal static async Task<List<CoverageRow>> RowsAsync(IUsageCoverage coverage, IRuleStore ruleStore, IUsageHistory history, string region, string? service,
        DateTimeOffset now, TimeSpan window, CancellationToken ct)
    {
        var quotas = await coverage.ListAsync(null, region, service, includeUnobserved: true, ct);
        var rules = (await ruleStore.LoadRulesAsync(ct)).Select(RuleParser.Parse).Where(r => r.Success).Select(r => r.Value).ToList();
        var governing = GoverningRule.For(rules, quotas);
        // Only observed quotas can have samples: the history is not asked about the rest (thousands on AWS).
        var observed = quotas.Where(q => q.Source != UsageSourceKind.None).Select(q => q.Key).ToList();
        var samples = await history.ReadManyAsync(observed, now - window, now, ct);
        return quotas.Select(q =>
        {
            var rule = governing[q.Key];
            UsageSample? last = samples.GetValueOrDefault(q.Key) is [.., var s] ? s : null;
            return new CoverageRow(q.Key.ServiceCode, q.Key.QuotaCode, q.QuotaName, q.Source.Name(), q.SourceName,
                rule.Reach.ToString().ToLowerInvariant(), rule.RuleId, rule.RuleId is null ? null : rule.Enabled, last?.Value, last?.Timestamp);
        }).OrderBy(r => r.ServiceCode, StringComparer.Ordinal).ThenBy(r => r.QuotaCode, StringComparer.Ordinal).ToList();
    }

    private static void Write(CliApp app, ParseResult parse, List<CoverageRow> rows, string region, string? service)
    {
        if (app.WantsJson(parse))
        {
            Json.JsonOutput.Write(app, rows);
            return;
        }
        var table = new Table().Border(TableBorder.Rounded).AddColumns("service", "code", "name", "source", "observed by", "rule", "last observed");
        foreach (var r in rows)
            table.AddRow(Render.Text(r.ServiceCode), Render.Text(r.QuotaCode), Render.Text(r.QuotaName),
                r.Source == "none" ? "[yellow]none[/]" : Render.Text(r.Source), Render.Text(r.SourceName ?? "-"),
                r.RuleId is null ? "[grey]none[/]" : $"{Render.Text(r.RuleId)} ({r.Rule}{(r.RuleEnabled == false ? ", disabled" : "")})",
                r.LastObserved is { } at ? $"{Render.Num(r.LastValue)} at {Render.Time(at)}" : "-");
        app.Console.Write(table);
        var bySource = rows.GroupBy(r => r.Source).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}");
        app.Console.MarkupLine(rows.Count == 0
            ? $"[yellow]no quota[/] in {Render.Text(region)}{(service is null ? "" : $" for service '{Render.Text(service)}'")}"
            : $"[grey]{rows.Count} quotas in {Render.Text(region)}: {Render.Text(string.Join(", ", bySource))}; "
              + $"{rows.Count(r => r.Rule == "explicit")} governed by a rule naming them, {rows.Count(r => r.Rule == "wildcard")} by a wildcard, {rows.Count(r => r.Rule == "none")} by none[/]");
    }
}
