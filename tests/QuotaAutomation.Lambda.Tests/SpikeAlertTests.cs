using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using QuotaAutomation.Cli.Commands;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Local;

namespace QuotaAutomation.Lambda.Tests;

/// <summary>Spike alerts from the event handler take the engine's one alert path: cool-down, intent and outcome audited.</summary>
public sealed class SpikeAlertTests : EmbeddedFunctionTests
{
    private static string Spike(string eventId) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Payloads", "quota-usage-spike.json")).Replace("b3b0c5a2-3f0e-4c4f-9f5e-2a1d7c9e0b11", eventId, StringComparison.Ordinal);

    [Fact]
    public async Task UsageSpike_TwoEventsWithinTheCoolDown_OneAlertWithIntentAndOutcome()
    {
        await App.HandleAsync(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Payloads", "scheduled-event.json")), CancellationToken.None); // 14 days of history

        await App.HandleAsync(Spike("spike-1"), CancellationToken.None);
        await App.HandleAsync(Spike("spike-2"), CancellationToken.None);

        var sent = await Backend.Notifier.RecentAsync(100, CancellationToken.None);
        Assert.Single(sent, n => n.Subject == "[SPIKE HIGH] lambda/L-B99A9384@us-east-1");
        var trail = (await Backend.Audit.QueryAsync("-", null, 1000, CancellationToken.None)).Where(a => a.RunId == "spike-1").ToList();
        Assert.Equal([(AuditKind.Intent, "notify"), (AuditKind.Outcome, "notify")], trail.Select(a => (a.Kind, a.Action)));
        Assert.Equal(trail[0].Id, trail[1].ActionId);
        Assert.StartsWith("done: message ", trail[1].Message, StringComparison.Ordinal);
        Assert.DoesNotContain(await Backend.Audit.QueryAsync("-", null, 1000, CancellationToken.None), a => a.RunId == "spike-2" && a.Kind == AuditKind.Intent);
    }
}
