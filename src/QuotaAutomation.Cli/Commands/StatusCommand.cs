using System.CommandLine;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Rules;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace QuotaAutomation.Cli.Commands;

/// <summary>
/// <c>status</c>: each rule's quota now: value, usage (the newest in the usage history), forecast with the forecaster
/// the engine uses, utilisation and what is in flight. Read through the engine's ports, so it works on both backends.
/// </summary>
internal static class StatusCommand
{
    public static Command Create(CliApp app)
    {
        var command = new Command("status", "Show each quota: value, usage, forecast, utilisation, pending request");
        command.SetAction(async (parse, ct) =>
        {
            if (app.WantsJson(parse)) return await Json.StatusJson.WriteAsync(app, parse, ct);
            if (app.IsAws(parse))
            {
                using var aws = app.OpenAws(parse);
                app.Console.Write(await TableAsync(app, parse, aws.Ports, app.RealTime.GetUtcNow(), "", ct));
                await WaitingApprovals.WriteAsync(app, parse, aws.Ports.Approvals, ct);
                return ExitCodes.Ok;
            }
            var backend = await app.OpenAsync(parse, ct);
            app.Console.Write(await TableAsync(app, parse, backend.Ports, backend.Clock.GetUtcNow(), " (virtual clock)", ct));
            await WaitingApprovals.WriteAsync(app, parse, backend.Ports.Approvals, ct);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>One rule's line: <see cref="Wide"/> cells when the terminal has room for all nine columns, else <see cref="Narrow"/>.</summary>
    private sealed record Line(string[] Wide, string[] Narrow);

    private static async Task<IRenderable> TableAsync(CliApp app, ParseResult parse, EnginePorts ports, DateTimeOffset now, string clock, CancellationToken ct)
    {
        var rules = (await ports.Rules.LoadRulesAsync(ct)).Select(raw => (Raw: raw, Parsed: RuleParser.Parse(raw))).ToList();
        var quotas = await ports.Quotas.GetQuotasAsync(rules.Where(r => r.Parsed.Success).Select(r => r.Parsed.Value.Quota).Distinct().ToList(), ct);
        var open = (await ports.Requests.ListOpenAsync(ct)).ToDictionary(r => r.Quota);
        var approvals = (await ports.Approvals.ListActiveAsync(ct)).ToDictionary(a => a.Quota);
        var forecaster = app.Forecaster(parse);

        var lines = new List<Line>();
        foreach (var (raw, parsed) in rules)
        {
            if (!parsed.Success)
            {
                var name = Render.Text(RuleParser.NameOf(raw));
                lines.Add(new Line([name, "[red]invalid rule[/]"], [name, "-", "-", "-", "-", "[red]invalid rule[/]"]));
                continue;
            }
            var rule = parsed.Value;
            if (!quotas.TryGetValue(rule.Quota, out var quota))
            {
                lines.Add(new Line([Render.Text(rule.RuleId), Render.Text(rule.Quota.ToString()), "[red]no such quota[/]"],
                    [Render.Text(rule.RuleId), "-", "-", "-", "-", $"[red]no such quota[/] {Render.Text(rule.Quota.ToString())}"]));
                continue;
            }
            var history = await ports.History.ReadAsync(rule.Quota, now - TimeSpan.FromDays(14), now, ct);
            var usage = history.Count > 0 ? history[^1].Value : (double?)null;
            var forecast = history.Count > 0 ? forecaster.Predict(history, now, rule.ForecastHorizon) : null;
            var peak = usage is { } u && forecast is not null ? Math.Max(u, forecast.Peak) : (double?)null;
            var (inFlight, brief) = open.TryGetValue(rule.Quota, out var request)
                ? ($"request {request.AwsRequestId ?? request.Id} {request.Status.ToApiName()} → {Render.Num(request.DesiredValue)}", $"request {request.Status.ToApiName()} →\u00a0{Render.Num(request.DesiredValue)}")
                : approvals.TryGetValue(rule.Quota, out var approval)
                    ? ($"approval {approval.Id} {approval.Status} → {Render.Num(approval.DesiredValue)}", $"approval {approval.Status} →\u00a0{Render.Num(approval.DesiredValue)}")
                    : ("-", "-");
            string[] numbers = [Render.Num(quota.Value), Render.Num(usage), Render.Num(forecast?.Peak), Render.Pct(peak is { } p && quota.Value > 0 ? 100 * p / quota.Value : null)];
            lines.Add(new Line(
                [Render.Text(rule.RuleId), Render.Text(rule.Quota.ToString()), Render.Text(quota.QuotaName), .. numbers, Render.Text(forecast?.Forecaster ?? "no history yet"), Render.Text(inFlight)],
                [Render.Text(rule.RuleId), .. numbers, Render.Text(brief)]));
        }

        // All nine columns when they fit unwrapped; else rule, the numbers (never wrapped) and what is in flight, without
        // ids: the commands to answer each waiting approval follow the table, whole.
        var title = $"status at {Render.Time(now)} UTC{clock}";
        var wide = new Table().Border(TableBorder.Rounded).Title(title).AddColumns(
            Fit.Text("rule"), Fit.Number("quota"), Fit.Text("name"), Fit.Number("value"), Fit.Number("usage"), Fit.Number("forecast peak"), Fit.Number("util."),
            Fit.Text("forecaster"), Fit.Number("in flight"));
        foreach (var line in lines) wide.AddRow(line.Wide);
        if (Fit.Fits(app.Console, wide)) return wide;
        var narrow = new Table().Border(TableBorder.Rounded).Title(title).AddColumns(
            Fit.Text("rule"), Fit.Number("value"), Fit.Number("usage"), Fit.Number("forecast"), Fit.Number("util."), Fit.Text("in flight"));
        foreach (var line in lines) narrow.AddRow(line.Narrow);
        return narrow;
    }
}
