using QuotaAutomation.Core.Cadence;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Local.FleetSimulation;

namespace QuotaAutomation.Local.Tests.FleetSimulation;

/// <summary>A shard run's usage reads by cadence reason, and a day's sum of them, as <c>simulate fleet</c> tables them.</summary>
public sealed class ReasonReadsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private static QuotaInfo Quota(string code) => new(new QuotaKey("ec2", code, "us-east-1"), code, 100, true, "None");

    [Fact]
    public void Of_CountsQuotasDetailedAndMetricsByReason_ABackfillTwoMetrics_TheRestAsNotInTheReport()
    {
        UsageQuery[] queries =
        [
            new(Quota("L-1"), Now.AddMinutes(-5)) { Reason = CadenceReason.Spike },
            new(Quota("L-2"), Now.AddMinutes(-15)) { Reason = CadenceReason.NearSteady },
            new(Quota("L-3"), Now.AddMinutes(-5)) { Reason = CadenceReason.NearSteady, Detailed = false },
            new(Quota("L-4"), Now.AddDays(-14)) { Reason = CadenceReason.Backfill }, // its hourly and its 5-minute part
            new(Quota("L-5"), Now.AddMinutes(-60)) { Reason = CadenceReason.Calm, Detailed = false },
        ];

        var reads = ReasonReads.Of(queries, Now, metricsCounted: 5); // one more than the detailed queries': a report line that was missing

        Assert.Equal(
            [
                new ReasonReads("Spike", 1, 1, 1), new ReasonReads("NearSteady", 2, 1, 1), new ReasonReads("Backfill", 1, 1, 2),
                new ReasonReads("Calm", 1, 0, 0), new ReasonReads(ReasonReads.NotInReport, 0, 0, 1),
            ], reads);
    }

    [Fact]
    public void Sum_MultipliesEachRunByItsTimes_InReasonOrder()
    {
        IReadOnlyList<ReasonReads> quiet = [new("Calm", 50, 0, 0)];
        IReadOnlyList<ReasonReads> busy = [new("NearSteady", 2, 1, 1), new("Backfill", 1, 1, 2), new(ReasonReads.NoCadence, 1, 1, 1)];

        var day = ReasonReads.Sum([(quiet, 10), (busy, 3), (quiet, 1)]);

        Assert.Equal([new("Backfill", 3, 3, 6), new("Calm", 550, 0, 0), new("NearSteady", 6, 3, 3), new(ReasonReads.NoCadence, 3, 3, 3)], day);
    }
}
