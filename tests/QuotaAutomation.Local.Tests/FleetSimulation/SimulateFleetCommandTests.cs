using System.Text.Json;
using QuotaAutomation.Cli;

namespace QuotaAutomation.Local.Tests.FleetSimulation;

public sealed class SimulateFleetCommandTests
{
    [Fact]
    public async Task Json_IsOneDocument_WithTheCycleTheBillAndTheTargets()
    {
        var (exit, stdout, stderr) = await Testing.CliRunner.RunSplitAsync(
            ["simulate", "fleet", "--accounts", "2", "--regions", "1", "--quotas", "2", "--services", "1", "--hours", "1", "--output", "json"], TimeProvider.System);

        var document = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("measured here: 2 sample shard(s) through 1 h on the engine", stderr, StringComparison.Ordinal);
        Assert.Equal(["fleet", "day", "first_cycle", "busiest_cycle", "summary", "calls", "bill", "targets", "executed", "modelled", "audit_storage", "reads_by_reason", "lambda_time_by_cause"], document.EnumerateObject().Select(p => p.Name));
        Assert.Equal(2, document.GetProperty("fleet").GetProperty("shards").GetInt32());
        Assert.Equal("organization", document.GetProperty("fleet").GetProperty("profile").GetString());
        Assert.Equal(2, document.GetProperty("fleet").GetProperty("strata").EnumerateArray().Sum(s => s.GetProperty("shards").GetInt32()));
        Assert.Equal(2, document.GetProperty("first_cycle").GetProperty("due_shards").GetInt32());
        Assert.Equal(12, document.GetProperty("day").GetProperty("cycles").GetInt32());
        Assert.Equal(2, document.GetProperty("summary").GetProperty("shards").GetInt32());
        Assert.Equal(4, document.GetProperty("summary").GetProperty("rules").GetInt32());
        var lines = document.GetProperty("bill").GetProperty("lines").EnumerateArray().ToList();
        Assert.Equal(13, lines.Count);
        Assert.DoesNotContain(lines, l => l.GetProperty("item").GetString() == "dynamodb.storage_gb_months"); // beside the bill, not in it
        var storage = document.GetProperty("audit_storage");
        Assert.Equal(365, storage.GetProperty("retention_days").GetDouble());
        Assert.Equal(0.25, storage.GetProperty("usd_per_gb_month").GetDouble());
        Assert.InRange(storage.GetProperty("bytes_a_day").GetDouble(), 1, double.MaxValue);
        // Each line is rounded to the cent on its own, so their sum may differ from the rounded total by half a cent a line.
        Assert.InRange(Math.Abs(lines.Sum(l => l.GetProperty("usd").GetDouble()) - document.GetProperty("bill").GetProperty("total_usd_per_month").GetDouble()), 0, 0.005 * lines.Count + 1e-9);
        Assert.Equal(["makespan ≤ 5 min", "MaxConcurrency ≤ 1,000", "no throttling left after retries", "≤ $1,000 a month"],
            document.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("target").GetString()));
        var causes = document.GetProperty("lambda_time_by_cause").EnumerateArray().ToList();
        Assert.Contains("utilization report: poll delay", causes.Select(c => c.GetProperty("cause").GetString()));
        Assert.Equal(1, causes.Sum(c => c.GetProperty("share").GetDouble()), 0.001); // each share rounded to 0.01 %
    }

    [Fact]
    public async Task BadOptions_AreNamedAllAtOnce_ExitTwo()
    {
        var (exit, output) = await Testing.CliRunner.RunAsync(
            ["simulate", "fleet", "--regions", "18", "--hours", "0", "--max-concurrency", "0"], TimeProvider.System);

        Assert.Equal(ExitCodes.Error, exit);
        Assert.Contains("error: --regions 18 must be 1 to 17; --hours 0 must be 1 to 168; --max-concurrency 0 must be ≥ 1", output.ReplaceLineEndings(" "), StringComparison.Ordinal);
    }
    [Theory]
    [InlineData("0")]
    [InlineData("100001")]
    public async Task NewShardsPerCycle_OutsideTheLambdasBound_IsNamedAsRunFleetNamesIt_ExitTwo(string value)
    {
        var (exit, output) = await Testing.CliRunner.RunAsync(["simulate", "fleet", "--new-shards-per-cycle", value], TimeProvider.System);

        Assert.Equal(ExitCodes.Error, exit);
        Assert.Contains($"error: --new-shards-per-cycle {value} must be 1 to 100000 (the bound of QA_FLEET_NEW_SHARDS_PER_CYCLE)", output.ReplaceLineEndings(" "), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("80-20")]
    [InlineData("20")]
    [InlineData("-5-50")]
    [InlineData("20-250")]
    public async Task BadUtilization_IsNamed_ExitTwo(string range)
    {
        var (exit, output) = await Testing.CliRunner.RunAsync(["simulate", "fleet", "--utilization", range], TimeProvider.System);

        Assert.Equal(ExitCodes.Error, exit);
        Assert.Contains($"error: --utilization '{range}' must be LOW-HIGH in % of the quota, 0 ≤ LOW < HIGH ≤ 200, such as 20-80", output.ReplaceLineEndings(" "), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Utilization_GivesTheUniformProfile_EveryRegionBusy()
    {
        var (exit, stdout, _) = await Testing.CliRunner.RunSplitAsync(
            ["simulate", "fleet", "--accounts", "2", "--regions", "3", "--quotas", "2", "--services", "1", "--hours", "1", "--samples-per-shape", "1", "--utilization", "5-40", "--output", "json"], TimeProvider.System);

        var fleet = JsonDocument.Parse(stdout).RootElement.GetProperty("fleet");
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal("uniform", fleet.GetProperty("profile").GetString());
        var strata = fleet.GetProperty("strata").EnumerateArray().ToList();
        Assert.All(strata, s => Assert.StartsWith("home Region, ", s.GetProperty("name").GetString(), StringComparison.Ordinal));
        Assert.Equal(6, strata.Sum(s => s.GetProperty("shards").GetInt32()));
        Assert.Equal(strata.Count, fleet.GetProperty("executed_shards").GetInt32()); // one sample a stratum
    }
}
