using System.Net;
using Amazon;
using Amazon.Runtime;
using Microsoft.Extensions.Time.Testing;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Quotas;
using static QuotaAutomation.Aws.Tests.Fakes.ScriptedHandler;

namespace QuotaAutomation.Aws.Tests;

/// <summary>
/// <see cref="QuotaUtilizationReports.TryReadAsync"/>: the one way the quota source and the usage source read a
/// run's report. Every way a report can be unusable this cycle is null (the caller reads without it); cancellation
/// propagates. moto 5.2.1 serves neither report operation: its HTML 500 page is asked of moto itself; the other
/// replies are given at the transport in the botocore model's shapes (service-quotas 2019-06-24, JSON 1.1 errors).
/// </summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class QuotaUtilizationReportsTests(MotoServer moto)
{
    private static readonly QuotaKey Shard = new("lambda", "L-B99A9384", "eu-west-1");

    private static QuotaUtilizationReports Reports(HttpMessageHandler handler) => new(new AwsClients(
        new AwsClientOptions { Region = RegionEndpoint.EUWest1, Credentials = new BasicAWSCredentials("a", "b"), MaxRetries = 0, Transport = handler },
        new AwsBackendOptions()), new FakeTimeProvider()) { PollDelay = TimeSpan.Zero };

    [Fact]
    public async Task TryRead_PollsFirst_APollDelayAfterTheStart()
    {
        var clock = new FakeTimeProvider();
        var started = clock.GetUtcNow();
        var handler = new ScriptedHandler(() => Json("""{"ReportId":"qur-1","Status":"PENDING"}"""), () => Json(Completed));
        var reports = new QuotaUtilizationReports(new AwsClients(
            new AwsClientOptions { Region = RegionEndpoint.EUWest1, Credentials = new BasicAWSCredentials("a", "b"), MaxRetries = 0, Transport = handler },
            new AwsBackendOptions()), clock);

        var read = reports.TryReadAsync(Shard, CancellationToken.None);
        for (var step = 0; step < 100 && !read.IsCompleted; step++) // bounded: a changed call sequence fails below instead of hanging
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(1);
        }

        Assert.True(read.IsCompleted, "the report was not read within 100 s of the fake clock");
        Assert.NotNull(await read);
        Assert.Equal(2, handler.Seen.Count); // the Start, then one poll that finds it ready: no poll at once
        Assert.True(clock.GetUtcNow() - started >= reports.PollDelay);
    }

    [Fact]
    public async Task TryRead_Throttled_IsNull()
    {
        var reports = Reports(new ScriptedHandler(() => Json("""{"__type":"ThrottlingException","message":"Rate exceeded"}""", HttpStatusCode.BadRequest)));

        Assert.Null(await reports.TryReadAsync(Shard, CancellationToken.None));
    }

    [Fact]
    public async Task TryRead_MotosHtml500Page_IsNull()
    {
        await moto.ResetAsync();
        var reports = new QuotaUtilizationReports(new AwsClients(moto.Options(region: "eu-west-1"), new AwsBackendOptions()), new FakeTimeProvider());

        Assert.Null(await reports.TryReadAsync(Shard, CancellationToken.None));
        Assert.Equal(1, reports.ReportCalls); // an HTML page is not retried: asking again changes nothing
    }

    [Fact]
    public async Task TryRead_AFailedReport_IsNull()
    {
        var reports = Reports(new ScriptedHandler(
            () => Json("""{"ReportId":"qur-1","Status":"PENDING"}"""),
            () => Json("""{"ReportId":"qur-1","Status":"FAILED","ErrorCode":"InternalError","ErrorMessage":"try again"}""")));

        Assert.Null(await reports.TryReadAsync(Shard, CancellationToken.None));
    }

    [Fact]
    public async Task TryRead_TheConnectionFails_IsNull()
    {
        var reports = Reports(new FailingHandler());

        Assert.Null(await reports.TryReadAsync(Shard, CancellationToken.None));
    }

    [Fact]
    public async Task TryRead_Cancelled_Propagates()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var reports = Reports(new ScriptedHandler(Hang(TimeSpan.FromMinutes(1))));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reports.TryReadAsync(Shard, cancelled.Token));
    }

    private const string Completed = """{"ReportId":"qur-1","Status":"COMPLETED","GeneratedAt":1796040005.5,"TotalCount":1,"Quotas":[{"QuotaCode":"L-B99A9384","ServiceCode":"lambda","QuotaName":"q","Namespace":"AWS/Lambda","Utilization":50,"DefaultValue":1000,"AppliedValue":1000,"ServiceName":"lambda","Adjustable":true}]}""";

    [Fact]
    public async Task Prefetch_OncePerRun_StartsTheReportNow_AndTheLaterReaderGetsThatOne()
    {
        var handler = new ScriptedHandler(() => Json("""{"ReportId":"qur-1","Status":"PENDING"}"""), () => Json(Completed));
        var once = new QuotaUtilizationReports(new AwsClients(
            new AwsClientOptions { Region = RegionEndpoint.EUWest1, Credentials = new BasicAWSCredentials("a", "b"), MaxRetries = 0, Transport = handler },
            new AwsBackendOptions()), new FakeTimeProvider()) { OncePerRun = true, PollDelay = TimeSpan.Zero };

        once.Prefetch(Shard, CancellationToken.None);
        var report = await once.TryReadAsync(Shard, CancellationToken.None);

        Assert.Equal(500, report?.Usage[("lambda", "L-B99A9384")]);
        Assert.Equal((1, 2), (once.ReportsStarted, once.ReportCalls)); // one Start, one poll: the reader waited for the prefetched report
        Assert.Equal(2, handler.Seen.Count);
    }

    [Fact]
    public async Task Prefetch_NotOncePerRun_DoesNothing()
    {
        var handler = new ScriptedHandler();
        var reports = Reports(handler);

        reports.Prefetch(Shard, CancellationToken.None);
        await Task.Yield();

        Assert.Equal((0, 0), (reports.ReportsStarted, handler.Seen.Count));
    }

    /// <summary>A connection that cannot be made.</summary>
    private sealed class FailingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new HttpRequestException("Connection refused (servicequotas.eu-west-1.amazonaws.com:443)");
    }
}
