using QuotaAutomation.Core.Cadence;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Tests.Cadence;

public class UsageReadCountTests
{
    [Fact]
    public void AShard_With5Of50QuotasInDetail_RequestsFiveMetricsInOneCall_AndOneReportOfTwoPages()
    {
        // The report lists the account's 1,800 metered quotas: 2 pages of 1,000, found complete on the second poll.
        var count = UsageReadCount.ForShard(quotas: 50, detailed: 5, meteredInAccount: 1800, polls: 2);

        Assert.Equal(new UsageReadCount(MetricsRequested: 5, GetMetricDataCalls: 1, ReportsStarted: 1, ReportCalls: 4), count);
    }

    [Fact]
    public void EveryQuotaInDetail_StartsNoReport_And501MetricsTakeTwoCalls() =>
        Assert.Equal(new UsageReadCount(501, 2, 0, 0), UsageReadCount.ForShard(501, 501, 2000));

    [Fact]
    public void Queries_AreCountedPerAccountAndRegion()
    {
        static UsageQuery Query(string region, string code, bool detailed) =>
            new(new QuotaInfo(new QuotaKey("ec2", code, region), code, 10, true, "None"), DateTimeOffset.UnixEpoch) { Detailed = detailed };

        var count = UsageReadCount.Of([Query("us-east-1", "L-1", true), Query("us-east-1", "L-2", false), Query("eu-west-1", "L-1", false)]);

        Assert.Equal(new UsageReadCount(1, 1, 2, 4), count); // two reports of one page each, one poll each
    }
}
