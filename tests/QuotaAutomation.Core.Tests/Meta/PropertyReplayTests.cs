using System.Globalization;
using System.Text.RegularExpressions;
using QuotaAutomation.Testing;

namespace QuotaAutomation.Core.Tests.Meta;

/// <summary>
/// FsCheck's <c>Replay = "(seed,gamma)"</c> needs an odd gamma: an even one does not fail the property, it crashes the
/// test host when the property starts ("Gamma must be odd"), and the run reports every test before it as passed and
/// the rest of the assembly not at all (found after round 3's merge: three Core tests silently missing).
/// </summary>
public sealed partial class PropertyReplayTests
{
    [GeneratedRegex("""Replay\s*=\s*"\((\d+),(\d+)\)"\s*""")]
    private static partial Regex ReplayString();

    [Fact]
    public void EveryReplayInTheTests_HasAnOddGamma()
    {
        var tests = Path.Combine(Repository.Root, "tests");
        var replays = Directory.EnumerateFiles(tests, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => ReplayString().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetRelativePath(tests, f), Gamma: ulong.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))))
            .ToList();

        Assert.NotEmpty(replays);
        Assert.Empty(replays.Where(r => r.Gamma % 2 == 0).Select(r => $"{r.File}: gamma {r.Gamma}"));
    }
}
