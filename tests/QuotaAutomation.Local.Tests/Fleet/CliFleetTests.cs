using System.Text.Json;
using QuotaAutomation.Cli;

namespace QuotaAutomation.Local.Tests.Fleet;

/// <summary><c>run --fleet</c>, and <c>status</c>/<c>audit</c> by account, OU and Region, through the command line.</summary>
public sealed class CliFleetTests : IAsyncLifetime
{
    private readonly TempDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task RunFleet_Json_TotalsShardsAndTheRoleLessAccount_OnStdoutAlone()
    {
        var (exit, stdout, _) = await _db.RunCliSplitAsync("run", "--fleet", "--accounts", "6", "--regions", "2", "--parallel", "2", "--forecaster", "trend", "--output", "json");

        using var json = JsonDocument.Parse(stdout);
        var cycle = json.RootElement.GetProperty("cycles")[0];
        var shards = cycle.GetProperty("shards").EnumerateArray().ToList();
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal("embedded", json.RootElement.GetProperty("backend").GetString());
        Assert.Equal(shards.Count, cycle.GetProperty("totals").GetProperty("shards").GetInt32());
        Assert.Equal(1, cycle.GetProperty("skipped").GetArrayLength()); // of 6 accounts, the 3rd is suspended
        var failed = Assert.Single(cycle.GetProperty("accounts_failed").EnumerateArray());
        Assert.StartsWith("AssumeRole: AccessDenied: User: arn:aws:sts::", failed.GetProperty("first_error").GetString(), StringComparison.Ordinal);
        Assert.All(shards.Where(s => s.GetProperty("account_id").GetString() != failed.GetProperty("account_id").GetString()),
            s => Assert.NotEqual("failed", s.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Run_FleetOptionWithoutFleet_ExitsTwoAndSaysSo()
    {
        var (exit, output) = await _db.RunCliAsync("run", "--accounts", "5");

        Assert.Equal(ExitCodes.Error, exit);
        Assert.Contains("error: --accounts applies to run --fleet", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_ByOuAndRegion_OnlyThoseAccountsAndThatRegion()
    {
        await _db.RunCliAsync("run", "--fleet", "--accounts", "6", "--regions", "2", "--forecaster", "trend");
        var backend = await _db.OpenAsync();
        var (org, _) = await backend.JoinOrganizationAsync(null, null, CancellationToken.None);
        var prod = org.AccountsUnder("ou-fl33-prodwork");

        var (exit, stdout, _) = await _db.RunCliSplitAsync("audit", "--ou", "ou-fl33-prodwork", "--region", "eu-west-1", "--limit", "10000", "--output", "json");

        using var json = JsonDocument.Parse(stdout);
        var quotas = json.RootElement.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("quota").GetString()).Where(q => q is not null).ToList();
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.NotEmpty(quotas);
        Assert.All(quotas, q => Assert.Contains(q!.Split('@')[1], prod.Select(a => $"eu-west-1#{a}")));
    }
}
