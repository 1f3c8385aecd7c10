using QuotaAutomation.Forecasting;
using Spectre.Console;

namespace QuotaAutomation.Cli.Commands;

/// <summary>
/// <c>backtest --holdout-source PREFIX</c> (issue 16): a model trained, in a temporary folder deleted afterwards, on every
/// trace whose manifest <c>origin_path</c> does not start with the prefix; the others are the held-out source it is then
/// tested on, series of a kind it has never seen.
/// </summary>
internal sealed class HoldoutModel : IDisposable
{
    private readonly string _folder;

    private HoldoutModel(string folder, IReadOnlyList<TraceFile> held)
    {
        _folder = folder;
        Held = held;
    }

    public IReadOnlyList<TraceFile> Held { get; }

    public string ModelPath => Path.Combine(_folder, ModelTrainer.ModelFile);

    public static HoldoutModel Train(CliApp app, IReadOnlyList<TraceFile> files, IReadOnlyList<string> folders, string source)
    {
        var origins = folders.Select(f => Path.Combine(f, "manifest.csv")).Where(File.Exists)
            .SelectMany(m => File.ReadAllLines(m).Skip(1)).Select(Fields).Where(c => c.Count > 2)
            .ToDictionary(c => c[0], c => c[2], StringComparer.Ordinal);
        var unlisted = files.Where(f => !origins.ContainsKey(f.Name)).Select(f => f.Name).ToList();
        if (unlisted.Count > 0)
            throw new InvalidDataException($"--holdout-source: no manifest.csv beside the traces gives the origin of {string.Join(", ", unlisted)}");
        var held = files.Where(f => origins[f.Name].StartsWith(source, StringComparison.Ordinal)).ToList();
        var rest = files.Except(held).ToList();
        if (held.Count == 0 || rest.Count == 0)
            throw new InvalidDataException($"--holdout-source '{source}': {held.Count} trace(s) come from it and {rest.Count} do not; both must be some");
        var folder = Path.Combine(Path.GetTempPath(), "qa-holdout-" + Guid.NewGuid().ToString("N"));
        var model = new HoldoutModel(folder, held);
        app.Console.MarkupLine($"training on {rest.Count} traces without the {held.Count} from {Render.Text(source)}");
        ModelTrainer.Train(rest, new TrainingOptions(), folder, "leave-one-source-out model (temporary)");
        return model;
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    /// <summary>One CSV line's fields (quoted fields may hold commas; a doubled quote is a quote).</summary>
    private static List<string> Fields(string line)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
            else if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(c);
        }
        fields.Add(field.ToString());
        return fields;
    }
}
