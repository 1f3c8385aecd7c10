using System.CommandLine;
using QuotaAutomation.Forecasting;

namespace QuotaAutomation.Cli;

/// <summary>
/// The <c>--traces</c> input of <c>train</c>, <c>backtest</c> and <c>simulate</c>: CSV files and folders of them, by
/// default the traces bundled with the repository (<c>models/traces</c>, found from the current folder upwards).
/// </summary>
internal static class TraceInputs
{
    public const string BundledFolder = "models/traces";

    public static Option<string[]> Option() => new("--traces")
    {
        Description = $"timestamp,value CSV trace files or folders of them (default: the bundled {BundledFolder})",
        AllowMultipleArgumentsPerToken = true,
    };

    /// <summary>Every trace the paths name (a folder: its <c>*.csv</c> but the manifest), in name order, without repeats.</summary>
    public static IReadOnlyList<TraceFile> Read(string[]? paths)
    {
        var given = paths is { Length: > 0 } ? paths : [Bundled()];
        var files = new List<TraceFile>();
        foreach (var path in given)
        {
            if (Directory.Exists(path)) files.AddRange(TraceFile.ReadFolder(path));
            else if (File.Exists(path)) files.Add(TraceFile.Read(path));
            else throw new FileNotFoundException($"--traces: '{path}' is neither a file nor a folder");
        }
        if (files.Count == 0) throw new InvalidDataException($"--traces: no *.csv trace in {string.Join(", ", given)}");
        var repeated = files.GroupBy(f => f.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null) throw new InvalidDataException($"--traces: two traces are named '{repeated.Key}'; traces are told apart by file name");
        return files.OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>The folders the traces came from (their manifests hold provenance and licences).</summary>
    public static IReadOnlyList<string> Folders(string[]? paths) => (paths is { Length: > 0 } ? paths : [Bundled()])
        .Select(p => Directory.Exists(p) ? Path.GetFullPath(p) : Path.GetDirectoryName(Path.GetFullPath(p))!)
        .Distinct(StringComparer.Ordinal).ToList();

    private static string Bundled()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, BundledFolder);
            if (File.Exists(Path.Combine(candidate, "manifest.csv"))) return candidate;
        }
        throw new DirectoryNotFoundException(
            $"--traces not given and no {BundledFolder} (with its manifest.csv) in this folder or above it: run from the repository, or pass --traces FILE|FOLDER");
    }
}
