using System.Text.Json.Nodes;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Tests;

/// <summary>
/// A first read's 14-day backfill asks GetMetricData for the part older than the last day as hourly maxima and the last
/// day at 5 minutes, on moto 5.2.1's CloudWatch (which aggregates per <c>Period</c> from <c>StartTime</c> and computes
/// the <c>Stat</c>, as CloudWatch does; it never pages, so paging is tested on the counting fake).
/// </summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class BackfillOnMotoTests(MotoServer moto)
{
    private static readonly DateTimeOffset Now = AwsWorld.Now;
    private static readonly DateTimeOffset From = Now - TimeSpan.FromDays(14);
    private static readonly DateTimeOffset Spike = From + TimeSpan.FromDays(4) + TimeSpan.FromMinutes(40); // in the hourly part

    /// <summary>Records each GetMetricData request body, then lets moto answer it.</summary>
    private sealed class Recorder() : DelegatingHandler(new SocketsHttpHandler())
    {
        public List<JsonObject> MetricRequests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Headers.TryGetValues("X-Amz-Target", out var target) && target.Single().EndsWith(".GetMetricData", StringComparison.Ordinal))
                MetricRequests.Add(JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!.AsObject());
            return await base.SendAsync(request, cancellationToken);
        }
    }

    [Fact]
    public async Task Backfill_TwoMetricsAQuota_HourlyMaximaBeyondTheLastDay_FiveMinutesWithin()
    {
        await moto.ResetAsync();
        await PutAsync(t => t == Spike ? 900 : 100 + t.Minute % 7);
        using var recorder = new Recorder();
        var source = new AwsUsageSource(new AwsClients(moto.Options(recorder), new AwsBackendOptions()));
        var quota = new QuotaInfo(new QuotaKey("vpc", "L-F678F1CE", "us-east-1"), "VPCs", 1000, true, "None",
            new UsageMetric("AWS/Usage", "ResourceCount", new Dictionary<string, string> { ["Service"] = "VPC", ["Type"] = "Resource", ["Resource"] = "VPC", ["Class"] = "None" }, "Maximum"));

        var samples = (await source.GetUsageAsync([new UsageQuery(quota, From)], Now, CancellationToken.None))[quota.Key];

        var split = From + TimeSpan.FromMinutes(5) + TimeSpan.FromHours(311);
        Assert.Equal(2, source.MetricsRequested);
        Assert.Equal(
            [(From + TimeSpan.FromMinutes(5), split, 3600, "Maximum"), (split, Now, 300, "Maximum")],
            recorder.MetricRequests.Select(r => (
                DateTimeOffset.FromUnixTimeSeconds((long)(double)r["StartTime"]!), DateTimeOffset.FromUnixTimeSeconds((long)(double)r["EndTime"]!),
                (int)r["MetricDataQueries"]![0]!["MetricStat"]!["Period"]!, (string)r["MetricDataQueries"]![0]!["MetricStat"]!["Stat"]!)).ToList());
        var hourly = samples.Where(s => s.Timestamp < split).ToList();
        var fine = samples.Where(s => s.Timestamp >= split).ToList();
        Assert.Equal((311, 299), (hourly.Count, fine.Count)); // 610 samples (moto leaves out the period at EndTime) instead of 4,032
        Assert.All(hourly.Zip(hourly.Skip(1)), p => Assert.Equal(TimeSpan.FromHours(1), p.Second.Timestamp - p.First.Timestamp));
        Assert.All(fine.Zip(fine.Skip(1)), p => Assert.Equal(TimeSpan.FromMinutes(5), p.Second.Timestamp - p.First.Timestamp));
        var spikeHour = hourly.Last(s => s.Timestamp <= Spike);
        Assert.Equal(900, spikeHour.Value); // the hour's maximum keeps the 5-minute spike
        Assert.All(hourly.Where(s => s != spikeHour), s => Assert.Equal(106, s.Value)); // each hour's highest of 100 + minute % 7
        Assert.Equal(fine.Select(s => 100.0 + s.Timestamp.Minute % 7), fine.Select(s => s.Value)); // the last day's detail
    }

    /// <summary>14 days of 5-minute points up to now on moto's CloudWatch.</summary>
    private async Task PutAsync(Func<DateTimeOffset, double> value)
    {
        using var cloudWatch = new AwsTransport(moto.Options(), "monitoring", "monitoring");
        var dimensions = new JsonArray(new JsonObject { ["Name"] = "Class", ["Value"] = "None" }, new JsonObject { ["Name"] = "Resource", ["Value"] = "VPC" },
            new JsonObject { ["Name"] = "Service", ["Value"] = "VPC" }, new JsonObject { ["Name"] = "Type", ["Value"] = "Resource" });
        var data = new List<JsonNode>();
        for (var t = From; t <= Now; t += TimeSpan.FromMinutes(5))
            data.Add(new JsonObject { ["MetricName"] = "ResourceCount", ["Dimensions"] = dimensions.DeepClone(), ["Timestamp"] = t.ToUnixTimeSeconds(), ["Value"] = value(t) });
        foreach (var chunk in data.Chunk(1000))
        {
            var body = new JsonObject { ["Namespace"] = "AWS/Usage", ["MetricData"] = new JsonArray(chunk.Select(n => n.DeepClone()).ToArray()) };
            (await cloudWatch.JsonAsync("1.0", "GraniteServiceVersion20100801", "PutMetricData", body, AwsJson.Pascal, CancellationToken.None)).Dispose();
        }
    }
}
