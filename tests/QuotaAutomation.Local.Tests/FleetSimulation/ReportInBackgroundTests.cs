using QuotaAutomation.Local.FleetSimulation;

namespace QuotaAutomation.Local.Tests.FleetSimulation;

/// <summary>A fleet shard's report started with its run: the recorded calls as the AWS backend makes them.</summary>
public sealed class ReportInBackgroundTests
{
    private static readonly ApiCall Put = new(AwsServices.DynamoDb, "PutItem", Hub: true, "audit", WriteUnits: 1);
    private static readonly ApiCall Window = new(AwsServices.DynamoDb, "Query", Hub: true, "usage", ReadUnits: 1);
    private static readonly ApiCall Start = new(AwsServices.ServiceQuotas, "StartQuotaUtilizationReport", Hub: false);
    private static readonly ApiCall Poll = new(AwsServices.ServiceQuotas, "GetQuotaUtilizationReport", Hub: false);
    private static readonly ApiCall Delayed = Poll with { WaitFirst = TimeSpan.FromSeconds(2) };
    private static readonly ApiCall Metrics = new(AwsServices.CloudWatch, "GetMetricData", Hub: false, Metrics: 3);

    /// <summary>As the engine runs on the embedded backend: cycle start, the window, then the quotas (the report), then usage; one after another.</summary>
    private static readonly RecordedCall[] Recorded =
    [
        new(0, Put, []), new(1, Window, [0]), new(2, Start, [1]), new(3, Poll, [2]), new(4, Delayed, [3]), new(5, Metrics, [4]),
    ];

    [Fact]
    public void Hoist_PutsTheReportFirst_LetsTheRunGoOn_AndKeepsItsReaderWaiting()
    {
        var hoisted = ReportInBackground.Hoist(Recorded);

        Assert.Equal(
            [(0, Start, "", false), (1, Poll, "0", false), (2, Delayed, "1", false), (3, Put, "", true), (4, Window, "3", false), (5, Metrics, "2", false)],
            hoisted.Select(c => (c.Index, c.Call, string.Join(",", c.WaitsFor), c.AfterWaitsOnly)));
    }

    [Fact]
    public void Hoist_NoReport_ChangesNothing()
    {
        RecordedCall[] calls = [new(0, Put, []), new(1, Window, [0])];

        Assert.Same(calls, ReportInBackground.Hoist(calls));
    }

    [Fact]
    public void Simulated_TheRunsDynamoDbCalls_GoWhileTheReportIsPrepared()
    {
        var one = new List<SimulatedShard> { new("a/us-east-1", "a", "us-east-1", 1, 0) };
        var work = new ShardWork(ReportInBackground.Hoist(Recorded), Rules: 1);

        var result = new FleetCycleSimulator(one, [work], new FleetCycleOptions(), seed: 1).Run(accounts: 1);

        // The critical path is the report's (Start, polls, its 2 s delay) then GetMetricData: no DynamoDB round trip on it.
        var causes = result.InvocationTime.SecondsByCause;
        Assert.Equal(2, causes[InvocationTime.ReportPollDelay], 9);
        Assert.False(causes.ContainsKey(InvocationTime.DynamoQueries) || causes.ContainsKey(InvocationTime.DynamoOther));
        Assert.Equal(2, result.CallsOf(AwsServices.DynamoDb));
    }
}
