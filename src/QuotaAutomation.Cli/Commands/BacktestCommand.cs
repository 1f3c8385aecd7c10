using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using QuotaAutomation.Forecasting;
using Spectre.Console;

namespace QuotaAutomation.Cli.Commands;

/// <summary><c>backtest [--traces FILE|DIR…]</c>: rolling-origin evaluation of the model, the fallback and the baselines, in one run.</summary>
internal static class BacktestCommand
{
    public static Command Create(CliApp app)
    {
        var traces = TraceInputs.Option();
        var model = new Option<FileInfo>("--model") { Description = "The model to test (default: the one shipped with this build)", DefaultValueFactory = _ => new FileInfo(Path.Combine(AppContext.BaseDirectory, "models", ModelTrainer.ModelFile)) };
        var json = new Option<FileInfo?>("--json") { Description = "Write every score and the per-model medians as JSON" };
        var report = new Option<FileInfo?>("--report") { Description = "Write a markdown report" };
        var plots = new Option<DirectoryInfo?>("--plots") { Description = "Write PNG plots of 24 h forecasts against actuals for a few traces" };
        var plotTraces = new Option<string[]>("--plot-trace") { Description = "Traces to plot (file names)", DefaultValueFactory = _ => ["elb_request_count_8c0756.csv", "Twitter_volume_AMZN.csv", "ec2_cpu_utilization_5f5533.csv"] };
        var holdoutSource = new Option<string?>("--holdout-source")
        {
            Description = "Leave one source out: train a model (in a temporary folder) on the traces whose manifest origin_path does not start with this "
                + "(e.g. data/realAWSCloudwatch/), and backtest it on those that do (--model is then not used)",
        };
        var command = new Command("backtest", "Compare the forecasting model, the fallback and the baselines on the held-out part of every trace") { traces, model, json, report, plots, plotTraces, holdoutSource };
        command.SetAction(parse =>
        {
            var paths = parse.GetValue(traces);
            var files = TraceInputs.Read(paths);
            var holdout = parse.GetValue(holdoutSource);
            using var trained = holdout is null ? null : HoldoutModel.Train(app, files, TraceInputs.Folders(paths), holdout);
            if (trained is not null) files = trained.Held;
            var forecaster = ModelForecaster.Load(trained?.ModelPath ?? parse.GetValue(model)!.FullName);
            if (forecaster.LoadError is { } error) app.Console.MarkupLine($"[yellow]{Render.Text(error)}: testing the fallback and baselines only[/]");
            double[] horizons = [1, 24, 168]; // the issue's horizons; beyond its longest trained horizon the model composes (ForecastModel.PredictPeak)
            IReadOnlyList<Score> scores = [];
            app.Console.Progress().Start(progress =>
            {
                var task = progress.AddTask("backtesting", maxValue: files.Count);
                scores = Backtest.Run(files, Backtest.Contenders(forecaster.Model), horizons, name =>
                {
                    task.Description = Render.Text(name);
                    task.Increment(1);
                });
            });
            var medians = Backtest.Medians(scores);

            var table = new Table().Border(TableBorder.Rounded).Title($"median over {files.Count} traces (held-out last {Backtest.TestShare:P0} of each){(holdout is null ? "" : $", model trained without {Render.Text(holdout)}")}")
                .AddColumns("horizon", "model", "MASE", "sMAPE", "80% coverage", "lead time (h)", "crossings warned", "false warnings");
            foreach (var m in medians)
                table.AddRow($"{m.HorizonHours} h", m.Model, Backtest.Format(m.Mase), Backtest.Format(m.Smape), Backtest.Format(m.Coverage, "0.0%"),
                    Backtest.Format(m.LeadTimeHours, "0.#"), Backtest.Format(m.WarnedShare, "0%"), Backtest.Format(m.FalseWarningRate, "0.0%"));
            app.Console.Write(table);
            var quantileTable = new Table().Border(TableBorder.Rounded).Title("quantiles of the horizon's peak (pinball ÷ mean actual peak; coverage: share of peaks ≤ the quantile)")
                .AddColumns("horizon", "model", "p50 MASE", "pinball p50", "p90", "p99", $"vs {Backtest.QuantileBaseline}", "cover p50", "p90", "p99");
            foreach (var m in medians.Where(m => m.Mase50 is not null))
                quantileTable.AddRow($"{m.HorizonHours} h", m.Model, Backtest.Format(m.Mase50), Backtest.Format(m.Pinball50, "0.0000"), Backtest.Format(m.Pinball90, "0.0000"),
                    Backtest.Format(m.Pinball99, "0.0000"), Backtest.Format(m.PinballVsSeasonalNaive), Backtest.Format(m.Coverage50, "0.0%"),
                    Backtest.Format(m.Coverage90, "0.0%"), Backtest.Format(m.Coverage99, "0.0%"));
            app.Console.Write(quantileTable);

            if (parse.GetValue(json) is { } jsonFile)
            {
                File.WriteAllText(jsonFile.FullName, JsonSerializer.Serialize(new
                {
                    traces = files.Count,
                    test_share = Backtest.TestShare,
                    holdout_source = holdout,
                    pinball_scale = "pinball loss ÷ the trace's mean actual peak over the horizon; pinball_vs_seasonal_naive_q: summed p50+p90+p99 pinball ÷ seasonal-naive-q's",
                    medians = medians.Select(m => new { model = m.Model, horizon_hours = m.HorizonHours, mase = Finite(m.Mase), smape = Finite(m.Smape),
                        coverage = m.Coverage, lead_time_hours = m.LeadTimeHours, warned_share = m.WarnedShare, false_warning_rate = m.FalseWarningRate, traces = m.Traces,
                        p50_mase = Finite(m.Mase50), pinball_p50 = Finite(m.Pinball50), pinball_p90 = Finite(m.Pinball90), pinball_p99 = Finite(m.Pinball99),
                        pinball_vs_seasonal_naive_q = Finite(m.PinballVsSeasonalNaive), coverage_p50 = Finite(m.Coverage50), coverage_p90 = Finite(m.Coverage90),
                        coverage_p99 = Finite(m.Coverage99) }),
                    scores = scores.Select(s => new { trace = s.Trace, model = s.Model, horizon_hours = s.HorizonHours, origins = s.Origins, mase = Finite(s.Mase),
                        smape = Finite(s.Smape), coverage = s.Coverage, lead_time_hours = s.LeadTimeHours, false_warning_rate = s.FalseWarningRate,
                        p50_mase = Finite(s.Quantiles?.Mase50), pinball_p50 = Finite(s.Quantiles?.Pinball50), pinball_p90 = Finite(s.Quantiles?.Pinball90),
                        pinball_p99 = Finite(s.Quantiles?.Pinball99), pinball_vs_seasonal_naive_q = Finite(s.Quantiles?.PinballVsSeasonalNaive),
                        coverage_p50 = Finite(s.Quantiles?.Coverage50), coverage_p90 = Finite(s.Quantiles?.Coverage90), coverage_p99 = Finite(s.Quantiles?.Coverage99) }),
                }, ForecastModel.Json));
                app.Console.MarkupLine($"wrote {Render.Text(jsonFile.FullName)}");
            }
            if (parse.GetValue(plots) is { } plotFolder)
            {
                plotFolder.Create();
                foreach (var name in parse.GetValue(plotTraces) ?? [])
                {
                    var trace = files.FirstOrDefault(f => f.Name == name);
                    if (trace is null)
                    {
                        app.Console.MarkupLine($"[yellow]no trace {Render.Text(name)} to plot[/]");
                        continue;
                    }
                    var path = Path.Combine(plotFolder.FullName, Path.ChangeExtension(name, ".png"));
                    var drawn = Backtest.Contenders(forecaster.Model).Where(c => c.Name is "fasttree" or "seasonal-naive" or "fallback").ToList();
                    Plot(trace, [.. drawn.Select(c => c.Name == "fasttree" ? c with { Name = "fasttree (v1 peak)" } : c), .. Quantiles(drawn.FirstOrDefault(c => c.Name == "fasttree"))], path);
                    app.Console.MarkupLine($"wrote {Render.Text(path)}");
                }
            }
            if (parse.GetValue(report) is { } reportFile)
            {
                File.WriteAllText(reportFile.FullName, Markdown(files.Count, medians, scores, holdout));
                app.Console.MarkupLine($"wrote {Render.Text(reportFile.FullName)}");
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The actual peak over the next 24 h at each held-out origin, and each contender's forecast of it.</summary>
    private static void Plot(TraceFile trace, IReadOnlyList<Contender> contenders, string path)
    {
        var (times, actual, forecasts) = Backtest.Series(trace, contenders, TimeSpan.FromHours(24));
        var plot = new ScottPlot.Plot();
        var x = times.Select(t => t.UtcDateTime.ToOADate()).ToArray();
        var truth = plot.Add.ScatterLine(x, actual.ToArray());
        truth.LegendText = "actual peak over the next 24 h";
        truth.LineWidth = 2;
        truth.Color = ScottPlot.Colors.Black;
        foreach (var (name, values) in forecasts)
        {
            var line = plot.Add.ScatterLine(x, values.ToArray());
            line.LegendText = name;
            line.LineWidth = 1.5f;
        }
        plot.Axes.DateTimeTicksBottom();
        plot.Title($"{trace.Name}: 24 h peak forecasts on the held-out part");
        plot.YLabel("usage");
        plot.ShowLegend();
        plot.SavePng(path, 1100, 500);
    }

    /// <summary>A contender's p50 and p90 drawn as forecasts of their own (none when it gives no quantiles).</summary>
    private static IEnumerable<Contender> Quantiles(Contender? contender)
    {
        if (contender is null) yield break;
        yield return new($"{contender.Name} p50", (g, i, h) => contender.Forecast(g, i, h) is { Quantiles: { } q } ? new(q.P50, null, null) : new(double.NaN, null, null));
        yield return new($"{contender.Name} p90", (g, i, h) => contender.Forecast(g, i, h) is { Quantiles: { } q } ? new(q.P90, null, null) : new(double.NaN, null, null));
    }

    private static double? Finite(double? v) => v is { } x && double.IsFinite(x) ? Math.Round(x, 6) : null;

    private static string Markdown(int traces, IReadOnlyList<ScoreMedian> medians, IReadOnlyList<Score> scores, string? holdout)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"## Backtest: medians over {traces} traces (held-out last {Backtest.TestShare:P0} of each)");
        if (holdout is not null)
        {
            md.AppendLine();
            md.AppendLine($"Leave one source out: the model was trained without the traces from `{holdout}` and is tested on them only.");
        }
        md.AppendLine();
        md.AppendLine("| horizon | model | MASE | sMAPE | 80% coverage | lead time (h) | crossings warned | false warnings |");
        md.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var m in medians)
            md.AppendLine(CultureInfo.InvariantCulture, $"| {m.HorizonHours} h | {m.Model} | {Backtest.Format(m.Mase)} | {Backtest.Format(m.Smape)} | {Backtest.Format(m.Coverage, "0.0%")} | {Backtest.Format(m.LeadTimeHours, "0.#")} | {Backtest.Format(m.WarnedShare, "0%")} | {Backtest.Format(m.FalseWarningRate, "0.0%")} |");
        md.AppendLine();
        md.AppendLine("### Quantiles of the horizon's peak");
        md.AppendLine();
        md.AppendLine("Medians over traces. p50 MASE: the p50's error ÷ seasonal naive's. Pinball loss per level ÷ the trace's mean actual peak; "
            + $"\"vs {Backtest.QuantileBaseline}\": the summed pinball loss of p50, p90 and p99 ÷ the seasonal-naive quantile baseline's (below 1 is better). "
            + "Coverage: the share of actual peaks at or below the quantile (p50 50 %, p90 90 %, p99 99 % when calibrated).");
        md.AppendLine();
        md.AppendLine("| horizon | model | p50 MASE | pinball p50 | pinball p90 | pinball p99 | vs seasonal-naive-q | p50 coverage | p90 coverage | p99 coverage |");
        md.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var m in medians.Where(m => m.Mase50 is not null).OrderBy(m => m.HorizonHours).ThenBy(m => m.PinballVsSeasonalNaive))
            md.AppendLine(CultureInfo.InvariantCulture, $"| {m.HorizonHours} h | {m.Model} | {Backtest.Format(m.Mase50)} | {Backtest.Format(m.Pinball50, "0.0000")} | {Backtest.Format(m.Pinball90, "0.0000")} | {Backtest.Format(m.Pinball99, "0.0000")} | {Backtest.Format(m.PinballVsSeasonalNaive)} | {Backtest.Format(m.Coverage50, "0.0%")} | {Backtest.Format(m.Coverage90, "0.0%")} | {Backtest.Format(m.Coverage99, "0.0%")} |");
        md.AppendLine();
        md.AppendLine("### MASE at 24 h per trace");
        md.AppendLine();
        var models = scores.Select(s => s.Model).Distinct().ToList();
        md.AppendLine("| trace | " + string.Join(" | ", models) + " |");
        md.AppendLine("| --- |" + string.Concat(models.Select(_ => " --- |")));
        foreach (var trace in scores.Where(s => s.HorizonHours == 24).GroupBy(s => s.Trace))
            md.AppendLine($"| {trace.Key} | " + string.Join(" | ", models.Select(m => Backtest.Format(trace.FirstOrDefault(s => s.Model == m)?.Mase))) + " |");
        return md.ToString();
    }
}
