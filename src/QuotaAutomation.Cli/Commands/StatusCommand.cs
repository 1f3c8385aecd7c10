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
        var place = new PlaceOptions(app);
        var command = new Command("status", "Show each quota: value, usage, forecast, utilisation, pending request (--account, --ou, --region: a fleet's rules where they run)") { place.Account, place.Ou };
        command.SetAction(async (parse, ct) =>
        {
            if (place.Given(parse))
            {
                if (app.IsAws(parse)) throw new InvalidDataException("status --account and --ou read the embedded backend's fleet; on AWS use audit --account or --ou");
                var fleet = await app.OpenAsync(parse, ct);
                var rows = await StatusRow.ReadFleetAsync(app, parse, fleet, place, ct);
                if (app.WantsJson(parse)) return Json.StatusJson.Write(app, rows, fleet.Clock.GetUtcNow(), "virtual");
                app.Console.Write(Table(app, rows, fleet.Clock.GetUtcNow(), " (virtual clock)"));
                return ExitCodes.Ok;
            }
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

    private static async Task<IRenderable> TableAsync(CliApp app, ParseResult parse, EnginePorts ports, DateTimeOffset now, string clock, CancellationToken ct) =>
        Table(app, await StatusRow.ReadAsync(app, parse, ports, now, ct), now, clock);

    private static Table Table(CliApp app, IReadOnlyList<StatusRow> rows, DateTimeOffset now, string clock)
    {
        var lines = new List<Line>();
        foreach (var row in rows)
        {
            if (row.RuleInvalid)
            {
                var name = Render.Text(row.RuleId);
                lines.Add(new Line([name, "[red]invalid rule[/]"], [name, "-", "-", "-", "-", "[red]invalid rule[/]"]));
                continue;
            }
            if (row.Info is not { } quota)
            {
                lines.Add(new Line([Render.Text(row.RuleId), Render.Text(row.Quota!.ToString()), "[red]no such quota[/]"],
                    [Render.Text(row.RuleId), "-", "-", "-", "-", $"[red]no such quota[/] {Render.Text(row.Quota!.ToString())}"]));
                continue;
            }
            var (inFlight, brief) = row.Request is { } request
                ? ($"request {request.AwsRequestId ?? request.Id} {request.Status.ToApiName()} → {Render.Num(request.DesiredValue)}", $"request {request.Status.ToApiName()} →\u00a0{Render.Num(request.DesiredValue)}")
                : row.Approval is { } approval
                    ? ($"approval {approval.Id} {approval.Status} → {Render.Num(approval.DesiredValue)}", $"approval {approval.Status} →\u00a0{Render.Num(approval.DesiredValue)}")
                    : ("-", "-");
            string[] numbers = [Render.Num(quota.Value), Render.Num(row.Usage), Render.Num(row.Forecast?.Peak), Render.Pct(row.UtilizationPercent)];
            lines.Add(new Line(
                [Render.Text(row.RuleId), Render.Text(row.Quota!.ToString()), Render.Text(quota.QuotaName), .. numbers, Render.Text(row.Forecast?.Forecaster ?? "no history yet"), Render.Text(inFlight)],
                [Render.Text(row.RuleId), .. numbers, Render.Text(brief)]));
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
