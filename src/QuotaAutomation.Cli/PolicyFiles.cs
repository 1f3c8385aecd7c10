using System.Globalization;
using QuotaAutomation.Core.Governance;

namespace QuotaAutomation.Cli;

/// <summary>Policy files: the same JSON and YAML lists as rules files (<see cref="RuleFiles"/>), one policy per entry.</summary>
public static class PolicyFiles
{
    public static IReadOnlyList<RawPolicy> Read(string path)
    {
        var name = Path.GetFileName(path);
        var items = RuleFiles.Parse(File.ReadAllText(path), name);
        return items.Select((item, i) => new RawPolicy(string.Create(CultureInfo.InvariantCulture, $"{name} entry {i + 1}"), item)).ToList();
    }

    /// <summary>
    /// Every policy of the file, or an <see cref="InvalidDataException"/> listing each problem: the engine never runs
    /// with some of an organization's policies, since the one left out may be the one that forbids.
    /// </summary>
    public static IReadOnlyList<QuotaPolicy> ReadValid(string path)
    {
        var (policies, problems) = PolicyParser.ParseAll(Read(path));
        if (problems.Count > 0)
            throw new InvalidDataException($"{Path.GetFileName(path)}: {problems.Count} invalid polic{(problems.Count == 1 ? "y" : "ies")}, nothing run: {string.Join(" | ", problems)}");
        return policies;
    }
}
