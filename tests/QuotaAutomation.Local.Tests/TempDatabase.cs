using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Local;
using QuotaAutomation.Local.Simulation;

namespace QuotaAutomation.Local.Tests;

/// <summary>A fresh embedded database in its own temporary folder, deleted afterwards.</summary>
public sealed class TempDatabase : IAsyncLifetime
{
    /// <summary>Tuesday 2026-11-24 15:00 UTC: the simulated daily peak, inside the sample rules' business hours, so every path shows.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 24, 15, 0, 0, TimeSpan.Zero);

    private readonly string _folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "qa-tests-" + Guid.NewGuid().ToString("N"));

    public string Path => System.IO.Path.Combine(_folder, "quota-automation.db");

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    public Task<EmbeddedBackend> OpenAsync(SimulationOptions? simulation = null, bool sampleRules = true, bool resources = true) =>
        EmbeddedBackend.OpenAsync(Path, new EmbeddedOptions { Start = Start, SampleRules = sampleRules, SimulatedResources = resources, Simulation = simulation ?? new SimulationOptions() },
            new FakeTimeProvider(Start), CancellationToken.None);

    /// <summary>Runs the CLI on this database with a plain 400-column console; returns the exit code and everything printed.</summary>
    public Task<(int Exit, string Output)> RunCliAsync(params string[] args) => Testing.CliRunner.RunAsync([.. args, "--db", Path], new FakeTimeProvider(Start));

    /// <summary>Writes a file beside the database (rule files, plans, instance types) and returns its path.</summary>
    public string WriteFile(string name, string text)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Path)!, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>As <see cref="RunCliAsync"/>, with standard output and standard error apart.</summary>
    public Task<(int Exit, string Stdout, string Stderr)> RunCliSplitAsync(params string[] args) => Testing.CliRunner.RunSplitAsync([.. args, "--db", Path], new FakeTimeProvider(Start));

    /// <summary>Runs the CLI on this database with a console <paramref name="width"/> columns wide.</summary>
    public Task<(int Exit, string Output)> RunCliAtWidthAsync(int width, params string[] args) => Testing.CliRunner.RunAsync([.. args, "--db", Path], new FakeTimeProvider(Start), width);

    public static AutomationEngine Engine(EmbeddedBackend backend) =>
        new(backend.Ports, new TrendForecaster(), backend.Clock, new EngineOptions { NewRunNonce = () => "t" + Guid.NewGuid().ToString("N")[..6] });

    public static async Task<CycleReport> CycleAsync(EmbeddedBackend backend, AutomationEngine engine)
    {
        var report = await engine.RunCycleAsync(CancellationToken.None);
        await backend.AdvanceAsync(SimulatedAccount.SampleInterval, CancellationToken.None);
        return report;
    }
}
