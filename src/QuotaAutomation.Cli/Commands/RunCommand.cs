using System.CommandLine;
using System.Globalization;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Local;
using QuotaAutomation.Local.Simulation;
using Spectre.Console;

namespace QuotaAutomation.Cli.Commands;

/// <summary><c>run</c>: one cycle now, or N cycles five virtual minutes apart.</summary>
internal static class RunCommand
{
    public static Command Create(CliApp app)
    {
        var cycles = new Option<int>("--cycles") { Description = "Cycles to run, 5 virtual minutes apart (288 = one day)", DefaultValueFactory = _ => 1 };
        var start = new Option<string?>("--start") { Description = "Virtual start time for a new database (ISO 8601, UTC)" };
        var command = new Command("run", "Run automation cycles on the embedded backend") { cycles, start };
        command.SetAction(async (parse, ct) =>
        {
            var count = parse.GetValue(cycles);
            if (count < 1)
            {
                app.Console.MarkupLine("[red]error:[/] --cycles must be at least 1");
                return ExitCodes.Error;
            }
            DateTimeOffset? startAt = null;
            if (parse.GetValue(start) is { } text)
            {
                if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
                {
                    app.Console.MarkupLine($"[red]error:[/] --start {Render.Text(text)} is not an ISO 8601 time");
                    return ExitCodes.Error;
                }
                startAt = parsed;
            }

            if (startAt is not null && app.IsAws(parse))
                throw new InvalidDataException("--start sets the virtual clock of a new embedded database; --backend aws runs at the real time");
            if (app.WantsJson(parse)) return await Json.RunJson.RunAsync(app, parse, count, startAt, ct);
            if (app.IsAws(parse)) return await RunOnAwsAsync(app, parse, count, ct);
            var backend = await app.OpenAsync(parse, ct, startAt);
            var engine = app.Engine(parse, backend.Ports, backend.Clock);
            if (count == 1)
            {
                Render.Cycle(app.Console, await RunOneAsync(backend, engine, ct));
                return ExitCodes.Ok;
            }

            var reports = new List<CycleReport>(count);
            await app.Console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask($"{count} cycles from {Render.Time(backend.Clock.GetUtcNow())} UTC", maxValue: count);
                    for (var i = 0; i < count; i++)
                    {
                        reports.Add(await RunOneAsync(backend, engine, ct));
                        task.Increment(1);
                    }
                });
            await WriteSummaryAsync(app.Console, backend, reports, ct);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Cycles against AWS (or an emulator) at real time, back to back.</summary>
    private static async Task<int> RunOnAwsAsync(CliApp app, ParseResult parse, int count, CancellationToken ct)
    {
        using var aws = app.OpenAws(parse);
        var engine = app.Engine(parse, aws.Ports, app.RealTime);
        for (var i = 0; i < count; i++)
        {
            Render.Cycle(app.Console, await engine.RunCycleAsync(ct));
        }
        return ExitCodes.Ok;
    }

    private static async Task<CycleReport> RunOneAsync(EmbeddedBackend backend, AutomationEngine engine, CancellationToken ct)
    {
        var report = await engine.RunCycleAsync(ct);
        await backend.AdvanceAsync(SimulatedAccount.SampleInterval, ct);
        return report;
    }

    private static async Task WriteSummaryAsync(IAnsiConsole console, EmbeddedBackend backend, List<CycleReport> reports, CancellationToken ct)
    {
        var first = reports[0];
        var last = reports[^1];
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"{reports.Count} cycles, {Render.Time(first.StartedAt)} → {Render.Time(last.StartedAt)} UTC (virtual)")
            .AddColumns("rule", "quota", "value start → end", "max util.", "alerts", "requests filed", "approvals asked", "held", "errors", "last decision");
        foreach (var rule in last.Rules.Select(r => r.Decision.RuleId).Distinct())
        {
            var results = reports.SelectMany(r => r.Rules).Where(r => r.Decision.RuleId == rule).ToList();
            var actions = reports.SelectMany(r => r.Actions).Where(a => a.RuleId == rule).ToList();
            var values = results.Where(r => r.Quota is not null).Select(r => r.Quota!.Value).ToList();
            var final = results[^1].Decision;
            table.AddRow(
                Render.Text(rule),
                Render.Text(final.Quota == Failed.Unknown ? "-" : final.Quota.ToString()),
                values.Count > 0 ? $"{Render.Num(values[0])} → {Render.Num(values[^1])}" : "-",
                Render.Pct(results.Max(r => r.UtilizationPercent)),
                Count(actions, "notify"),
                Count(actions, "request_increase"),
                Count(actions, "start_approval"),
                results.Count(r => r.Decision is Held).ToString(CultureInfo.InvariantCulture),
                results.Count(r => r.Decision is Failed).ToString(CultureInfo.InvariantCulture),
                $"[{Render.Colour(final)}]{Render.Text(final.Kind)}[/]: {Render.Text(Shorten(final.Reason, 110))}");
        }
        console.Write(table);

        var changes = reports.SelectMany(r => r.StatusChanges).ToList();
        if (changes.Count > 0)
        {
            console.MarkupLine("[bold]Request outcomes[/]");
            foreach (var change in changes) console.MarkupLine($"  [green]•[/] {Render.Text(change)}");
        }
        var failures = reports.SelectMany(r => r.Actions).Where(a => a.Outcome == ActionOutcome.Failed).ToList();
        foreach (var failure in failures.Take(10))
            console.MarkupLine($"  [red]✗[/] {Render.Text(failure.RuleId)} {Render.Text(failure.Action)}: {Render.Text(failure.Detail)}");

        var waiting = (await backend.Requests.ListActiveAsync(ct)).Where(a => a.Status == ApprovalStatus.Waiting).ToList();
        if (waiting.Count > 0)
        {
            console.MarkupLine("[bold]Waiting for approval[/] (approve or deny, then run again):");
            foreach (var a in waiting)
                console.MarkupLine($"  [yellow]{Render.Text(a.Id)}[/] {Render.Text(a.Quota.ToString())} {Render.Num(a.CurrentValue)} → {Render.Num(a.DesiredValue)} (est. ${Render.Num(a.EstimatedMonthlyCost)}/month)");
        }
        var open = await backend.Requests.ListOpenAsync(ct);
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"[bold]Totals:[/] {reports.Sum(r => r.Actions.Count(a => a.Action == "notify"))} alerts, {reports.Sum(r => r.Actions.Count(a => a.Action == "request_increase" && a.Outcome == ActionOutcome.Done))} requests filed, {changes.Count} request outcomes, {open.Count} open, {waiting.Count} awaiting approval, {failures.Count} failed actions, {first.Rejected} rules failing per cycle."));
    }

    private static string Count(IEnumerable<ActionResult> actions, string action) =>
        actions.Count(a => a.Action == action && a.Outcome == ActionOutcome.Done).ToString(CultureInfo.InvariantCulture);

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
