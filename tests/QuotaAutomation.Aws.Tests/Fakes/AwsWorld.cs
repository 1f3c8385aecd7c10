using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Forecasting;

namespace QuotaAutomation.Aws.Tests.Fakes;

/// <summary>
/// One test's AWS: moto_server for DynamoDB, CloudWatch and SNS (reset first), with Service Quotas answered by
/// <see cref="FakeServiceQuotas"/> at the HTTP transport, since moto lacks most of it.
/// </summary>
public sealed class AwsWorld : IDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    public const string Ec2Metric = """{"MetricNamespace":"AWS/Usage","MetricName":"ResourceCount","MetricDimensions":{"Class":"Standard/OnDemand","Resource":"vCPU","Service":"EC2","Type":"Resource"},"MetricStatisticRecommendation":"Maximum"}""";
    public const string VpcMetric = """{"MetricNamespace":"AWS/Usage","MetricName":"ResourceCount","MetricDimensions":{"Class":"None","Resource":"VPC","Service":"VPC","Type":"Resource"},"MetricStatisticRecommendation":"Maximum"}""";

    private readonly MotoServer _moto;
    private readonly AwsTransport _cloudWatch;
    private readonly AwsTransport _sns;

    private AwsWorld(MotoServer moto, FakeServiceQuotas quotas, string topicArn)
    {
        _moto = moto;
        Quotas = quotas;
        TopicArn = topicArn;
        _cloudWatch = new AwsTransport(moto.Options(), "monitoring", "monitoring");
        _sns = new AwsTransport(moto.Options(), "sns", "sns");
    }

    public FakeServiceQuotas Quotas { get; }

    public string TopicArn { get; }

    public FakeTimeProvider Time { get; } = new(Now);

    public static async Task<AwsWorld> CreateAsync(MotoServer moto)
    {
        await moto.ResetAsync();
        var quotas = new FakeServiceQuotas(new SocketsHttpHandler());
        using var sns = new AwsTransport(moto.Options(), "sns", "sns");
        var reply = await sns.QueryAsync("2010-03-31", "CreateTopic", [new("Name", "quota-alerts")], CancellationToken.None);
        var topic = reply.Descendants().First(e => e.Name.LocalName == "TopicArn").Value;
        var world = new AwsWorld(moto, quotas, topic);
        using var backend = world.Backend();
        await backend.InitAsync(CancellationToken.None);
        return world;
    }

    public AwsBackend Backend() => new(_moto.Options(Quotas), new AwsBackendOptions { AlertTopicArn = TopicArn });

    public AutomationEngine Engine(AwsBackend backend) =>
        new(backend.Ports, new TrendForecaster(), Time, new EngineOptions { NewRunNonce = () => Guid.NewGuid().ToString("N")[..8] });

    /// <summary>Writes usage points to moto's CloudWatch (PutMetricData over JSON 1.0), one per 5 minutes up to now.</summary>
    public async Task PutUsageAsync(string metricJson, double value, TimeSpan span)
    {
        var metric = JsonNode.Parse(metricJson)!;
        var dimensions = new JsonArray(metric["MetricDimensions"]!.AsObject().Select(d => (JsonNode)new JsonObject { ["Name"] = d.Key, ["Value"] = (string?)d.Value }).ToArray());
        var data = new JsonArray();
        for (var t = Now - span; t <= Now; t += TimeSpan.FromMinutes(5))
            data.Add(new JsonObject { ["MetricName"] = (string?)metric["MetricName"], ["Dimensions"] = dimensions.DeepClone(), ["Timestamp"] = t.ToUnixTimeSeconds(), ["Value"] = value });
        foreach (var chunk in data.Chunk(20))
        {
            var body = new JsonObject { ["Namespace"] = (string?)metric["MetricNamespace"], ["MetricData"] = new JsonArray(chunk.Select(n => n!.DeepClone()).ToArray()) };
            (await _cloudWatch.JsonAsync("1.0", "GraniteServiceVersion20100801", "PutMetricData", body, AwsJson.Pascal, CancellationToken.None)).Dispose();
        }
    }

    /// <summary>Messages published to the topic, as moto records them.</summary>
    public static string Number(double v) => v.ToString(CultureInfo.InvariantCulture);

    public void Dispose()
    {
        _cloudWatch.Dispose();
        _sns.Dispose();
        Quotas.Dispose();
    }
}
