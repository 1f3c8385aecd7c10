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

    [Fact]
    public async Task TheReport_SaysTheNextCycleTheCadenceNeeds_ForACalmQuota_ItsShardsHourlyCycle()
    {
        var f = Calm(new EngineOptions { Cadence = ReadCadence.Default });
        var key = f.Account.Quotas.Keys.Single();

        var first = await f.CycleAsync(); // the backfill reads the whole window: calm from then on
        var second = await f.CycleAsync();

        Assert.Equal(EngineFixture.Start.AddMinutes(HubHourlyMinute), first.NextCycleDue);
        Assert.Equal(EngineFixture.Start.AddMinutes(HubHourlyMinute), second.NextCycleDue);
        Assert.Equal(ReadCadence.Default.NextDue(key, TimeSpan.FromHours(1), EngineFixture.Start.AddMinutes(5)), second.NextCycleDue);
    }

    /// <summary>The hub's us-east-1 hourly cycle after 12:00 and 12:05 on the fixture's day (the FNV-1a hash of "self/us-east-1": xx:58.1 falls in 12:55–13:00).</summary>
    private const int HubHourlyMinute = 60;

    [Fact]
    public async Task WithoutACadence_TheReportSaysNothingOfTheNextCycle()
    {
        var f = Calm(new EngineOptions());

        var report = await f.CycleAsync();

        Assert.Null(report.NextCycleDue);
    }

    [Fact]
    public async Task WhenTheReportCoversCalmQuotas_ACalmQuotaIsReadInDetailOnlyToBackfill()
    {
        var f = Calm(new EngineOptions { Cadence = ReadCadence.Default with { ReportCoversCalm = true } });

        for (var i = 0; i < 25; i++) await f.CycleAsync();

        Assert.Equal([true], f.Account.Queries.Where(q => q.Detailed).Select(q => q.Detailed)); // the first read only
    }

    [Fact]
    public async Task ASteadyNearQuota_TakesTheReportBetweenDetailedReads_AndEachDetailedReadReplacesTheReportsSamplesWithTheFiveMinuteMaxima()
    {
        var f = new EngineFixture(new EngineOptions { Cadence = ReadCadence.Default with { ReportCoversCalm = true } });
        var key = f.Account.Add("lambda", "L-B99A9384", 1000, _ => 650).Key; // 65 %: near the 70 % warning, steady
        f.Stores.Rules.Add(Item("lambda", "lambda", "L-B99A9384", "full_auto"));
        f.Account.Report = (_, _) => 640; // the report's point in time, below the periods' maxima

        for (var i = 0; i < 7; i++) await f.CycleAsync(); // 12:00 to 12:30

        var start = EngineFixture.Start;
        Assert.Equal([start - f.Options.HistoryWindow, start, start.AddMinutes(15)], f.Account.Queries.Where(q => q.Detailed).Select(q => q.From));
        var stored = await f.Stores.ReadAsync(key, start, start.AddMinutes(30), CancellationToken.None);
        Assert.Equal([650, 650, 650, 650, 650, 650], stored.Select(s => s.Value)); // 12:05 to 12:30: the 12:05, 12:10, 12:20 and 12:25 reports replaced
    }
}
