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
        var plot = new Option<DirectoryInfo?>("--plot") { Description = "Write one PNG per quota of these cycles (usage, forecast, quota, actions) and an index.html into this folder" };
        var fleet = new FleetOptions();
        var command = new Command("run", "Run automation cycles on the embedded backend") { cycles, start, plot, fleet.Fleet, fleet.Accounts, fleet.Regions, fleet.Parallel, fleet.AllShards, fleet.NewShardsPerCycle };
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
            if (app.IsAws(parse) && parse.GetValue(plot) is not null)
            {
                app.Console.MarkupLine("[red]error:[/] --plot draws the embedded backend's simulated cycles; on AWS, the CloudWatch dashboard shows each quota");
                return ExitCodes.Error;
            }
            if (!parse.GetValue(fleet.Fleet) && fleet.Given(parse) is { } stray)
            {
                app.Console.MarkupLine($"[red]error:[/] {stray} applies to run --fleet");
                return ExitCodes.Error;
            }
            if (parse.GetValue(fleet.Fleet))
            {
                if (parse.GetValue(plot) is not null) throw new InvalidDataException("--plot draws one account's quotas; a fleet run has thousands: use status --account or --ou to see some");
                return await FleetRun.RunAsync(app, parse, fleet, count, startAt, ct);
            }
            if (app.WantsJson(parse)) return await Json.RunJson.RunAsync(app, parse, count, startAt, ct);
            if (app.IsAws(parse)) return await RunOnAwsAsync(app, parse, count, ct);
            var backend = await app.OpenAsync(parse, ct, startAt);
            var engine = app.Engine(parse, backend.Ports, backend.Clock);
            if (count == 1)
            {
                var one = await RunOneAsync(backend, engine, ct);
                Render.Cycle(app.Console, one);
                await WaitingApprovals.WriteAsync(app, parse, backend.Ports.Approvals, ct);
                WritePlots(app, parse.GetValue(plot), [one]);
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
            await WaitingApprovals.WriteAsync(app, parse, backend.Ports.Approvals, ct);
            WritePlots(app, parse.GetValue(plot), reports);
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

    private static void WritePlots(CliApp app, DirectoryInfo? folder, IReadOnlyList<CycleReport> reports)
    {
        if (folder is null) return;
        var written = DayPlots.Write(reports, folder.FullName);
        app.Console.MarkupLine($"[bold]Plots:[/] {written.Count - 1} quotas drawn; open {Render.Text(written[^1])}");
    }

    /// <summary>One embedded cycle, then the virtual clock five minutes on (the table and the JSON paths both run cycles so).</summary>
    internal static async Task<CycleReport> RunOneAsync(EmbeddedBackend backend, AutomationEngine engine, CancellationToken ct)
    {
        var report = await engine.RunCycleAsync(ct);
        await backend.AdvanceAsync(SimulatedAccount.SampleInterval, ct);
        return report;
    }

    private static async Task WriteSummaryAsync(IAnsiConsole console, EmbeddedBackend backend, List<CycleReport> reports, CancellationToken ct)
    {
        var first = reports[0];
        var last = reports[^1];
        var days = RuleDay.From(reports, SimulatedAccount.SampleInterval);
        var title = $"{reports.Count} cycles, {Render.Time(first.StartedAt)} → {Render.Time(last.StartedAt)} UTC (virtual)";
        var table = SummaryTable(days, title, wide: true, " ");
        var wide = Fit.Fits(console, table);
        if (!wide) table = SummaryTable(days, title, wide: false, " ");
        if (!wide && !Fit.Fits(console, table)) table = SummaryTable(days, title, wide: false, "\n");
        console.Write(table);
        console.MarkupLine(wide ? "[bold]Last decisions[/]" : "[bold]Actions and last decisions[/]");
        console.Write(Fit.Notes(days.Select(d => (Render.Text(d.RuleId),
            (wide ? "" : Actions(d) + "; ") + $"[{Render.Colour(d.LastDecision)}]{Render.Text(d.LastDecision.Kind)}[/]: {Render.Reason(d.LastDecision)}"))));

        var changes = reports.SelectMany(r => r.StatusChanges).ToList();
        if (changes.Count > 0)
        {
            console.MarkupLine("[bold]Request outcomes[/]");
            foreach (var change in changes) console.MarkupLine($"  [green]•[/] {Render.Text(change)}");
        }
        var failures = reports.SelectMany(r => r.Actions).Where(a => a.Outcome == ActionOutcome.Failed).ToList();
        foreach (var failure in failures.Take(10))
            console.MarkupLine($"  [red]✗[/] {Render.Text(failure.RuleId)} {Render.Text(failure.Action)}: {Render.Text(failure.Detail)}");

        var waiting = (await backend.Requests.ListActiveAsync(ct)).Count(a => a.Status == ApprovalStatus.Waiting);
        var open = await backend.Requests.ListOpenAsync(ct);
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"[bold]Totals:[/] {reports.Sum(r => r.Actions.Count(a => a.Action == "notify"))} alerts, {reports.Sum(r => r.Actions.Count(a => a.Action == "request_increase" && a.Outcome == ActionOutcome.Done))} requests filed, {changes.Count} request outcomes, {open.Count} open, {waiting} awaiting approval, {failures.Count} failed actions, {first.Rejected} rules failing per cycle."));
    }

    /// <summary>
    /// Per rule: the quota's value, the actual peak usage and the forecast peak (each with its percentage of the quota:
    /// a forecast above 100 % is a warning, not an outage), and the minutes usage was over the quota. Wide, also the
    /// quota and what was done; narrow (under about 200 columns), what was done goes below the table, and under about
    /// 100 columns each percentage goes under its value (<paramref name="separator"/> a line break).
    /// </summary>
    private static Table SummaryTable(IReadOnlyList<RuleDay> days, string title, bool wide, string separator)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(title).AddColumn(Fit.Number("rule"));
        if (wide) table.AddColumn(Fit.Number("quota"));
        table.AddColumns(Fit.Number("value"), Fit.Number($"peak{separator}usage"), Fit.Number($"forecast{separator}peak"), Fit.Number($"min over{separator}quota"));
        if (wide) table.AddColumns(Fit.Number("alerts"), Fit.Number("requests filed"), Fit.Number("approvals asked"), Fit.Number("held"), Fit.Number("errors"));
        foreach (var d in days)
        {
            var value = d.ValueAtStart is not { } from ? "-" : from == d.ValueAtEnd ? Render.Num(from) : $"{Render.Num(from)} →{separator}{Render.Num(d.ValueAtEnd)}";
            var cells = new List<string> { Render.Text(d.RuleId) };
            if (wide) cells.Add(Render.Text(d.Quota?.ToString() ?? "-"));
            cells.AddRange([value, Peak(d.PeakUsage, separator), Peak(d.PeakForecast, separator), Render.Num(d.MinutesOverQuota)]);
            if (wide) cells.AddRange([Count(d.Alerts), Count(d.RequestsFiled), Count(d.ApprovalsAsked), Count(d.Held), Count(d.Errors)]);
            table.AddRow([.. cells]);
        }
        return table;
    }

    /// <summary>What was done for a rule, in words: "1 request filed, 5 held", or "nothing done".</summary>
    private static string Actions(RuleDay d)
    {
        var counts = new[] { (d.Alerts, "alert", "alerts"), (d.RequestsFiled, "request filed", "requests filed"), (d.ApprovalsAsked, "approval asked", "approvals asked"),
            (d.Held, "cycle held", "cycles held"), (d.Errors, "error", "errors") };
        var words = counts.Where(c => c.Item1 > 0).Select(c => $"{Count(c.Item1)} {(c.Item1 == 1 ? c.Item2 : c.Item3)}").ToList();
        return words.Count > 0 ? string.Join(", ", words) : "nothing done";
    }

    private static string Peak((double Value, double Percent)? peak, string separator) =>
        peak is (var value, var percent) ? $"{Render.Num(value)}{separator}({Render.Pct(percent)})" : "-";

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);
}
