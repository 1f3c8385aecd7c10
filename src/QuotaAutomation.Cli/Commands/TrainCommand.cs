using System.CommandLine;
using System.Globalization;
using QuotaAutomation.Forecasting;
using Spectre.Console;

namespace QuotaAutomation.Cli.Commands;

/// <summary><c>train --traces DIR</c>: trains the FastTree forecaster on <c>timestamp,value</c> traces, seeded and reproducible.</summary>
internal static class TrainCommand
{
    public static Command Create(CliApp app)
    {
        var traces = new Option<DirectoryInfo>("--traces") { Description = "Folder of timestamp,value CSV traces (e.g. ../shared/data/traces)", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Where to write quota-forecast.zip and its .json metadata", DefaultValueFactory = _ => new DirectoryInfo("models") };
        var seed = new Option<int>("--model-seed") { Description = "Training seed", DefaultValueFactory = _ => new TrainingOptions().Seed };
        var command = new Command("train", "Train the forecasting model on usage traces and write it with its metadata") { traces, output, seed };
        command.SetAction(parse =>
        {
            var folder = parse.GetValue(traces)!; // required
            var files = app.Console.Status().Start("reading traces", _ => TraceFile.ReadFolder(folder.FullName));
            var options = new TrainingOptions { Seed = parse.GetValue(seed) };
            var metadata = app.Console.Status().Start($"training on {files.Count} traces", _ =>
                ModelTrainer.Train(files, options, parse.GetValue(output)!.FullName, Licences(folder.FullName)));

            var table = new Table().Border(TableBorder.Rounded)
                .Title($"model written to {Render.Text(Path.Combine(parse.GetValue(output)!.FullName, ModelTrainer.ModelFile))}")
                .AddColumns("horizon", "validation MAE (log ratio)", "80% interval (× spread)", "validation coverage");
            foreach (var (horizon, interval) in metadata.Interval)
                table.AddRow($"{horizon} h", interval.MaeLogRatio.ToString("0.####", CultureInfo.InvariantCulture),
                    string.Create(CultureInfo.InvariantCulture, $"{interval.Q10:+0.###;-0.###} … {interval.Q90:+0.###;-0.###}"),
                    interval.ValidationCoverage.ToString("P1", CultureInfo.InvariantCulture));
            app.Console.Write(table);
            app.Console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"{metadata.TrainingRows:#,0} training rows, {metadata.ValidationRows:#,0} validation rows, {metadata.TrainingSeconds:0.##} s, seed {metadata.Seed}"));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The licences and attribution of the traces, from the folder's manifest.csv when there is one.</summary>
    private static string Licences(string folder)
    {
        var manifest = Path.Combine(folder, "manifest.csv");
        if (!File.Exists(manifest)) return "unknown: no manifest.csv beside the traces";
        var rows = File.ReadAllLines(manifest).Skip(1).Select(l => l.Split(',')).Where(c => c.Length > 4).ToList();
        var byLicence = rows.GroupBy(c => (Licence: c[4], Repo: c[1])).OrderBy(g => g.Key.Repo, StringComparer.Ordinal)
            .Select(g => $"{g.Key.Licence}: {g.Count()} file(s) from {g.Key.Repo}");
        return string.Join("; ", byLicence) + ". Attribution: NAB (Ahmad et al., Neurocomputing 2017); Azure LLM inference trace (Patel et al., ISCA 2024, CC BY 4.0); Wikipedia page views via facebook/prophet examples. See shared/data/README.md and shared/data/LICENSES/.";
    }
}
