using System.CommandLine;
using System.Globalization;
using QuotaAutomation.Forecasting;
using Spectre.Console;

namespace QuotaAutomation.Cli.Commands;

/// <summary>
/// <c>train [--traces FILE|DIR…] [--out DIR] [--force]</c>: trains the FastTree forecaster on <c>timestamp,value</c>
/// traces (by default the bundled ones), seeded and reproducible. It writes to <c>artifacts/model</c>, which git ignores,
/// and replaces an existing model only with <c>--force</c>: the tracked <c>models/</c> changes only when asked.
/// </summary>
internal static class TrainCommand
{
    public static Command Create(CliApp app)
    {
        var traces = TraceInputs.Option();
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "Where to write quota-forecast.zip and its .json metadata (models/ ships with the build: --out models --force replaces it)",
            DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("artifacts", "model")),
        };
        var force = new Option<bool>("--force") { Description = "Replace a model already in --out" };
        var seed = new Option<int>("--model-seed") { Description = "Training seed", DefaultValueFactory = _ => new TrainingOptions().Seed };
        var command = new Command("train", "Train the forecasting model on usage traces and write it with its metadata") { traces, output, force, seed };
        command.SetAction(parse =>
        {
            var outFolder = parse.GetValue(output)!.FullName;
            var target = Path.Combine(outFolder, ModelTrainer.ModelFile);
            if (File.Exists(target) && !parse.GetValue(force))
                throw new IOException($"{target} exists: pass --force to replace it, or --out another folder");
            var paths = parse.GetValue(traces);
            var files = app.Console.Status().Start("reading traces", _ => TraceInputs.Read(paths));
            var options = new TrainingOptions { Seed = parse.GetValue(seed) };
            Directory.CreateDirectory(outFolder);
            var metadata = app.Console.Status().Start($"training on {files.Count} traces", _ =>
                ModelTrainer.Train(files, options, outFolder, Licences(TraceInputs.Folders(paths), files)));

            var table = new Table().Border(TableBorder.Rounded)
                .Title($"model written to {Render.Text(Path.Combine(parse.GetValue(output)!.FullName, ModelTrainer.ModelFile))}")
                .AddColumns("horizon", "calibration MAE (log ratio)", "p50 shrink", "80% interval (× spread)", "p99 (× spread)", "spread floor", "coverage: 80% / p50 / p90 / p99 (other half)");
            foreach (var (horizon, interval) in metadata.Interval)
                table.AddRow($"{horizon} h", interval.MaeLogRatio.ToString("0.####", CultureInfo.InvariantCulture),
                    interval.Shrink.ToString("0.##", CultureInfo.InvariantCulture),
                    string.Create(CultureInfo.InvariantCulture, $"{interval.Q10:+0.###;-0.###} … {interval.Q90:+0.###;-0.###}"),
                    string.Create(CultureInfo.InvariantCulture, $"{interval.Q99:+0.###;-0.###}"),
                    interval.SpreadFloor.ToString("0.##", CultureInfo.InvariantCulture),
                    string.Create(CultureInfo.InvariantCulture, $"{interval.ValidationCoverage:P1} / {interval.P50Coverage:P1} / {interval.P90Coverage:P1} / {interval.P99Coverage:P1}"));
            app.Console.Write(table);
            app.Console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"{metadata.TrainingRows:#,0} training rows, {metadata.CalibrationRows:#,0} calibration rows, {metadata.ValidationRows:#,0} rows in the test part (not read), {metadata.TrainingSeconds:0.##} s, seed {metadata.Seed}"));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The licences of the traces used, from the manifest.csv beside them; a trace no manifest lists is named.</summary>
    private static string Licences(IReadOnlyList<string> folders, IReadOnlyList<TraceFile> files)
    {
        var used = files.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        var rows = folders.Select(f => Path.Combine(f, "manifest.csv")).Where(File.Exists)
            .SelectMany(m => File.ReadAllLines(m).Skip(1)).Select(l => l.Split(',')).Where(c => c.Length > 4 && used.Contains(c[0])).ToList();
        var byLicence = rows.GroupBy(c => (Licence: c[4], Repo: c[1])).OrderBy(g => g.Key.Repo, StringComparer.Ordinal)
            .Select(g => $"{g.Key.Licence}: {g.Count()} file(s) from {g.Key.Repo}");
        var unlisted = used.Except(rows.Select(c => c[0]), StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var text = string.Join("; ", byLicence);
        if (rows.Count > 0) text += ". Attribution: NAB (Ahmad et al., Neurocomputing 2017); Azure LLM inference trace (Patel et al., ISCA 2024, CC BY 4.0); Wikipedia page views via facebook/prophet examples. See models/traces/README.md and models/traces/LICENSES/.";
        if (unlisted.Count > 0) text += (text.Length > 0 ? " " : "") + $"Unknown (no manifest.csv lists them): {string.Join(", ", unlisted)}.";
        return text;
    }
}
