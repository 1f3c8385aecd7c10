using QuotaAutomation.Core.Cadence;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Tests.Engine;
using static QuotaAutomation.Core.Tests.Fakes.TestRules;

namespace QuotaAutomation.Core.Tests.Cadence;

/// <summary>The engine's usage collection asks for detail only when the cadence says so; an event wakes a quota at once.</summary>
public class CadenceInEngineTests
{
    private static EngineFixture Calm(EngineOptions options)
    {
        var f = new EngineFixture(options);
        f.Account.Add("lambda", "L-B99A9384", 1000, _ => 100); // 10 %: far from the 70 % warning, flat
        f.Stores.Rules.Add(Item("lambda", "lambda", "L-B99A9384", "full_auto"));
        return f;
    }

    [Fact]
    public async Task ACalmQuota_IsBackfilledInDetail_ThenReadInDetailOnceAnHour()
    {
        var f = Calm(new EngineOptions { Cadence = ReadCadence.Default });

        for (var i = 0; i < 13; i++) await f.CycleAsync();

        Assert.True(f.Account.Queries[0].Detailed); // no history yet
        Assert.Equal(1, f.Account.Queries.Skip(1).Count(q => q.Detailed)); // the next hour: once
    }

    [Fact]
    public async Task WithoutACadence_EveryCycleReadsInDetail()
    {
        var f = Calm(new EngineOptions());

        for (var i = 0; i < 13; i++) await f.CycleAsync();

        Assert.All(f.Account.Queries, q => Assert.True(q.Detailed));
    }

    [Fact]
    public async Task AnEventNamingTheQuota_ReadsItInDetail_InTheCycleItStarts()
    {
        var f = Calm(new EngineOptions { Cadence = ReadCadence.Default });
        await f.CycleAsync();
        var notDue = Enumerable.Range(0, 12).Select(i => EngineFixture.Start.AddMinutes(5 * (i + 1)))
            .First(t => !ReadCadence.Default.IsDue(f.Account.Quotas.Keys.Single(), TimeSpan.FromHours(1), t));
        f.Time.Advance(notDue - f.Time.GetUtcNow());

        await f.Engine.RunCycleAsync(null, [f.Account.Quotas.Keys.Single()], CancellationToken.None);

        Assert.True(f.Account.Queries[^1].Detailed);
    }
}
