using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace QuotaAutomation.Local.Tests;

/// <summary>
/// kill -9 at 20 seeded-random points of a multi-cycle run of the real CLI (a subprocess, killed with SIGKILL), then
/// one more run: the file is intact, no quota was requested twice, and nothing in the audit trail dangles. A kill
/// point is an audit row count, drawn from the seed, reached by the running process: so the kills land between an
/// intent and its outcome, inside cycles and inside SQLite writes, wherever the count falls.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class KillRecoveryTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Kills = 20;
    private const int Seed = 12;

    private readonly TempDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task Run_Killed20TimesAtRandomPoints_NextRunLeavesNothingDanglingAndNothingRequestedTwice()
    {
        var backend = await _db.OpenAsync(); // creates the file: clock at the simulated daily peak, sample rules
        // Three rules that act every cycle (file, get approved within 5 minutes, file again), so kills land in actions.
        await backend.Rules.UpsertAsync(new[] { ("ec2-ondemand-use1", "ec2", "L-1216C47A"), ("lambda-concurrency-use1", "lambda", "L-B99A9384"), ("dynamodb-read-use1", "dynamodb", "L-34F6A552") }
            .Select(r => (r.Item1, (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>
            {
                ["rule_id"] = r.Item1, ["service_code"] = r.Item2, ["quota_code"] = r.Item3, ["region"] = "us-east-1",
                ["automation_level"] = "full_auto", ["threshold_warning"] = 5.0, ["threshold_critical"] = 10.0, ["max_auto_increase"] = 1e9,
            })), CancellationToken.None);
        var random = new Random(Seed);
        var killed = 0;
        var watch = Stopwatch.StartNew();

        for (var i = 0; i < Kills; i++)
        {
            var target = (await CountsAsync()).Rows + random.Next(1, 40);
            using var cli = Start("run", "--cycles", "20");
            while (!cli.HasExited && (await CountsAsync()).Rows < target) { } // no delay: the kill lands as close to the row as polling allows
            if (!cli.HasExited)
            {
                cli.Kill(entireProcessTree: true); // SIGKILL: no finally, no flush, no dispose
                killed++;
            }
            await cli.WaitForExitAsync();
        }

        // The next run: cycles spanning EngineOptions.ReconcileAfter (15 virtual minutes), so every record the kills
        // left is old enough to be reconciled.
        using (var next = Start("run", "--cycles", "4")) await next.WaitForExitAsync();

        var reconciledIntents = await ScalarAsync<long>("SELECT COUNT(*) FROM audit WHERE kind = 'Outcome' AND message LIKE '%(reconciled%'");
        var reconciledCycles = await ScalarAsync<long>("SELECT COUNT(*) FROM audit WHERE action = 'cycle_end' AND message LIKE '%did not finish%'");
        output.WriteLine($"{killed} of {Kills} runs killed; reconciled: {reconciledIntents} intents, {reconciledCycles} cycles; " +
            $"{await ScalarAsync<long>("SELECT COUNT(*) FROM sim_requests")} requests filed; {watch.Elapsed.TotalSeconds:0.#} s");
        Assert.True(killed >= Kills - 2, $"only {killed} of {Kills} runs were killed before they finished: the kill points no longer fall inside the runs");
        Assert.True(reconciledCycles > 0, "the kills left no cycle unfinished: the test proves nothing");
        Assert.Equal("ok", await ScalarAsync("PRAGMA integrity_check"));
        Assert.Equal((0L, 0L), await DanglingAsync());
        Assert.Equal(0L, await ScalarAsync<long>(
            "SELECT COUNT(*) FROM sim_requests a JOIN sim_requests b ON a.id < b.id AND a.service_code = b.service_code AND a.quota_code = b.quota_code " +
            "AND a.region = b.region AND a.account_id = b.account_id WHERE a.created_at < b.decide_at AND b.created_at < a.decide_at"));
        Assert.Equal(0L, await ScalarAsync<long>("SELECT COUNT(*) FROM audit WHERE kind = 'Outcome' AND message LIKE '%already has an open request%'"));
        Assert.True(await ScalarAsync<long>("SELECT COUNT(*) FROM sim_requests") > 0, "no request was filed: the runs did not exercise filing");
    }

    private Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "quota-automation.dll"), "--db", _db.Path, "--forecaster", "trend", "--approval-delay", "5" }.Concat(args))
            info.ArgumentList.Add(arg);
        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Intents with no outcome, and cycle starts with no end.</summary>
    private async Task<(long Intents, long Cycles)> DanglingAsync() => (
        await ScalarAsync<long>("SELECT COUNT(*) FROM audit i WHERE i.kind = 'Intent' AND NOT EXISTS (SELECT 1 FROM audit o WHERE o.kind = 'Outcome' AND o.action_id = i.id)"),
        await ScalarAsync<long>("SELECT COUNT(*) FROM audit s WHERE s.action = 'cycle_start' AND NOT EXISTS (SELECT 1 FROM audit e WHERE e.action = 'cycle_end' AND e.run_id = s.run_id)"));

    /// <summary>Audit rows and intents written so far (the intents for the figures).</summary>
    private async Task<(long Rows, long Intents)> CountsAsync()
    {
        await using var connection = Connect();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), COUNT(CASE kind WHEN 'Intent' THEN 1 END) FROM audit";
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private SqliteConnection Connect() =>
        new(new SqliteConnectionStringBuilder { DataSource = _db.Path, Mode = SqliteOpenMode.ReadOnly, DefaultTimeout = 30 }.ToString());

    private Task<string> ScalarAsync(string sql) => ScalarAsync<string>(sql);

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = Connect();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync())!, typeof(T), CultureInfo.InvariantCulture); // COUNT and integrity_check always answer
    }
}
