using QuotaAutomation.Cli;

namespace QuotaAutomation.Local.Tests;

/// <summary>
/// README's exit code table, command family by command family: 0 done, 1 understood and invalid (for check and wait:
/// shortfall), 2 could not do the work (bad arguments, unreadable file, unknown id, a gate that cannot tell). Codes
/// other tests already pin are named in comments, not repeated.
/// </summary>
public sealed class CliExitCodeTests : IAsyncLifetime
{
    private static readonly string Plans = Path.Combine(Testing.Repository.Root, "tests", "QuotaAutomation.Core.Tests", "Gate", "Plans");
    private readonly TempDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    private Task<(int Exit, string Output)> RunAsync(params string[] args) => _db.RunCliAsync(args);

    /// <summary>An infrastructure YAML in a Region the simulated account does not serve: the gate cannot read the quota.</summary>
    private string ElsewhereConfig() => _db.WriteFile("infra.yaml", "region: ap-south-1\nec2:\n  auto_scaling_groups:\n    - name: web\n      instance_type: m5.large\n      max_size: 2\n");

    [Fact]
    public async Task Check_MisspelledOption_ExitsTwo_NotOneWhichMeansShortfall()
    {
        var (exit, output) = await RunAsync("check", "--plna", Path.Combine(Plans, "one-t3-micro.json"));

        Assert.Equal(ExitCodes.Error, exit);
        Assert.Contains("error: Unrecognized command or argument '--plna'.", output, StringComparison.Ordinal);
        Assert.Contains("see: quota-automation check --help", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("run", "--cycels", "3")]
    [InlineData("run", "--cycles", "three")]
    [InlineData("status", "--output", "xml")]
    [InlineData("--output", "xml", "rules", "list")]
    [InlineData("rules", "validate")]
    [InlineData("rules", "import")]
    [InlineData("approve")]
    [InlineData("deny", "apr-1", "apr-2")]
    [InlineData("audit", "--kind", "Gossip")]
    [InlineData("notifications", "--limit", "many")]
    [InlineData("wait", "--timout", "1h")]
    [InlineData("no-such-command")]
    public async Task AnyArgumentError_ExitsTwo(params string[] args)
    {
        var (exit, output) = await RunAsync(args);

        Assert.Equal(ExitCodes.Error, exit);
        Assert.StartsWith("error: ", output, StringComparison.Ordinal);
        Assert.False(File.Exists(_db.Path)); // refused before anything was opened or created
    }

    [Fact]
    public async Task Check_QuotaItCannotRead_ExitsTwo_NamingTheQuota()
    {
        var (exit, output) = await RunAsync("check", "--config", ElsewhereConfig());

        Assert.Equal(ExitCodes.Error, exit);
        Assert.Contains("error: cannot read quota ec2/L-1216C47A@ap-south-1 (Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances): " +
            "quota not found in this account and Region; the gate cannot tell whether infra.yaml: ec2.auto_scaling_groups[0] (web) (+4) fits", output, StringComparison.Ordinal);
        Assert.DoesNotContain("short by", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_QuotaItCannotRead_JsonSaysCannotTell()
    {
        var (exit, stdout, stderr) = await _db.RunCliSplitAsync("check", "--config", ElsewhereConfig(), "--format", "json");

        var report = System.Text.Json.JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(ExitCodes.Error, exit);
        Assert.Equal(("cannot_tell", false), (report.GetProperty("verdict").GetString(), report.GetProperty("quotas")[0].GetProperty("readable").GetBoolean()));
        Assert.Contains("error: cannot read quota ec2/L-1216C47A@ap-south-1", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wait_QuotaItCannotRead_ExitsTwoAtOnce()
    {
        var (exit, output) = await RunAsync("wait", "--config", ElsewhereConfig(), "--timeout", "2h");

        Assert.Equal(ExitCodes.Error, exit);
        Assert.Contains("error: cannot read quota ec2/L-1216C47A@ap-south-1", output, StringComparison.Ordinal);
        Assert.DoesNotContain("next look in", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wait_BadTimeout_ExitsTwo()
    {
        var (exit, output) = await RunAsync("wait", "--plan", Path.Combine(Plans, "one-t3-micro.json"), "--timeout", "soon");

        Assert.Equal(ExitCodes.Error, exit);
        Assert.Contains("error: --timeout 'soon' must be a positive duration such as 90s, 30m or 2h", output, StringComparison.Ordinal);
    }

    // check: 0 enough, 1 shortfall (CheckCommandTests); wait: 0 enough, 1 nothing in flight (CheckCommandTests).
    // rules validate: 0, 1, 2 unreadable (CliTests); approve/deny: 2 unknown id, 1 not waiting (CliTests).

    [Fact]
    public async Task RulesImport_UnreadableFile_ExitsTwo()
    {
        var (exit, output) = await RunAsync("rules", "import", Path.Combine(Path.GetDirectoryName(_db.Path)!, "missing.yaml"));

        Assert.Equal(ExitCodes.Error, exit);
        Assert.Contains("error: cannot read missing.yaml", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_StartOnAnExistingDatabase_ExitsTwo_SayingWhy()
    {
        await RunAsync("run", "--start", "2026-11-24T15:00Z");

        var (exit, output) = await RunAsync("run", "--start", "2026-12-01T09:00Z");

        Assert.Equal(ExitCodes.Error, exit);
        Assert.Contains($"error: --start applies only when the database is created; {_db.Path} exists (clock at 2026-11-24 15:05 UTC): " +
            "drop --start to go on from there, or give a new --db to start at 2026-12-01 09:00 UTC", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_StartOnAws_ExitsTwo()
    {
        var (exit, output) = await RunAsync("run", "--backend", "aws", "--start", "2026-12-01T09:00Z");

        Assert.Equal(ExitCodes.Error, exit);
        Assert.Contains("error: --start sets the virtual clock of a new embedded database; --backend aws runs at the real time", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_StartOnANewDatabase_StartsThere()
    {
        var (exit, output) = await RunAsync("run", "--start", "2026-12-01T09:00Z");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("clock 2026-12-01 09:00 UTC", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--since", "yesterday", "error: --since 'yesterday' must be an ISO 8601 time (2026-11-24T15:00Z) or a duration back from now (90s, 30m, 2h, 7d)")]
    [InlineData("--until", "2h ago", "error: --until '2h ago' must be an ISO 8601 time (2026-11-24T15:00Z) or a duration back from now (90s, 30m, 2h, 7d)")]
    [InlineData("--limit", "0", "error: --limit 0 must be at least 1")]
    public async Task Audit_BadTime_ExitsTwo(string option, string value, string message)
    {
        var (exit, output) = await RunAsync("audit", option, value);

        Assert.Equal(ExitCodes.Error, exit);
        Assert.Contains(message, output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("audit")]
    [InlineData("status")]
    [InlineData("notifications")]
    [InlineData("plans")]
    [InlineData("rules", "list")]
    public async Task ReadingCommands_ExitZero(params string[] args)
    {
        Assert.Equal(ExitCodes.Ok, (await RunAsync(args)).Exit);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("100001")]
    public async Task RunFleet_NewShardsPerCycleOutsideTheLambdasBound_ExitsTwo(string value)
    {
        var (exit, output) = await RunAsync("run", "--fleet", "--new-shards-per-cycle", value);

        Assert.Equal(ExitCodes.Error, exit);
        Assert.Contains($"error: --new-shards-per-cycle {value} must be 1 to 100000 (the bound of QA_FLEET_NEW_SHARDS_PER_CYCLE)", output.ReplaceLineEndings(" "), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("status")]
    [InlineData("audit")]
    [InlineData("run")]
    public async Task UnknownBackend_ExitsTwo(string command)
    {
        var (exit, output) = await RunAsync(command, "--backend", "gcp");

        Assert.Equal(ExitCodes.Error, exit);
        Assert.Contains("error: --backend 'gcp' must be embedded or aws", output, StringComparison.Ordinal);
    }
}
