using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using QuotaAutomation.Forecasting;
using QuotaAutomation.Replay;
using Spectre.Console;

namespace QuotaAutomation.Cli.Commands;

/// <summary>
/// <c>simulate [--traces FILE|DIR…]</c>: replays every trace as one quota's usage and runs each policy against the same
/// simulated account, QuotaAutomation's real engine among them (docs/simulation.md).
/// </summary>
internal static class SimulateCommand
{
    public static Command Create(CliApp app)
    {
        var defaults = new ReplayScenario();
        var traces = TraceInputs.Option();
        var policies = new Option<string[]>("--policy") { Description = $"Policies to compare: {string.Join(", ", Policies.Names)} (default: all but {Policies.QuotaAutomationAdaptive})", AllowMultipleArgumentsPerToken = true };
        var scenarios = new Option<string[]>("--scenario") { Description = "as-is and/or growth (default: both)", AllowMultipleArgumentsPerToken = true };
        var json = new Option<FileInfo?>("--json") { Description = "Write per-policy totals per scenario and every trace's figures as JSON" };
        var report = new Option<FileInfo?>("--report") { Description = "Write a markdown report" };
        var plots = new Option<DirectoryInfo?>("--plots") { Description = "Write a PNG per plotted trace and scenario: usage, each policy's quota, breaches shaded" };
        var plotTraces = new Option<string[]>("--plot-trace") { Description = "Traces to plot (file names)", DefaultValueFactory = _ => ["elb_request_count_8c0756.csv", "Twitter_volume_AMZN.csv", "nyc_taxi.csv"] };
        var warmup = new Option<double>("--warmup-share") { Description = "Share of each trace that is history only", DefaultValueFactory = _ => defaults.WarmupShare };
        var p95 = new Option<double>("--warmup-p95") { Description = "The trace is scaled so its warm-up's 95th percentile is this", DefaultValueFactory = _ => defaults.WarmupP95 };
        var initial = new Option<double>("--initial-quota") { Description = "The quota at the start", DefaultValueFactory = _ => defaults.InitialQuota };
        var growth = new Option<double>("--growth-to") { Description = "growth scenario: usage × a ramp from 1 to this", DefaultValueFactory = _ => defaults.GrowthTo };
        var largeDelay = new Option<double>("--large-approval-hours") { Description = "Hours until a request above --large-factor × the quota is decided", DefaultValueFactory = _ => defaults.LargeApprovalDelay.TotalHours };
        var largeFactor = new Option<double>("--large-factor") { Description = "Requests up to this × the quota are decided after --approval-delay", DefaultValueFactory = _ => defaults.LargeFactor };
        var cap = new Option<double>("--cap-factor") { Description = "No value above this × the initial quota can be requested", DefaultValueFactory = _ => defaults.CapFactor };
        var reportLag = new Option<double>("--report-lag") { Description = "Minutes old the utilization report's usage is (quota-automation-adaptive reads it between detailed reads)", DefaultValueFactory = _ => defaults.ReportLag.TotalMinutes };
        var parallel = new Option<int>("--parallel") { Description = "Traces replayed at once", DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("simulate", "Replay usage traces as quotas and compare QuotaAutomation with the usual ways of running quotas")
        {
            traces, policies, scenarios, json, report, plots, plotTraces, warmup, p95, initial, growth, largeDelay, largeFactor, cap, reportLag, parallel,
        };
        command.Subcommands.Add(SimulateFleetCommand.Create(app));
        command.SetAction(async (parse, ct) =>
        {
            var chosenPolicies = parse.GetValue(policies) is { Length: > 0 } p ? p : [.. Policies.Default];
            var chosenScenarios = parse.GetValue(scenarios) is { Length: > 0 } s ? s : [.. ReplayScenario.Names];
            // --deny-rate and --approval-delay are the embedded account's options; the replay's deny rate defaults to 5 %.
            var denyRate = parse.GetResult(app.DenyRate) is { Implicit: false } ? parse.GetValue(app.DenyRate) : defaults.DenyProbability;
            var baseScenario = defaults with
            {
                WarmupShare = parse.GetValue(warmup), WarmupP95 = parse.GetValue(p95), InitialQuota = parse.GetValue(initial), GrowthTo = parse.GetValue(growth),
                ApprovalDelay = TimeSpan.FromMinutes(parse.GetValue(app.ApprovalDelay)), LargeApprovalDelay = TimeSpan.FromHours(parse.GetValue(largeDelay)),
                LargeFactor = parse.GetValue(largeFactor), DenyProbability = denyRate, CapFactor = parse.GetValue(cap), Seed = parse.GetValue(app.Seed),
                ReportLag = TimeSpan.FromMinutes(parse.GetValue(reportLag)),
            };
            var problems = chosenScenarios.SelectMany(name => (baseScenario with { Name = name }).Problems())
                .Concat(chosenPolicies.Where(name => !Policies.Names.Contains(name)).Select(name => $"policy '{name}' must be one of {string.Join(", ", Policies.Names)}"))
                .Distinct().ToList();
            if (parse.GetValue(parallel) < 1) problems.Add("--parallel must be ≥ 1");
            if (problems.Count > 0) throw new InvalidDataException(string.Join("; ", problems));

            var files = TraceInputs.Read(parse.GetValue(traces));
            var toPlot = parse.GetValue(plots) is null ? [] : (parse.GetValue(plotTraces) ?? []).ToHashSet();
            var forecaster = chosenPolicies.Any(p => p is Policies.QuotaAutomation or Policies.QuotaAutomationV1 or Policies.QuotaAutomationAdaptive) ? app.Forecaster(parse) : null;
            var scratch = Directory.CreateTempSubdirectory("quota-automation-replay-").FullName;
            var replayPolicies = chosenPolicies.Select(name => name switch
            {
                Policies.QuotaAutomation => new EnginePolicy(forecaster!, scratch),
                Policies.QuotaAutomationV1 => EnginePolicy.V1(forecaster!, scratch),
                Policies.QuotaAutomationAdaptive => new EnginePolicy(forecaster!, scratch, new Core.Engine.EngineOptions { Cadence = Core.Cadence.ReadCadence.Default with { ReportCoversCalm = true } }), // the replay account's report serves calm quotas; set above for engine policies
                _ => (IReplayPolicy)Policies.Formulas.Single(f => f.Name == name),
            }).ToList();

            var results = new List<PolicyResult>();
            var clock = Stopwatch.StartNew();
            double virtualDays = 0;
            try
            {
                await app.Console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                    .StartAsync(async progress =>
                    {
                        foreach (var name in chosenScenarios)
                        {
                            var scenario = baseScenario with { Name = name };
                            var task = progress.AddTask(Render.Text($"{name}: {files.Count} traces"), maxValue: files.Count);
                            await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = parse.GetValue(parallel), CancellationToken = ct }, async (file, c) =>
                            {
                                var trace = ReplayTrace.From(file, scenario);
                                foreach (var policy in replayPolicies)
                                {
                                    var result = await ReplayLoop.RunAsync(trace, scenario, policy, toPlot.Contains(file.Name), c);
                                    lock (results)
                                    {
                                        results.Add(result);
                                        virtualDays += result.Steps * result.StepMinutes / 1440;
                                    }
                                }
                                task.Increment(1);
                            });
                        }
                    });
            }
            finally
            {
                Directory.Delete(scratch, recursive: true);
            }
            var ordered = results.OrderBy(r => Array.IndexOf(chosenScenarios, r.Scenario)).ThenBy(r => r.Trace, StringComparer.Ordinal)
                .ThenBy(r => Policies.Names.ToList().IndexOf(r.Policy)).ToList();
            var seconds = clock.Elapsed.TotalSeconds;

            foreach (var scenario in chosenScenarios)
            {
                var table = new Table().Border(TableBorder.Rounded).Title(Render.Text($"scenario {scenario}: totals over {files.Count} traces"))
                    .AddColumns("policy", "breach min", "avoidable min", "breach events", "traces without breach", "requests", "denied", "approvals asked",
                        "median headroom", "median final ÷ peak", "added quota $/month", "metric reads");
                foreach (var t in ReplaySummary.Totals(ordered).Where(t => t.Scenario == scenario))
                    table.AddRow(t.Policy, Num(t.BreachMinutes), Num(t.AvoidableBreachMinutes), Num(t.BreachEvents), $"{t.TracesWithoutBreach}/{t.Traces}",
                        Num(t.Requests), Num(t.Denied), Num(t.ApprovalsAsked), t.MedianMeanHeadroom.ToString("0.00", CultureInfo.InvariantCulture),
                        t.MedianFinalQuotaOverPeak.ToString("0.00", CultureInfo.InvariantCulture), Num(t.MonthlyCostUsd), Num(t.MetricReads));
                app.Console.Write(table);
            }
            if (ReplayTargets.Check(ReplaySummary.Totals(ordered)) is { Count: > 0 } checks)
            {
                var targets = new Table().Border(TableBorder.Rounded).Title("issue 16's targets").AddColumns("scenario", "policy", "target", "figure", "bound", "");
                foreach (var c in checks)
                    targets.AddRow(Render.Text(c.Scenario), Render.Text(c.Policy), Render.Text(c.Target), Render.Num(Math.Round(c.Figure, 2)),
                        c.Bound is { } bound ? "≤ " + Render.Num(Math.Round(bound, 2)) : "-", c.Met switch { true => "[green]met[/]", false => "[red]not met[/]", null => "not measured" });
                app.Console.Write(targets);
            }
            app.Console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"{virtualDays:#,0} virtual days replayed in {seconds:0.0} s: {virtualDays / seconds:#,0} virtual days per second"));
            if (ordered.Sum(r => r.FailedActions) is var failed and > 0)
                app.Console.MarkupLine($"[yellow]{failed} actions failed (an error from the simulated account): see the per-trace JSON[/]");

            if (parse.GetValue(json) is { } jsonFile)
            {
                await File.WriteAllTextAsync(jsonFile.FullName, ReplaySummary.ToJson(baseScenario, ordered, virtualDays, seconds), ct);
                app.Console.MarkupLine($"wrote {Render.Text(jsonFile.FullName)}");
            }
            if (parse.GetValue(report) is { } reportFile)
            {
                await File.WriteAllTextAsync(reportFile.FullName, ReplaySummary.ToMarkdown(ordered), ct);
                app.Console.MarkupLine($"wrote {Render.Text(reportFile.FullName)}");
            }
            if (parse.GetValue(plots) is { } plotFolder)
            {
                plotFolder.Create();
                foreach (var group in ordered.Where(r => r.QuotaSeries is not null).GroupBy(r => (r.Scenario, r.Trace)))
                {
                    var trace = ReplayTrace.From(files.Single(f => f.Name == group.Key.Trace), baseScenario with { Name = group.Key.Scenario });
                    var path = Path.Combine(plotFolder.FullName, $"{Path.GetFileNameWithoutExtension(group.Key.Trace)}-{group.Key.Scenario}.png");
                    Plot(trace, group.ToList(), path);
                    app.Console.MarkupLine($"wrote {Render.Text(path)}");
                }
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Num(double value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    /// <summary>Usage, each policy's quota line, and QuotaAutomation's breaches shaded.</summary>
    private static void Plot(ReplayTrace trace, List<PolicyResult> results, string path)
    {
        var plot = new ScottPlot.Plot();
        var steps = Enumerable.Range(trace.FirstEvaluated, trace.Count - trace.FirstEvaluated).ToList();
        var x = steps.Select(i => trace.TimeAt(i).UtcDateTime.ToOADate()).ToArray();
        var usage = steps.Select(i => trace.Usage[i]).ToArray();
        if (results.FirstOrDefault(r => r.Policy == Policies.QuotaAutomation)?.QuotaSeries is { } ours)
        {
            var width = trace.Step.TotalDays;
            for (var k = 0; k < steps.Count; k++)
            {
                if (usage[k] <= ours[k]) continue;
                var shade = plot.Add.VerticalSpan(x[k] - width / 2, x[k] + width / 2);
                shade.FillStyle.Color = ScottPlot.Colors.Red.WithAlpha(0.25);
                shade.LineStyle.Width = 0;
            }
        }
        var line = plot.Add.ScatterLine(x, usage);
        line.LegendText = "usage";
        line.Color = ScottPlot.Colors.Black;
        // v1 last: its dashed line stays visible where it runs under the new sizing's.
        foreach (var result in results.OrderBy(r => r.Policy == Policies.QuotaAutomationV1))
        {
            var quota = plot.Add.ScatterLine(x, result.QuotaSeries!.ToArray());
            quota.LegendText = result.Policy;
            quota.LineWidth = result.Policy switch { Policies.QuotaAutomation => 2.5f, Policies.QuotaAutomationV1 => 2f, _ => 1.2f };
            if (result.Policy == Policies.Limit.Name) quota.LinePattern = ScottPlot.LinePattern.Dotted;
            if (result.Policy == Policies.QuotaAutomationV1) quota.LinePattern = ScottPlot.LinePattern.Dashed; // beside the new sizing's solid line
        }
        plot.Axes.DateTimeTicksBottom();
        plot.Title($"{trace.Name} ({results[0].Scenario}): usage and each policy's quota; red: QuotaAutomation breaches");
        plot.YLabel("usage / quota");
        plot.ShowLegend();
        plot.SavePng(path, 1200, 560);
    }
}
