using QuotaAutomation.Core.Cadence;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Tests.Cadence;

public class UsageSpanTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private static readonly UsageMetric Count = new("AWS/Usage", "ResourceCount", new Dictionary<string, string> { ["Service"] = "EC2" }, "Maximum");
    private static readonly UsageMetric Calls = new("AWS/Usage", "CallCount", new Dictionary<string, string> { ["Service"] = "Logs" }, "Sum");

    private static QuotaInfo Quota(string code, UsageMetric? metric = null) => new(new QuotaKey("ec2", code, "eu-west-1"), code, 100, true, "None", metric ?? Count);

    [Fact]
    public void Backfill_Of14Days_IsHourlyMaximaThenTheLastDayAtFiveMinutes()
    {
        var spans = UsageSpan.For(Now - TimeSpan.FromDays(14), Now);

        var split = Now - TimeSpan.FromDays(14) + TimeSpan.FromMinutes(5) + TimeSpan.FromHours(311); // 11:05 the day before
        Assert.Equal(
            [new UsageSpan(Now - TimeSpan.FromDays(14) + TimeSpan.FromMinutes(5), split, TimeSpan.FromHours(1)), new UsageSpan(split, Now, TimeSpan.FromMinutes(5))],
            spans);
        Assert.Equal((311, 299), (spans[0].Periods, spans[1].Periods)); // 610 samples instead of 4,032
        Assert.InRange(Now - split, TimeSpan.FromDays(1), TimeSpan.FromDays(1) + TimeSpan.FromHours(1));
    }

    [Fact]
    public void AGapOfDays_RefillsAtTheSameTwoResolutions_FromThePeriodAfterTheNewestSample()
    {
        var newest = Now - TimeSpan.FromDays(3) - TimeSpan.FromMinutes(25);

        var spans = UsageSpan.For(newest, Now);

        Assert.Equal(2, spans.Count);
        Assert.Equal((newest + TimeSpan.FromMinutes(5), TimeSpan.FromHours(1)), (spans[0].Start, spans[0].Period));
        Assert.Equal((spans[0].End, Now, TimeSpan.FromMinutes(5)), (spans[1].Start, spans[1].End, spans[1].Period));
        Assert.Equal(0, (spans[0].End - spans[0].Start).Ticks % TimeSpan.FromHours(1).Ticks); // whole hours, no overlap, no gap
    }

    [Theory]
    [InlineData(5)]
    [InlineData(60)]
    [InlineData(25 * 60)] // a day and an hour: not one whole hour beyond the last day yet
    public void AReadOfADayOrSo_IsOneFiveMinuteSpan(int minutes)
    {
        var from = Now - TimeSpan.FromMinutes(minutes);

        Assert.Equal([new UsageSpan(from, Now, TimeSpan.FromMinutes(5))], UsageSpan.For(from, Now));
    }

    [Fact]
    public void ARateQuotaReadAsASum_KeepsFiveMinutesOverTheWholeBackfill()
    {
        var from = Now - TimeSpan.FromDays(14);

        Assert.Equal([new UsageSpan(from, Now, TimeSpan.FromMinutes(5))], UsageSpan.For(Quota("L-RATE", Calls), from, Now));
        Assert.Equal(2, UsageSpan.For(Quota("L-COUNT"), from, Now).Count);
    }

    [Fact]
    public void Plan_1000Backfills_TwoMetricsEach_InCallsOfAtMost500QueriesAnd100800Datapoints()
    {
        var queries = Enumerable.Range(0, 1000).Select(i => new UsageQuery(Quota($"L-{i:D8}"), Now - TimeSpan.FromDays(14))).ToList();

        var reads = MetricDataRead.Plan(queries, Now);

        Assert.Equal(2000, MetricDataRead.Metrics(reads));
        Assert.All(reads, r => Assert.True(r.Parts.Count <= MetricDataRead.MaxQueriesPerCall && r.Parts.Count * new UsageSpan(r.Start, r.End, r.Period).Periods <= MetricDataRead.MaxDatapointsPerCall));
        Assert.Equal([(TimeSpan.FromHours(1), 4), (TimeSpan.FromMinutes(5), 3)], reads.GroupBy(r => r.Period).Select(g => (g.Key, g.Count())).ToList()); // 324 and 337 a call
    }

    [Fact]
    public void Plan_SteadyCycle_OneFiveMinuteMetricAQuota_500ACall()
    {
        var queries = Enumerable.Range(0, 1000).Select(i => new UsageQuery(Quota($"L-{i:D8}"), Now - TimeSpan.FromMinutes(5 * (1 + i % 3)))).ToList();

        var reads = MetricDataRead.Plan(queries, Now);

        Assert.Equal((2, 1000), (reads.Count, MetricDataRead.Metrics(reads)));
        Assert.All(reads, r => Assert.Equal((Now - TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(5)), (r.Start, r.Period)));
        var part = reads[0].Parts.First(p => p.Query.From == Now - TimeSpan.FromMinutes(5));
        Assert.Equal((false, false, true), (part.Keeps(Now - TimeSpan.FromMinutes(10)), part.Keeps(Now - TimeSpan.FromMinutes(5)), part.Keeps(Now)));
    }
}
