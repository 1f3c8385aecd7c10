using System.CommandLine;
using System.Globalization;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Rules;
using QuotaAutomation.Core.Usage;
using Spectre.Console;

namespace QuotaAutomation.Cli.Commands;

/// <summary>
/// <c>quotas rightsize [--days 30] [--factor 2] [--service S]</c>: the quotas whose value is at least factor × what
/// their usage over the last days needs (<see cref="RightSizing"/>), the largest excess first. Read through the
/// engine's ports (quota values, usage history, rules, coverage), so it works on both backends. Service Quotas cannot
/// decrease a quota by API: this is a report, and a reason not to ask for more.
/// </summary>
internal static class RightSizeCommand
{
    public const string ReportOnly = "Service Quotas cannot decrease a quota by API: this is a report, and a reason not to ask for more.";

    /// <param name="RuleId">The governing rule whose warning threshold sets the need; null: none, <see cref="RightSizing.NoRuleWarningPercent"/>.</param>
    /// <param name="Ratio">Value ÷ need; null when the usage needs nothing (all zero).</param>
    /// <param name="DaysRead">Oldest to newest sample read: how much history the percentile rests on.</param>
    internal sealed record RightSizeRow(string ServiceCode, string QuotaCode, string QuotaName, string? RuleId, double WarningPercent,
        double Value, double UsageP99, double Needed, double? Ratio, double Excess, double DaysRead, DateTimeOffset FirstSample, DateTimeOffset LastSample);

    /// <summary>The report: what was asked, what was read, and the oversized quotas.</summary>
    /// <param name="QuotasRead">Quotas with usage in the window (each assessed).</param>
    /// <param name="ShortestDaysRead">The least history any of them had (null: none read).</param>
    /// <param name="Unreadable">Quotas whose value could not be read, with why (the others are still assessed).</param>
    internal sealed record RightSizeReport(string Region, double DaysAsked, double Factor, int QuotasRead, double? ShortestDaysRead, double? LongestDaysRead,
        IReadOnlyList<RightSizeRow> Oversized, IReadOnlyList<string> Unreadable, string Note);

    public static Command Create(CliApp app)
    {
        var days = new Option<double>("--days") { Description = "How many days of usage history to read (at most what the store keeps: 30 days on AWS; docs/rules.md#right-sizing)", DefaultValueFactory = _ => RightSizing.DefaultWindow.TotalDays };
        var factor = new Option<double>("--factor") { Description = "List a quota whose value is at least this × what it needs", DefaultValueFactory = _ => RightSizing.DefaultFactor };
        var service = new Option<string?>("--service") { Description = "Only this service code (e.g. ec2, lambda, vpc)" };
        var command = new Command("rightsize", "Quotas far above what their usage needs: the p99 of the last days ÷ the rule's warning threshold (a report: AWS cannot decrease a quota by API)") { days, factor, service };
        command.SetAction((parse, ct) => ShowAsync(app, parse, parse.GetValue(days), parse.GetValue(factor), parse.GetValue(service)?.Trim(), ct));
        return command;
    }

    private static async Task<int> ShowAsync(CliApp app, ParseResult parse, double days, double factor, string? service, CancellationToken ct)
    {
        if (!(days > 0 && days <= 365) || !(factor >= 1))
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"--days {days} must be in (0, 365] and --factor {factor} at least 1"));
        using var opened = await app.OpenPortsAsync(parse, ct);
        var (ports, region, now) = (opened.Ports, opened.Region, opened.Now);
        var report = await ReadAsync(ports, region, service, now, TimeSpan.FromDays(days), factor, ct);
        if (app.WantsJson(parse)) Json.JsonOutput.Write(app, report);
        else Write(app, report);
        return ExitCodes.Ok;
    }

    /// <summary>
    /// The quotas observed in <paramref name="region"/> (coverage; without one, only those rules name) with usage in
    /// the window, each against its governing rule's warning threshold, and the oversized ones sorted by excess.
    /// </summary>
    internal static async Task<RightSizeReport> ReadAsync(EnginePorts ports, string region, string? service, DateTimeOffset now, TimeSpan window, double factor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ports);
        var rules = (await ports.Rules.LoadRulesAsync(ct)).Select(RuleParser.Parse).Where(r => r.Success).Select(r => r.Value).ToList();
        var observed = ports.Coverage is { } coverage ? await coverage.ListAsync(null, region, service, includeUnobserved: false, ct) : [];
        // A quota a rule names is read even when no coverage lists it (a backend without one, a rule on a quota it misses).
        var named = rules.Where(r => !r.IsFleetRule && r.Quota.AccountId is null && r.Quota.Region == region && !WildcardRules.IsWildcard(r.Quota)
                && (service is null || string.Equals(r.Quota.ServiceCode, service, StringComparison.OrdinalIgnoreCase)))
            .Select(r => r.Quota).Where(k => observed.All(o => o.Key != k)).Distinct()
            .Select(k => new ObservableQuota(k, "", UsageSourceKind.None, null));
        var quotas = observed.Concat(named).ToList();
        var governing = GoverningRule.For(rules, quotas);
        var byId = rules.GroupBy(r => r.RuleId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var usage = await ports.History.ReadManyAsync(quotas.Select(q => q.Key).ToList(), now - window, now, ct);
        var used = usage.Where(u => u.Value.Count > 0).Select(u => u.Key).ToList();
        var values = used.Count == 0 ? new QuotaDictionary(new Dictionary<QuotaKey, QuotaInfo>()) : await ports.Quotas.GetQuotasAsync(used, ct);
        var assessed = new List<(RightSizeRow Row, RightSizing Sized)>();
        foreach (var key in used)
        {
            if (!values.TryGetValue(key, out var quota)) continue;
            var ruleId = governing.GetValueOrDefault(key)?.RuleId;
            var warning = ruleId is not null && byId.TryGetValue(ruleId, out var rule) ? rule.Thresholds.Warning : RightSizing.NoRuleWarningPercent;
            var sized = RightSizing.Of(quota, warning, usage[key])!; // not null: the key has samples
            assessed.Add((new RightSizeRow(key.ServiceCode, key.QuotaCode, quota.QuotaName, ruleId, warning, sized.Value, sized.UsageP99, sized.Needed, sized.Ratio,
                sized.Excess, Math.Round(sized.Span.TotalDays, 2), sized.FirstSample, sized.LastSample), sized));
        }
        var oversized = RightSizing.Oversized(assessed, a => a.Sized, factor).Select(a => a.Row).ToList();
        var unreadable = used.Where(k => !values.ContainsKey(k))
            .Select(k => $"{k}: {(values.Failed.TryGetValue(k, out var why) ? why : "no such quota in this account and Region")}").ToList();
        return new RightSizeReport(region, window.TotalDays, factor, assessed.Count,
            assessed.Count == 0 ? null : assessed.Min(a => a.Row.DaysRead), assessed.Count == 0 ? null : assessed.Max(a => a.Row.DaysRead), oversized, unreadable, ReportOnly);
    }

    private static void Write(CliApp app, RightSizeReport report)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title(Render.Text(string.Create(CultureInfo.InvariantCulture, $"quotas at {report.Factor:0.##} × their need or more, {report.Region}, last {report.DaysAsked:0.##} days")))
            .AddColumns(Fit.Text("service"), Fit.Text("code"), Fit.Text("name"), Fit.Number("value"), Fit.Number("usage p99"), Fit.Text("rule (warning)"),
                Fit.Number("need"), Fit.Number("× need"), Fit.Number("days read"));
        foreach (var r in report.Oversized)
            table.AddRow(Render.Text(r.ServiceCode), Render.Text(r.QuotaCode), Render.Text(r.QuotaName), Render.Num(r.Value), Render.Num(Math.Round(r.UsageP99, 2)),
                Render.Text(string.Create(CultureInfo.InvariantCulture, $"{r.RuleId ?? "none"} ({r.WarningPercent:0.##} %)")), Render.Num(r.Needed),
                r.Ratio is { } ratio ? Render.Num(Math.Round(ratio, 2)) : "unused", Render.Num(r.DaysRead));
        app.Console.Write(table);
        var span = report.ShortestDaysRead is { } shortest
            ? string.Create(CultureInfo.InvariantCulture, $"history read: {shortest:0.##} to {report.LongestDaysRead:0.##} days of the {report.DaysAsked:0.##} asked")
            : "no usage history in the window";
        app.Console.MarkupLine($"[grey]{report.Oversized.Count} of {report.QuotasRead} quotas with usage listed; {Render.Text(span)}. {Render.Text(ReportOnly)}[/]");
        foreach (var line in report.Unreadable) app.Console.MarkupLine($"[yellow]not assessed:[/] {Render.Text(line)}");
    }
}
