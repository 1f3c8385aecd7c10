using System.CommandLine;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Rules;
using Spectre.Console;

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
                return ExitCodes.Ok;
            }
            var backend = await app.OpenAsync(parse, ct);
            app.Console.Write(await TableAsync(app, parse, backend.Ports, backend.Clock.GetUtcNow(), " (virtual clock)", ct));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<Table> TableAsync(CliApp app, ParseResult parse, EnginePorts ports, DateTimeOffset now, string clock, CancellationToken ct)
    {
        var rules = (await ports.Rules.LoadRulesAsync(ct)).Select(raw => (Raw: raw, Parsed: RuleParser.Parse(raw))).ToList();
        var quotas = await ports.Quotas.GetQuotasAsync(rules.Where(r => r.Parsed.Success).Select(r => r.Parsed.Value.Quota).Distinct().ToList(), ct);
        var open = (await ports.Requests.ListOpenAsync(ct)).ToDictionary(r => r.Quota);
        var approvals = (await ports.Approvals.ListActiveAsync(ct)).ToDictionary(a => a.Quota);
        var forecaster = app.Forecaster(parse);

        var table = new Table().Border(TableBorder.Rounded).Title($"status at {Render.Time(now)} UTC{clock}")
            .AddColumns("rule", "quota", "name", "value", "usage", "forecast peak", "util.", "forecaster", "in flight");
        foreach (var (raw, parsed) in rules)
        {
            if (!parsed.Success)
            {
                table.AddRow(new Markup(Render.Text(RuleParser.NameOf(raw))), new Markup("[red]invalid rule[/]"));
                continue;
            }
            var rule = parsed.Value;
            if (!quotas.TryGetValue(rule.Quota, out var quota))
            {
                table.AddRow(new Markup(Render.Text(rule.RuleId)), new Markup(Render.Text(rule.Quota.ToString())), new Markup("[red]no such quota[/]"));
                continue;
            }
            var history = await ports.History.ReadAsync(rule.Quota, now - TimeSpan.FromDays(14), now, ct);
            var usage = history.Count > 0 ? history[^1].Value : (double?)null;
            var forecast = history.Count > 0 ? forecaster.Predict(history, now, rule.ForecastHorizon) : null;
            var peak = usage is { } u && forecast is not null ? Math.Max(u, forecast.Peak) : (double?)null;
            var inFlight = open.TryGetValue(rule.Quota, out var request)
                ? $"request {request.AwsRequestId ?? request.Id} {request.Status.ToApiName()} → {Render.Num(request.DesiredValue)}"
                : approvals.TryGetValue(rule.Quota, out var approval) ? $"approval {approval.Id} {approval.Status} → {Render.Num(approval.DesiredValue)}" : "-";
            table.AddRow(
                Render.Text(rule.RuleId), Render.Text(rule.Quota.ToString()), Render.Text(quota.QuotaName),
                Render.Num(quota.Value), Render.Num(usage), Render.Num(forecast?.Peak),
                Render.Pct(peak is { } p && quota.Value > 0 ? 100 * p / quota.Value : null),
                Render.Text(forecast?.Forecaster ?? "no history yet"), Render.Text(inFlight));
        }
        return table;
    }
}
