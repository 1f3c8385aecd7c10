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
    public async Task RunFleet_SecondCycle_RunsOnlyTheDueShards_TheScheduleKeptBesideTheDatabase_AllShardsRunsEveryOne()
    {
        string[] fleet = ["run", "--fleet", "--accounts", "6", "--regions", "2", "--parallel", "2", "--forecaster", "trend", "--output", "json"];

        var (_, twoCycles, _) = await _db.RunCliSplitAsync([.. fleet, "--cycles", "2"]);
        var (_, next, _) = await _db.RunCliSplitAsync(fleet);
        var (_, forced, _) = await _db.RunCliSplitAsync([.. fleet, "--all-shards"]);

        static (int Planned, int Due, int NotDue) Counts(string stdout, int cycle)
        {
            using var json = JsonDocument.Parse(stdout);
            var c = json.RootElement.GetProperty("cycles")[cycle];
            return (c.GetProperty("planned_shards").GetInt32(), c.GetProperty("totals").GetProperty("shards").GetInt32(), c.GetProperty("not_due").GetInt32());
        }
        Assert.Equal((FleetShards, FleetShards, 0), Counts(twoCycles, 0)); // no schedule yet: every shard
        Assert.Equal((FleetShards, FleetShards - SecondNotDue, SecondNotDue), Counts(twoCycles, 1));
        Assert.True(File.Exists(_db.Path + ".fleet/schedule.json"));
        Assert.True(Counts(next, 0).NotDue > 0, "the next run goes on from the kept schedule");
        Assert.Equal((FleetShards, FleetShards, 0), Counts(forced, 0));
    }

    [Fact]
    public async Task RunFleet_NewShardsOverTheCap_WaitForLaterCycles_AndTheOutputSaysHowMany()
    {
        var (_, stdout, _) = await _db.RunCliSplitAsync("run", "--fleet", "--accounts", "6", "--regions", "2", "--parallel", "2", "--forecaster", "trend",
            "--new-shards-per-cycle", "4", "--cycles", "3", "--all-shards", "--output", "json");

        using var json = JsonDocument.Parse(stdout);
        var cycles = json.RootElement.GetProperty("cycles").EnumerateArray()
            .Select(c => (Ran: c.GetProperty("totals").GetProperty("shards").GetInt32(), Deferred: c.GetProperty("new_deferred").GetInt32())).ToList();
        // 11 new shards, 4 a cycle: 4 then 4 more (with the 4 known, --all-shards) then the last 3; deferred 7, 3, 0.
        Assert.Equal([(4, 7), (8, 3), (11, 0)], cycles);
    }

    /// <summary>6 accounts (one suspended) × 2 Regions under the sample rules, and the calm ones of them 5 minutes after the first cycle.</summary>
    private const int FleetShards = 11, SecondNotDue = 3;

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

        // By rule: a shard's quiet decisions are digested, and a rule filter shows the rule's entry in each digest with its quota.
        var (exit, stdout, _) = await _db.RunCliSplitAsync("audit", "--rule", "fleet-lambda-prod", "--ou", "ou-fl33-prodwork", "--region", "eu-west-1", "--limit", "10000", "--output", "json");

        using var json = JsonDocument.Parse(stdout);
        var quotas = json.RootElement.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("quota").GetString()).Where(q => q is not null).ToList();
        Assert.Equal(ExitCodes.Ok, exit);
        Assert.NotEmpty(quotas);
        Assert.All(quotas, q => Assert.Contains(q!.Split('@')[1], prod.Select(a => $"eu-west-1#{a}")));
    }
}
