using System.Net;
using System.Text.Json;
using Amazon;
using Amazon.Runtime;
using Microsoft.Extensions.Time.Testing;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using static QuotaAutomation.Aws.Tests.Fakes.ScriptedHandler;

namespace QuotaAutomation.Aws.Tests;

/// <summary>
/// Quotas whose detailed read is not due take their usage from the account's Service Quotas utilization report. moto
/// 5.2.1 implements neither StartQuotaUtilizationReport nor GetQuotaUtilizationReport (it answers HTTP 500 with an HTML
/// page), so the replies are given at the transport, shaped as the botocore model (service-quotas 2019-06-24) defines
/// them: <c>{ReportId, Status, Message}</c> from Start; <c>{ReportId, Status, GeneratedAt (epoch seconds), TotalCount,
/// Quotas[{QuotaCode, ServiceCode, QuotaName, Namespace, Utilization, DefaultValue, AppliedValue, ServiceName,
/// Adjustable}], NextToken}</c> from Get, fullest first.
/// </summary>
public class UtilizationReportUsageTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private static readonly UsageMetric Metric = new("AWS/Usage", "ResourceCount", new Dictionary<string, string> { ["Service"] = "Lambda" }, "Maximum");
    private static readonly QuotaInfo Concurrency = new(new QuotaKey("lambda", "L-B99A9384", "eu-west-1"), "Concurrent executions", 1000, true, "None", Metric);
    private static readonly QuotaInfo Vcpus = new(new QuotaKey("ec2", "L-1216C47A", "eu-west-1"), "Running On-Demand Standard instances", 640, true, "None", Metric);
    private static readonly QuotaInfo Unlisted = new(new QuotaKey("logs", "L-3CA6F4E1", "eu-west-1"), "Log groups", 1000000, true, "None", Metric);

    private static string Line(string service, string code, double utilization, double applied) => JsonSerializer.Serialize(new
    {
        QuotaCode = code, ServiceCode = service, QuotaName = "q", Namespace = "AWS/Usage", Utilization = utilization,
        DefaultValue = applied, AppliedValue = applied, ServiceName = service, Adjustable = true,
    });

    private const string Generated = "1796040005.5"; // 2026-11-30T12:00:05.5Z: a few seconds into the cycle

    private static string Page(string? next, params string[] lines) =>
        $$"""{"ReportId":"qur-7f3a","Status":"COMPLETED","GeneratedAt":{{Generated}},"TotalCount":3,"Quotas":[{{string.Join(",", lines)}}]{{(next is null ? "" : $",\"NextToken\":\"{next}\"")}}}""";

    private const string MetricData = """{"MetricDataResults":[{"Id":"q0","Label":"l","Timestamps":[1796039700],"Values":[123456],"StatusCode":"Complete"}]}""";

    /// <summary>Answers by X-Amz-Target, each operation from its own script, and records the order.</summary>
    private static ScriptedHandler ByOperation(Dictionary<string, Queue<Func<HttpResponseMessage>>> replies)
    {
        ScriptedHandler? handler = null;
        handler = new ScriptedHandler { Otherwise = _ => replies[handler!.Seen[^1].Target!.Split('.')[1]].Dequeue()() }; // set before any request; every call has a target
        return handler;
    }

    private static AwsUsageSource Source(ScriptedHandler handler, TimeProvider time) => new(new AwsClients(
        new AwsClientOptions { Region = RegionEndpoint.EUWest1, Credentials = new BasicAWSCredentials("a", "b"), MaxRetries = 0, Transport = handler },
        new AwsBackendOptions()), time);

    private static async Task<T> RunWithClockAsync<T>(FakeTimeProvider clock, Task<T> work)
    {
        for (var step = 0; step < 600 && !work.IsCompleted; step++) // bounded: a changed call sequence fails here instead of hanging
        {
            clock.Advance(TimeSpan.FromSeconds(1)); // the report's polls wait on this clock
            await Task.Delay(1);
        }
        Assert.True(work.IsCompleted, "the usage read did not finish within 600 s of the fake clock");
        return await work;
    }

    [Fact]
    public async Task NonDetailedQueries_ReadOneReport_PolledOnTheEnginesClock_AndPaged_TheUnlistedQuotaByGetMetricData()
    {
        var clock = new FakeTimeProvider(Now);
        var handler = ByOperation(new()
        {
            ["StartQuotaUtilizationReport"] = new([() => Json("""{"ReportId":"qur-7f3a","Status":"PENDING"}""")]),
            ["GetQuotaUtilizationReport"] = new([
                () => Json("""{"ReportId":"qur-7f3a","Status":"IN_PROGRESS"}"""),
                () => Json(Page("page-2", Line("lambda", "L-B99A9384", 87.5, 1000))),
                () => Json(Page(null, Line("ec2", "L-1216C47A", 25, 640))),
            ]),
            ["GetMetricData"] = new([() => Json(MetricData)]),
        });
        var source = Source(handler, clock);
        var queries = new[] { Concurrency, Vcpus, Unlisted }.Select(q => new UsageQuery(q, Now.AddMinutes(-10)) { Detailed = false }).ToList();

        var usage = await RunWithClockAsync(clock, source.GetUsageAsync(queries, Now, CancellationToken.None));

        Assert.Equal([new UsageSample(Now, 875)], usage[Concurrency.Key]); // 87.5 % of 1,000, at the cycle's time (generated 5.5 s after it)
        Assert.Equal([new UsageSample(Now, 160)], usage[Vcpus.Key]);
        Assert.Equal([new UsageSample(Now.AddMinutes(-5), 123456)], usage[Unlisted.Key]);
        Assert.Equal(
            [("ServiceQuotasV20190624.StartQuotaUtilizationReport", "{}"),
             ("ServiceQuotasV20190624.GetQuotaUtilizationReport", """{"ReportId":"qur-7f3a","MaxResults":1000}"""),
             ("ServiceQuotasV20190624.GetQuotaUtilizationReport", """{"ReportId":"qur-7f3a","MaxResults":1000}"""),
             ("ServiceQuotasV20190624.GetQuotaUtilizationReport", """{"ReportId":"qur-7f3a","NextToken":"page-2","MaxResults":1000}""")],
            handler.Seen.Take(4).Select(s => (s.Target, s.Body)));
        Assert.Equal("GraniteServiceVersion20100801.GetMetricData", handler.Seen[4].Target);
        Assert.Equal((1, 4, 1), (source.Reports.ReportsStarted, source.Reports.ReportCalls, source.MetricsRequested));
        Assert.True(clock.GetUtcNow() >= Now.AddSeconds(4)); // both polls waited PollDelay on the given clock, the first too
    }

    [Fact]
    public async Task DetailedQueries_NeverStartAReport()
    {
        var handler = ByOperation(new() { ["GetMetricData"] = new([() => Json(MetricData)]) });
        var source = Source(handler, new FakeTimeProvider(Now));

        await source.GetUsageAsync([new UsageQuery(Unlisted, Now.AddMinutes(-10))], Now, CancellationToken.None);

        Assert.Equal(["GraniteServiceVersion20100801.GetMetricData"], handler.Seen.Select(s => s.Target));
    }

    [Fact]
    public async Task AReportOperationTheEndpointDoesNotServe_LikeMotos500Page_FallsBackToGetMetricData()
    {
        var handler = ByOperation(new()
        {
            ["StartQuotaUtilizationReport"] = new([() => Text("<!DOCTYPE html><html><title>500 Internal Server Error</title></html>", HttpStatusCode.InternalServerError)]),
            ["GetMetricData"] = new([() => Json(MetricData)]),
        });
        var source = Source(handler, new FakeTimeProvider(Now));

        var usage = await source.GetUsageAsync([new UsageQuery(Unlisted, Now.AddMinutes(-10)) { Detailed = false }], Now, CancellationToken.None);

        Assert.Equal([new UsageSample(Now.AddMinutes(-5), 123456)], usage[Unlisted.Key]);
    }

    [Fact]
    public async Task AReportWhoseConnectionFails_FallsBackToGetMetricData_AsTheQuotaSourceFallsBackToListings()
    {
        var handler = ByOperation(new()
        {
            ["StartQuotaUtilizationReport"] = new([() => throw new HttpRequestException("Connection reset by peer")]),
            ["GetMetricData"] = new([() => Json(MetricData)]),
        });
        var source = Source(handler, new FakeTimeProvider(Now));

        var usage = await source.GetUsageAsync([new UsageQuery(Unlisted, Now.AddMinutes(-10)) { Detailed = false }], Now, CancellationToken.None);

        Assert.Equal([new UsageSample(Now.AddMinutes(-5), 123456)], usage[Unlisted.Key]);
    }

    [Fact]
    public async Task AFailedReport_FallsBackToGetMetricData()
    {
        var handler = ByOperation(new()
        {
            ["StartQuotaUtilizationReport"] = new([() => Json("""{"ReportId":"qur-1","Status":"PENDING"}""")]),
            ["GetQuotaUtilizationReport"] = new([() => Json("""{"ReportId":"qur-1","Status":"FAILED","ErrorCode":"InternalError","ErrorMessage":"try again"}""")]),
            ["GetMetricData"] = new([() => Json(MetricData)]),
        });
        var clock = new FakeTimeProvider(Now);
        var source = Source(handler, clock);

        var usage = await RunWithClockAsync(clock, source.GetUsageAsync([new UsageQuery(Unlisted, Now.AddMinutes(-10)) { Detailed = false }], Now, CancellationToken.None));

        Assert.Equal([new UsageSample(Now.AddMinutes(-5), 123456)], usage[Unlisted.Key]);
        Assert.Equal(1, source.MetricsRequested);
    }

    [Fact]
    public async Task AReportNeverReady_IsGivenUpAfterMaxPolls()
    {
        var clock = new FakeTimeProvider(Now);
        var pending = new Queue<Func<HttpResponseMessage>>(Enumerable.Repeat<Func<HttpResponseMessage>>(() => Json("""{"ReportId":"qur-2","Status":"PENDING"}"""), 20));
        var handler = ByOperation(new()
        {
            ["StartQuotaUtilizationReport"] = new([() => Json("""{"ReportId":"qur-2","Status":"PENDING"}""")]),
            ["GetQuotaUtilizationReport"] = pending,
            ["GetMetricData"] = new([() => Json(MetricData)]),
        });
        var source = Source(handler, clock);

        var usage = await RunWithClockAsync(clock, source.GetUsageAsync([new UsageQuery(Unlisted, Now.AddMinutes(-10)) { Detailed = false }], Now, CancellationToken.None));

        Assert.Equal([new UsageSample(Now.AddMinutes(-5), 123456)], usage[Unlisted.Key]);
        Assert.Equal(15, handler.Seen.Count(s => s.Target == "ServiceQuotasV20190624.GetQuotaUtilizationReport"));
    }
}
