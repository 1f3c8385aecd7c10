using System.CommandLine;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Rules;
using Spectre.Console;

namespace QuotaAutomation.Cli.Commands;

/// <summary><c>status</c>: each rule's quota now: value, usage, forecast, utilisation and what is in flight.</summary>
internal static class StatusCommand
{
    public static Command Create(CliApp app)
    {
        var command = new Command("status", "Show each quota: value, usage, forecast, utilisation, pending request");
        command.SetAction(async (parse, ct) =>
        {
            var backend = await app.OpenAsync(parse, ct);
            var now = backend.Clock.GetUtcNow();
            var quotas = (await backend.Account.ListQuotasAsync(ct)).ToDictionary(q => q.Info.Key);
            var open = (await backend.Requests.ListOpenAsync(ct)).ToDictionary(r => r.Quota);
            var approvals = (await backend.Requests.ListActiveAsync(ct)).ToDictionary(a => a.Quota);
            var forecaster = new TrendForecaster();

            var table = new Table().Border(TableBorder.Rounded).Title($"status at {Render.Time(now)} UTC (virtual clock)")
                .AddColumns("rule", "quota", "name", "value", "usage", "forecast peak", "util.", "forecaster", "in flight");
            foreach (var raw in await backend.Rules.LoadRulesAsync(ct))
            {
                var parsed = RuleParser.Parse(raw);
                if (!parsed.Success)
                {
                    table.AddRow(new Markup(Markup.Escape(RuleParser.NameOf(raw))), new Markup("[red]invalid rule[/]"));
                    continue;
                }
                var rule = parsed.Value;
                if (!quotas.TryGetValue(rule.Quota, out var quota))
                {
                    table.AddRow(new Markup(Markup.Escape(rule.RuleId)), new Markup(Markup.Escape(rule.Quota.ToString())), new Markup("[red]no such quota[/]"));
                    continue;
                }
                var history = await backend.History.ReadAsync(rule.Quota, now - TimeSpan.FromDays(14), now, ct);
                var usage = history.Count > 0 ? history[^1].Value : (double?)null;
                var forecast = history.Count > 0 ? forecaster.Predict(history, now, rule.ForecastHorizon) : null;
                var peak = usage is { } u && forecast is not null ? Math.Max(u, forecast.Peak) : (double?)null;
                var inFlight = open.TryGetValue(rule.Quota, out var request)
                    ? $"request {request.AwsRequestId ?? request.Id} {request.Status.ToApiName()} → {Render.Num(request.DesiredValue)}"
                    : approvals.TryGetValue(rule.Quota, out var approval) ? $"approval {approval.Id} {approval.Status} → {Render.Num(approval.DesiredValue)}" : "-";
                table.AddRow(
                    Markup.Escape(rule.RuleId), Markup.Escape(rule.Quota.ToString()), Markup.Escape(quota.Info.QuotaName),
                    Render.Num(quota.Info.Value), Render.Num(usage), Render.Num(forecast?.Peak),
                    Render.Pct(peak is { } p && quota.Info.Value > 0 ? 100 * p / quota.Info.Value : null),
                    Markup.Escape(forecast?.Forecaster ?? "no history yet"), Markup.Escape(inFlight));
            }
            app.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
