using QuotaAutomation.Cli;

namespace QuotaAutomation.Local.Tests;

/// <summary><c>check --instance-types FILE</c>: a user sizes an instance type the built-in table lacks, in JSON or CSV, without editing source.</summary>
public sealed class InstanceTypesFileTests : IAsyncLifetime
{
    private readonly TempDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    private string Config => _db.WriteFile("infra.yaml", "ec2:\n  auto_scaling_groups:\n    - name: web\n      instance_type: m8i.2xlarge\n      max_size: 2\n");

    [Fact]
    public async Task Check_TypeNotInTheTable_ExitsTwo_AdvisingTheFile()
    {
        var (exit, output) = await _db.RunCliAsync("check", "--config", Config);

        Assert.Equal(ExitCodes.Error, exit);
        Assert.Contains("error: infra.yaml: ec2.auto_scaling_groups[0] (web): instance type 'm8i.2xlarge' has no known vCPU count: family 'm8i' is not in the built-in table"
            + ", and neither EC2 DescribeInstanceTypes (--backend aws) nor an --instance-types file named it: check the spelling, or give its vCPUs in a file with --instance-types "
            + "(JSON {\"m8i.2xlarge\": 8} or CSV m8i.2xlarge,8)", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("types.json", "{\"m8i.2xlarge\": 8}")]
    [InlineData("types.csv", "type,vcpus\n# from the EC2 console\nm8i.2xlarge, 8\n")]
    public async Task Check_TypeGivenInAFile_IsSized(string name, string text)
    {
        var (exit, output) = await _db.RunCliAsync("check", "--config", Config, "--instance-types", _db.WriteFile(name, text), "--format", "markdown");

        Assert.Equal(ExitCodes.Ok, exit); // 2 × 8 = 16 vCPUs fit in the simulated 256
        Assert.Contains("| 16 |", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_BadFile_ExitsTwo_NamingEachLine()
    {
        var (exit, output) = await _db.RunCliAsync("check", "--config", Config, "--instance-types", _db.WriteFile("types.csv", "m8i.2xlarge,eight\nm8i\nnot a type,2\n"));

        Assert.Equal(ExitCodes.Error, exit);
        Assert.Contains("error: types.csv line 1: vCPUs 'eight' must be a whole number from 1 to 4096; types.csv line 2: 'm8i' must be type,vcpus (e.g. m8i.large,2); "
            + "types.csv line 3: 'not a type' is not an instance type such as m8i.large", output, StringComparison.Ordinal);
    }
}
