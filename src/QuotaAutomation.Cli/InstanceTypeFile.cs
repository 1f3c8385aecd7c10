using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using QuotaAutomation.Core.Common;

namespace QuotaAutomation.Cli;

/// <summary>
/// <c>--instance-types FILE</c>: vCPUs of instance types the built-in table lacks, so a user adds a type without
/// editing source. JSON (<c>{"m8i.large": 2}</c>) or CSV (<c>m8i.large,2</c> per line; a header line, blank lines and
/// <c># comments</c> are skipped). Every bad entry is named with its line or key.
/// </summary>
public static partial class InstanceTypeFile
{
    /// <summary>More vCPUs than any instance AWS sells (u7i: 896) by a margin; beyond it a number is a typo.</summary>
    public const int MaxVCpus = 4096;

    public static Result<IReadOnlyDictionary<string, int>> Read(string path)
    {
        var name = Path.GetFileName(path);
        var text = File.ReadAllText(path);
        var sizes = new Dictionary<string, int>(StringComparer.Ordinal);
        var problems = new List<string>();
        if (text.TrimStart().StartsWith('{'))
        {
            try
            {
                using var document = JsonDocument.Parse(text);
                foreach (var entry in document.RootElement.EnumerateObject())
                    Add(sizes, problems, $"{name}: '{Echo.Of(JsonStrings.Name(entry))}'", JsonStrings.Name(entry),
                        entry.Value.ValueKind == JsonValueKind.Number ? entry.Value.GetRawText() : entry.Value.ToString());
            }
            catch (JsonException e)
            {
                return Result.Fail<IReadOnlyDictionary<string, int>>($"{name} is not valid JSON: {e.Message}");
            }
        }
        else
        {
            var lines = text.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i].Trim();
                if (line.Length == 0 || line.StartsWith('#')) continue;
                var fields = line.Split(',', StringSplitOptions.TrimEntries);
                if (sizes.Count == 0 && problems.Count == 0 && fields.Length == 2 && !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out _)
                    && fields[1].Equals("vcpus", StringComparison.OrdinalIgnoreCase)) continue; // the header
                var where = string.Create(CultureInfo.InvariantCulture, $"{name} line {i + 1}");
                if (fields.Length != 2) problems.Add($"{where}: '{Echo.Of(line)}' must be type,vcpus (e.g. m8i.large,2)");
                else Add(sizes, problems, where, fields[0], fields[1]);
            }
        }
        return problems.Count == 0 ? Result.Ok<IReadOnlyDictionary<string, int>>(sizes) : Result.Fail<IReadOnlyDictionary<string, int>>(string.Join("; ", problems));
    }

    private static void Add(Dictionary<string, int> sizes, List<string> problems, string where, string type, string vcpus)
    {
        var key = type.Trim().ToLowerInvariant();
        if (!TypePattern().IsMatch(key)) problems.Add($"{where}: '{Echo.Of(type)}' is not an instance type such as m8i.large");
        else if (!int.TryParse(vcpus.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 1 or > MaxVCpus)
            problems.Add($"{where}: vCPUs '{Echo.Of(vcpus)}' must be a whole number from 1 to {MaxVCpus}");
        else if (!sizes.TryAdd(key, n)) problems.Add($"{where}: {key} is given twice");
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*\\.[a-z0-9-]+$")]
    private static partial Regex TypePattern();
}
