using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using QuotaAutomation.Cli.Commands;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Local;

namespace QuotaAutomation.Lambda.Tests;

/// <summary>Spike alerts from the event handler take the engine's one alert path: cool-down, intent and outcome audited.</summary>
#pragma warning disable CA1001 // disposed in DisposeAsync (xUnit's IAsyncLifetime)
public sealed class SpikeAlertTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 15, 0, 0, TimeSpan.Zero);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "qa-spike-" + Guid.NewGuid().ToString("N"));
    private readonly StringWriter _logs = new();
    private EmbeddedBackend _backend = null!; // set in InitializeAsync
    private LambdaApp _app = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _backend = await EmbeddedBackend.OpenAsync(Path.Combine(_folder, "qa.db"), new EmbeddedOptions { Start = Start }, new FakeTimeProvider(Start), CancellationToken.None);
        _app = EmbeddedLambda.Create(_backend, TimeSpan.FromSeconds(60), new LambdaLog(_logs, _backend.Clock, "quota-automation-test"));
    }

    public Task DisposeAsync()
    {
        _logs.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    private static string Spike(string eventId) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Payloads", "quota-usage-spike.json")).Replace("b3b0c5a2-3f0e-4c4f-9f5e-2a1d7c9e0b11", eventId, StringComparison.Ordinal);

    [Fact]
    public async Task UsageSpike_TwoEventsWithinTheCoolDown_OneAlertWithIntentAndOutcome()
    {
        await _app.HandleAsync(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Payloads", "scheduled-event.json")), CancellationToken.None); // 14 days of history

        await _app.HandleAsync(Spike("spike-1"), CancellationToken.None);
        await _app.HandleAsync(Spike("spike-2"), CancellationToken.None);

        var sent = await _backend.Notifier.RecentAsync(100, CancellationToken.None);
        Assert.Single(sent, n => n.Subject == "[SPIKE HIGH] lambda/L-B99A9384@us-east-1");
        var trail = (await _backend.Audit.QueryAsync("-", null, 1000, CancellationToken.None)).Where(a => a.RunId == "spike-1").ToList();
        Assert.Equal([(AuditKind.Intent, "notify"), (AuditKind.Outcome, "notify")], trail.Select(a => (a.Kind, a.Action)));
        Assert.Equal(trail[0].Id, trail[1].ActionId);
        Assert.StartsWith("done: message ", trail[1].Message, StringComparison.Ordinal);
        Assert.DoesNotContain(await _backend.Audit.QueryAsync("-", null, 1000, CancellationToken.None), a => a.RunId == "spike-2" && a.Kind == AuditKind.Intent);
    }
}
