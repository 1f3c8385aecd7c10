using System.Text.RegularExpressions;
using QuotaAutomation.Cli;

namespace QuotaAutomation.Local.Tests;

/// <summary>
/// README.md's tour, command by command as written there, on a fresh database: each exits 0, and the approve command
/// <c>status</c> prints, copied as it is, approves (the next <c>run</c> files the increase). The commands are read
/// from the README, so a tour that stops working fails here.
/// </summary>
public sealed partial class ReadmeTourTests : IAsyncLifetime
{
    private readonly TempDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    private string Folder => Path.GetDirectoryName(_db.Path)!;

    [GeneratedRegex("""
        "([^"]*)"|(\S+)
        """)]
    private static partial Regex Word();

    [GeneratedRegex(@"^    (quota-automation .* approve (apr-[0-9a-f]{32}) .*)$", RegexOptions.Multiline)]
    private static partial Regex ApproveCommand();

    /// <summary>The <c>qa …</c> commands of the tour's first code block, comments dropped, <c>&amp;&amp;</c> chains split.</summary>
    private static List<string> TourCommands()
    {
        var readme = File.ReadAllText(Path.Combine(Testing.Repository.Root, "README.md"));
        var tour = readme[readme.IndexOf("## A tour", StringComparison.Ordinal)..];
        var block = tour[(tour.IndexOf("```bash\n", StringComparison.Ordinal) + 8)..];
        block = block[..block.IndexOf("```", StringComparison.Ordinal)];
        return [.. block.Split('\n').Where(l => l.StartsWith("qa ", StringComparison.Ordinal))
            .SelectMany(l => Regex.Replace(l, @"\s+#.*$", "").Split("&&"))
            .Select(c => c.Trim())];
    }

    /// <summary>A command line as a shell splits it (double quotes only: the tour and the printed commands use no others).</summary>
    private static string[] Words(string line) => [.. Word().Matches(line).Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value)];

    /// <summary>Paths relative to the clone (docs/examples/…) made absolute; what the tour writes goes to the test's folder.</summary>
    private string[] Resolve(string[] words) => [.. words.Select((w, i) =>
        i > 0 && words[i - 1] == "--plot" ? Path.Combine(Folder, w)
        : File.Exists(Path.Combine(Testing.Repository.Root, w)) ? Path.Combine(Testing.Repository.Root, w)
        : w)];

    [Fact]
    public async Task Tour_EveryCommandAsWritten_ExitsZero_AndTheApproveCommandStatusPrintsWorks()
    {
        var commands = TourCommands();
        Assert.Equal(10, commands.Count); // run, run --cycles 288 --plot, status, plans, audit, notifications, rules validate, import, list, check --config

        string? status = null;
        foreach (var command in commands)
        {
            var (exit, output) = await _db.RunCliAsync(Resolve(Words(command)[1..]));
            Assert.True(exit == ExitCodes.Ok, $"{command} exited {exit}:\n{output}");
            if (command == "qa status") status = output;
        }
        var approve = ApproveCommand().Match(status!);
        Assert.True(approve.Success, status);
        var (approveExit, approveOutput) = await Testing.CliRunner.RunAsync(Words(approve.Groups[1].Value)[1..], TimeProvider.System);
        var (_, next) = await _db.RunCliAsync("run");

        Assert.Equal(ExitCodes.Ok, approveExit);
        Assert.Contains($"approved {approve.Groups[2].Value}", approveOutput, StringComparison.Ordinal);
        Assert.Contains($"approval {approve.Groups[2].Value} granted by", next, StringComparison.Ordinal);
    }
}
