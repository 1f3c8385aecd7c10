using System.Text.Json;
using QuotaAutomation.Cli;
using QuotaAutomation.Cli.Commands;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Local.Tests;

/// <summary>
/// <c>quotas rightsize</c> on the embedded backend: the simulated account's VPC quotas (VPCs 5, security groups 2,500,
/// internet gateways 5), usage written into the SQLite history, the rules through the real rule store.
/// </summary>
public sealed class RightSizeCommandTests : IAsyncLifetime
{
    private static readonly QuotaKey Vpcs = new("vpc", "L-F678F1CE", "us-east-1");
    private static readonly QuotaKey SecurityGroups = new("vpc", "L-E79EC296", "us-east-1");
    private static readonly QuotaKey InternetGateways = new("vpc", "L-A4707A72", "us-east-1");

    private readonly TempDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    /// <summary>
    /// VPCs: a rule (warning 70 %), 1 VPC for 48 hours → need ⌈1 ÷ 0.7⌉ = 2, 5 is 2.5 × (listed). Security groups: no
    /// rule (80 %), 1,000 for 24 hours → need 1,250, 2,500 is 2 × (listed, at the factor). Internet gateways: no rule, 4
    /// → need 5 = the value (not listed).
    /// </summary>
    private async Task<EmbeddedBackend> SeedAsync()
    {
        var backend = await _db.OpenAsync(sampleRules: false);
        await backend.Rules.UpsertAsync([("vpcs", new Dictionary<string, object?>
        {
            ["rule_id"] = "vpcs", ["service_code"] = "vpc", ["quota_code"] = "L-F678F1CE", ["region"] = "us-east-1", ["automation_level"] = "full_auto",
        })], CancellationToken.None);
        List<UsageSample> Hourly(int hours, double value) => Enumerable.Range(0, hours).Select(h => new UsageSample(TempDatabase.Start.AddHours(-h), value)).Reverse().ToList();
        await backend.History.AppendManyAsync(new Dictionary<QuotaKey, IReadOnlyList<UsageSample>>
        {
            [Vpcs] = Hourly(48, 1), [SecurityGroups] = Hourly(24, 1000), [InternetGateways] = Hourly(24, 4),
        }, CancellationToken.None);
        return backend;
    }

    [Fact]
    public async Task Read_ListsTheQuotasAtTwiceTheirNeed_LargestExcessFirst()
    {
        var backend = await SeedAsync();

        var report = await RightSizeCommand.ReadAsync(backend.Ports, "us-east-1", "vpc", TempDatabase.Start, TimeSpan.FromDays(30), 2, CancellationToken.None);

        Assert.Equal((3, 0.96, 1.96), (report.QuotasRead, report.ShortestDaysRead!.Value, report.LongestDaysRead!.Value));
        Assert.Equal([
            new RightSizeCommand.RightSizeRow("vpc", "L-F678F1CE", "VPCs per Region", "vpcs", 70, 5, 1, 2, 2.5, 3, 1.96, TempDatabase.Start.AddHours(-47), TempDatabase.Start),
            new RightSizeCommand.RightSizeRow("vpc", "L-E79EC296", "VPC security groups per Region", null, 80, 2500, 1000, 1250, 2, 1250, 0.96, TempDatabase.Start.AddHours(-23), TempDatabase.Start),
        ], report.Oversized);
    }

    [Fact]
    public async Task Cli_Json_CarriesTheSpanReadAndTheOversizedQuotas()
    {
        await SeedAsync();

        var (exit, stdout, _) = await _db.RunCliSplitAsync("quotas", "rightsize", "--service", "vpc", "--factor", "2.2", "-o", "json");

        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal((30.0, 2.2, 3, 0.96), (json.RootElement.GetProperty("days_asked").GetDouble(), json.RootElement.GetProperty("factor").GetDouble(),
            json.RootElement.GetProperty("quotas_read").GetInt32(), json.RootElement.GetProperty("shortest_days_read").GetDouble()));
        Assert.Equal(["L-F678F1CE"], json.RootElement.GetProperty("oversized").EnumerateArray().Select(r => r.GetProperty("quota_code").GetString()));
    }

    [Fact]
    public async Task Cli_Table_SaysItIsAReport()
    {
        await SeedAsync();

        var (exit, output) = await _db.RunCliAsync("quotas", "rightsize", "--service", "vpc");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("2 of 3 quotas with usage listed; history read: 0.96 to 1.96 days of the 30 asked. " + RightSizeCommand.ReportOnly, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_BadDaysOrFactor_IsAnErrorNamingBoth()
    {
        var (exit, output) = await _db.RunCliAsync("quotas", "rightsize", "--days", "0", "--factor", "0.5");

        Assert.Equal(ExitCodes.Error, exit);
        Assert.Contains("--days 0 must be in (0, 365] and --factor 0.5 at least 1", output, StringComparison.Ordinal);
    }
}
