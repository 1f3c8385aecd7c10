using System.CommandLine;
using System.Globalization;
using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Local;
using QuotaAutomation.Local.Fleet;
using QuotaAutomation.Local.Simulation;
using Spectre.Console;

namespace QuotaAutomation.Cli.Commands;

/// <summary>
/// <c>run --fleet</c>: one fleet cycle (or <c>--cycles</c> of them) as plan → shards → summary through
/// <see cref="FleetCycle"/>, the orchestration the Lambda's Distributed Map performs on AWS, here in one process with at
/// most <c>--parallel</c> shards at a time. On the embedded backend over its virtual organization; on
/// <c>--backend aws</c> over the AWS Organization with the AWS ports.
/// </summary>
internal static class FleetRun
{
    public static async Task<int> RunAsync(CliApp app, ParseResult parse, FleetOptions options, int cycles, DateTimeOffset? start, CancellationToken ct)
    {
        var parallel = parse.GetValue(options.Parallel);
        if (parallel < 1) throw new InvalidDataException($"--parallel {parallel} must be at least 1");
        var newShards = parse.GetValue(options.NewShardsPerCycle);
        if (FleetOptions.NewShardsPerCycleProblem(newShards) is { } problem) throw new InvalidDataException(problem);
        if (app.IsAws(parse))
        {
            if (parse.GetValue(options.Accounts) is not null || parse.GetValue(options.Regions) is not null)
                throw new InvalidDataException("--accounts and --regions size the embedded backend's virtual organization; --backend aws reads the AWS Organization");
            return await FleetOnAws.RunAsync(app, parse, parallel, cycles, parse.GetValue(options.AllShards), newShards, ct);
        }

        var backend = await app.OpenAsync(parse, ct, start);
        var regions = parse.GetValue(options.Regions) is { } text ? VirtualOrganizationSettings.ParseRegions(text) : null;
        var (organization, made) = await backend.JoinOrganizationAsync(parse.GetValue(options.Accounts), regions, ct);
        if (made)
            app.Console.MarkupLine($"[grey]virtual organization kept in {Render.Text(backend.Database.Path)}: {organization.Settings.Accounts} member accounts in {organization.Settings.Regions.Count} Regions ({Render.Text(string.Join(", ", organization.Settings.Regions))}){(backend.Created ? $", {FleetSampleRules.Items.Count} fleet sample rules" : "")}[/]");
        var runner = new EmbeddedShardRunner(backend, organization, app.Forecaster(parse), app.EngineOptions(parse));
        var fleet = new FleetCycle(organization, backend.Rules, runner);
        var settings = new FleetSettings(null, organization.Organization.ManagementAccountId, BuiltInAccount.Region);
        var schedule = new FleetRunSchedule(FleetRunSchedule.FileFor(backend.Database.Path), NoShardWakes.Instance, SimulatedAccount.SampleInterval, parse.GetValue(options.AllShards), newShards);
        var runs = new List<FleetRunReport>(cycles);
        for (var i = 0; i < cycles; i++)
        {
            var at = backend.Clock.GetUtcNow();
            runs.Add(await RunOneAsync(app, fleet, settings, FleetRunId(at), at, parallel, schedule, ct));
            await backend.AdvanceAsync(SimulatedAccount.SampleInterval, ct);
        }
        return Write(app, parse, "embedded", runs);
    }

    /// <summary>One fleet cycle of the due shards, with a progress bar of them (on standard error with <c>--output json</c>).</summary>
    internal static async Task<FleetRunReport> RunOneAsync(CliApp app, FleetCycle fleet, FleetSettings settings, string fleetRunId, DateTimeOffset at, int parallel,
        FleetRunSchedule schedule, CancellationToken ct)
    {
        var started = app.RealTime.GetTimestamp();
        var everyShard = await fleet.PlanAsync(fleetRunId, settings, ct);
        var scheduled = await schedule.SelectAsync(everyShard, at, ct);
        if (schedule.Problem is { } problem) app.Console.MarkupLine($"[yellow]•[/] {Render.Text(problem)}");
        var planned = everyShard with { Plan = scheduled.Due };
        FleetCycleResult? result = null;
        await app.Console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask(string.Create(CultureInfo.InvariantCulture, $"{planned.Plan.Shards.Count:#,0} shards of {fleetRunId}"),
                    maxValue: Math.Max(1, planned.Plan.Shards.Count));
                result = await fleet.RunAsync(planned, parallel, new Increments(task), ct);
                task.Value = task.MaxValue;
            });
        await schedule.SaveAsync(scheduled, result!.Results, ct); // set inside StartAsync, which awaits it
        return new FleetRunReport(fleetRunId, at, planned.Organization, parallel, result, app.RealTime.GetElapsedTime(started))
        {
            PlannedShards = scheduled.Planned.Count, NewDeferred = scheduled.NewDeferred,
        };
    }

    /// <summary>Moves a progress bar on as shards finish (on the shards' threads: Spectre's task is thread-safe).</summary>
    private sealed class Increments(ProgressTask task) : IProgress<ShardResult>
    {
        public void Report(ShardResult value) => task.Increment(1);
    }

    internal static string FleetRunId(DateTimeOffset at) =>
        string.Create(CultureInfo.InvariantCulture, $"fleet-{at:yyyyMMdd'T'HHmmss'Z'}-{Guid.NewGuid():N}")[..29];

    internal static int Write(CliApp app, ParseResult parse, string backend, IReadOnlyList<FleetRunReport> runs)
    {
        if (app.WantsJson(parse))
        {
            Json.JsonOutput.Write(app, Json.FleetRunJson.Document(backend, runs));
            return ExitCodes.Ok;
        }
        foreach (var run in runs.Take(runs.Count - 1))
            app.Console.MarkupLine(Render.Text(string.Create(CultureInfo.InvariantCulture, $"{run.FleetRunId}: {run.Result.Plan.Shards.Count} of {run.PlannedShards} shards due{NewDeferred(run)}; {run.Result.Summary.Digest(maxLines: 0).Split('\n')[0]}")));
        Summary(app.Console, runs[^1]);
        return ExitCodes.Ok;
    }

    /// <summary>The last cycle: totals, failures by account, rules no shard runs, and the digest.</summary>
    private static void Summary(IAnsiConsole console, FleetRunReport run)
    {
        var s = run.Result.Summary;
        var names = run.Organization.Accounts.ToDictionary(a => a.Id, a => a.Name, StringComparer.Ordinal);
        var title = string.Create(CultureInfo.InvariantCulture,
            $"fleet {run.FleetRunId} at {Render.Time(run.At)} UTC: {run.Result.Plan.Accounts} accounts, {s.Shards} of {run.PlannedShards} shards due ({run.PlannedShards - s.Shards} not due{NewDeferred(run)}), {run.Parallel} at a time, {run.Elapsed.TotalSeconds:0.0} s");
        console.MarkupLine($"[bold]{Render.Text(title)}[/]");
        var totals = new Table().Border(TableBorder.Rounded).AddColumns(
            Fit.Number("shards"), Fit.Number("ok"), Fit.Number("partial"), Fit.Number("failed"), Fit.Number("rule evaluations"), Fit.Number("actions"),
            Fit.Number("errors"), Fit.Number("accounts skipped"));
        totals.AddRow(Count(s.Shards), $"[green]{Count(s.Ok)}[/]", Count(s.Partial), s.Failed > 0 ? $"[red]{Count(s.Failed)}[/]" : "0", Count(s.Rules), Count(s.Actions),
            Count(s.Errors), Count(s.Skipped.Count));
        console.Write(totals);
        if (s.AccountsFailed.Count > 0)
        {
            console.MarkupLine("[bold]Failures by account[/]");
            var failures = new Table().Border(TableBorder.Rounded).AddColumns(
                Fit.Number("account"), Fit.Text("name"), Fit.Number("shards"), Fit.Number("failed"), Fit.Text("first error"));
            foreach (var f in s.AccountsFailed)
                failures.AddRow(Render.Text(f.AccountId), Render.Text(names.GetValueOrDefault(f.AccountId, "")), Count(f.Shards), Count(f.Failed), Render.Text(f.FirstError));
            console.Write(failures);
        }
        foreach (var rejected in run.Result.Rejected)
            console.MarkupLine($"[red]✗[/] rule {Render.Text(rejected.RuleId)} is not run: {Render.Text(rejected.Error)}");
        foreach (var overlap in run.Result.Plan.Overlaps) console.MarkupLine($"[yellow]•[/] {Render.Text(overlap.ToString())}");
        console.MarkupLine("[bold]Digest[/]");
        foreach (var line in s.Digest().Split('\n')) console.MarkupLine(Render.Text(line)); // each line escaped: errors carry AWS's text
    }

    private static string Count(int n) => n.ToString("#,0", CultureInfo.InvariantCulture);

    private static string NewDeferred(FleetRunReport run) => run.NewDeferred == 0 ? "" : $", {Count(run.NewDeferred)} new deferred to later cycles";
}

/// <summary>One fleet cycle as the CLI reports it.</summary>
internal sealed record FleetRunReport(string FleetRunId, DateTimeOffset At, Organization Organization, int Parallel, FleetCycleResult Result, TimeSpan Elapsed)
{
    /// <summary>Shards the plan found, due or not (the result's are the due ones, which ran).</summary>
    public int PlannedShards { get; init; }

    /// <summary>New shards (never run) the plan left for later cycles: over <c>--new-shards-per-cycle</c>.</summary>
    public int NewDeferred { get; init; }
}
