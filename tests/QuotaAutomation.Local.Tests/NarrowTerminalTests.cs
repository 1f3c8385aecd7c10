using System.Text.RegularExpressions;
using QuotaAutomation.Cli;

namespace QuotaAutomation.Local.Tests;

/// <summary>
/// What <c>run</c>, the run summary and <c>status</c> print at 80 and 120 columns: two databases with the same seed and
/// start hold the same numbers, so every number printed at 400 columns must appear whole at the narrow width, no line
/// is wider than the terminal, and a reason reads in lines of 40 characters or more.
/// </summary>
public sealed partial class NarrowTerminalTests : IAsyncLifetime
{
    private readonly TempDatabase _reference = new();
    private readonly TempDatabase _narrow = new();

    public async Task InitializeAsync()
    {
        await _reference.InitializeAsync();
        await _narrow.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _reference.DisposeAsync();
        await _narrow.DisposeAsync();
    }

    // A number on its own: not part of an id (sim-000001, L-1216C47A, apr-…hex, a run id's nonce).
    [GeneratedRegex(@"(?<![\w.,-])\d[\d,]*(?:\.\d+)?%?(?![\w])")]
    private static partial Regex Number();

    [GeneratedRegex("apr-[0-9a-f]{32}")]
    private static partial Regex ApprovalId();

    /// <summary>The numbers printed, without the progress bar's (it redraws at its own pace).</summary>
    private static HashSet<string> Numbers(string output) =>
        [.. Lines(output).Where(l => !l.Contains("cycles from", StringComparison.Ordinal)).SelectMany(l => Number().Matches(l)).Select(m => m.Value.TrimEnd('.', ','))];

    [Theory]
    [InlineData(80, new[] { "run" })]
    [InlineData(120, new[] { "run" })]
    [InlineData(80, new[] { "run", "--cycles", "12" })]
    [InlineData(120, new[] { "run", "--cycles", "12" })]
    public async Task Run_AtWidth_KeepsEveryNumberWhole_AndEveryLineWithinTheTerminal(int width, string[] args)
    {
        var (_, reference) = await _reference.RunCliAsync(args);
        var (exit, narrow) = await _narrow.RunCliAtWidthAsync(width, args);

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Empty(Numbers(reference).Except(Numbers(narrow)));
        Assert.All(Lines(narrow).Where(l => !IsCommand(l)), line => Assert.True(line.Length <= width, $"{line.Length} > {width}: {line}"));
    }

    [Theory]
    [InlineData(80, new[] { "run" })]
    [InlineData(120, new[] { "run" })]
    [InlineData(80, new[] { "run", "--cycles", "12" })]
    public async Task Run_AtWidth_AReasonReadsInLinesOfFortyCharactersOrMore(int width, string[] args)
    {
        var (_, output) = await _narrow.RunCliAtWidthAsync(width, args);

        var lines = Lines(output);
        var from = lines.FindIndex(l => l.Contains("rule 'ec2-spot-typo': automation_level", StringComparison.Ordinal));
        var to = lines.FindIndex(from, l => l.Contains("threshold_critical 120", StringComparison.Ordinal));
        Assert.InRange(from, 0, to);
        // Every line of the reason but its last is full: the widest stretch between the table's borders.
        Assert.All(lines[from..to], line => Assert.True(line.Split('│').Max(cell => cell.Trim().Length) >= 40, line));
    }

    [Theory]
    [InlineData(80)]
    [InlineData(120)]
    public async Task Status_AtWidth_KeepsNumbersAndIdsWhole_AndPrintsTheCommandsToAnswer(int width)
    {
        await _reference.RunCliAsync("run");
        await _narrow.RunCliAsync("run");

        var (_, reference) = await _reference.RunCliAsync("status");
        var (exit, narrow) = await _narrow.RunCliAtWidthAsync(width, "status");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Empty(Numbers(reference).Except(Numbers(narrow)));
        Assert.All(Lines(narrow).Where(l => !IsCommand(l)), line => Assert.True(line.Length <= width, line));
        var ids = ApprovalId().Matches(narrow).Select(m => m.Value).Distinct().ToList();
        Assert.Equal(2, ids.Count); // alb-use1 and rds-instances-use1 ask a person
        Assert.All(Lines(narrow).Where(l => l.Contains("apr-", StringComparison.Ordinal)), line => Assert.Matches(ApprovalId(), line));
        Assert.All(ids, id =>
        {
            Assert.Contains($"    quota-automation --db {_narrow.Path} approve {id} --comment \"…\"\n", narrow, StringComparison.Ordinal);
            Assert.Contains($"    quota-automation --db {_narrow.Path} deny {id}\n", narrow, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task RunSummary_ShowsPeakUsageAndForecastPeakApart_WithMinutesOverQuota()
    {
        var (_, output) = await _narrow.RunCliAsync("run", "--cycles", "12");

        Assert.Matches(@"│ rule +│ quota +│ value +│ peak usage +│ forecast peak +│ min over quota +│ alerts +│ requests filed +│ approvals asked +│ held +│ errors +│", output);
        // The model forecasts Lambda concurrency past its quota while usage stays near 60 %: both shown, neither hidden in a max.
        Assert.Matches(@"│ lambda-concurrency-use1 │ lambda/L-B99A9384@us-east-1\s+│ 1,000 → 2,000\s+│ \d{3} \(\d\d\.\d%\)\s+│ 1,\d{3}(\.\d+)? \(1\d\d\.\d%\)\s+│ 0 ", output);
    }

    private static List<string> Lines(string output) => [.. output.Split('\n').Select(l => l.TrimEnd('\r'))];

    /// <summary>The approve and deny commands are written unwrapped, to be copied whole; the terminal folds them if it must.</summary>
    private static bool IsCommand(string line) => line.StartsWith("    quota-automation ", StringComparison.Ordinal);
}
