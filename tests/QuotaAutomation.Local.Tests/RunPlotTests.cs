using QuotaAutomation.Cli;

namespace QuotaAutomation.Local.Tests;

/// <summary><c>run --plot DIR</c>: one PNG per quota of the cycles run, and an index.html that shows each.</summary>
public sealed class RunPlotTests : IAsyncLifetime
{
    private readonly TempDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task RunWithPlot_WritesAPngPerQuota_AndAnIndexShowingThem()
    {
        var folder = Path.Combine(Path.GetDirectoryName(_db.Path)!, "plots");

        var (exit, output) = await _db.RunCliAsync("run", "--cycles", "3", "--plot", folder);

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains($"Plots: 8 quotas drawn; open {Path.Combine(folder, "index.html")}", output, StringComparison.Ordinal); // 9 rules, one rejected
        var pngs = Directory.GetFiles(folder, "*.png").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["alb-use1.png", "dynamodb-read-use1.png", "ec2-ondemand-use1.png", "eips-use1.png", "lambda-concurrency-use1.png", "rds-instances-use1.png", "subnets-per-vpc-use1.png", "vpcs-use1.png"], pngs);
        Assert.All(pngs, png => Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(Path.Combine(folder, png!))[..4]));
        var index = await File.ReadAllTextAsync(Path.Combine(folder, "index.html"));
        Assert.All(pngs, png => Assert.Contains($"<img src=\"{png}\"", index, StringComparison.Ordinal));
        Assert.Contains("<b>ec2-ondemand-use1</b> ec2/L-1216C47A@us-east-1: Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances", index, StringComparison.Ordinal);
    }
}
