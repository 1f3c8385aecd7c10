using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using QuotaAutomation.Cli.Commands;
using QuotaAutomation.Local;

namespace QuotaAutomation.Lambda.Tests;

/// <summary>
/// The function as <c>invoke</c> composes it on the embedded backend (SQLite and the simulated account behind the same
/// code), in a scratch folder with its own log: the fixture of the handler tests.
/// </summary>
#pragma warning disable CA1001 // disposed in DisposeAsync (xUnit's IAsyncLifetime)
public abstract class EmbeddedFunctionTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset Start = new(2026, 11, 24, 15, 0, 0, TimeSpan.Zero);

    protected string Folder { get; } = Path.Combine(Path.GetTempPath(), "qa-lambda-" + Guid.NewGuid().ToString("N"));

    protected StringWriter Logs { get; } = new();

    protected EmbeddedBackend Backend { get; private set; } = null!; // set in InitializeAsync

    protected LambdaApp App { get; private set; } = null!; // set in InitializeAsync

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Folder);
        Backend = await EmbeddedBackend.OpenAsync(Path.Combine(Folder, "qa.db"), new EmbeddedOptions { Start = Start }, new FakeTimeProvider(Start), CancellationToken.None);
        App = EmbeddedLambda.Create(Backend, TimeSpan.FromSeconds(60), new LambdaLog(Logs, Backend.Clock, "quota-automation-test"));
    }

    public Task DisposeAsync()
    {
        Logs.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
        return Task.CompletedTask;
    }
}
#pragma warning restore CA1001
