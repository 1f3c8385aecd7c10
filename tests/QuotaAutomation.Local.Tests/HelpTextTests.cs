using QuotaAutomation.Cli;

namespace QuotaAutomation.Local.Tests;

/// <summary>What <c>--help</c> tells people: formats by what they are, never "the seed's" (only <c>--seed</c>, the simulated account's random seed).</summary>
public sealed class HelpTextTests
{
    [Theory]
    [InlineData("run")]
    [InlineData("status")]
    [InlineData("check")]
    [InlineData("wait")]
    [InlineData("notifications")]
    public async Task Help_NeverCallsAFormatTheSeeds(string command)
    {
        var (exit, output) = await Testing.CliRunner.RunAsync([command, "--help"], TimeProvider.System);

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.DoesNotContain("seed's", output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task CheckHelp_SaysWhatTheConfigFileIs()
    {
        var (_, output) = await Testing.CliRunner.RunAsync(["check", "--help"], TimeProvider.System);

        Assert.Contains("Infrastructure YAML: Auto Scaling groups (instance_type, max_size), Lambda functions (reserved_concurrency), RDS instances (docs/gate.md)", output, StringComparison.Ordinal);
        Assert.Contains("default: the built-in prices (docs/rules.md#sizing-and-cost)", output, StringComparison.Ordinal);
    }
}
