using System.Globalization;
using System.Text.Json.Nodes;
using Amazon;
using Amazon.Runtime;
using Microsoft.Extensions.Time.Testing;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Forecasting;

namespace QuotaAutomation.Aws.Tests.Reliability;

/// <summary>
/// A realistic account behind a <see cref="FaultProxy"/>: 20 rules over six services and three Regions on moto
/// (DynamoDB, CloudWatch, SNS) with Service Quotas from <see cref="FakeServiceQuotas"/> (moto lacks it), the clients
/// sending everything to the proxy over real loopback sockets, with the production retry count (4).
/// </summary>
public sealed class FaultWorld : IDisposable
{
    public static readonly DateTimeOffset Now = AwsWorld.Now;

    /// <summary>
    /// One attempt's limit; a <see cref="FaultKind.Delay"/> holds its reply longer than this. 3 s, not less: moto's
    /// GetMetricData over 20 metrics takes over 700 ms when the machine is loaded, and a shorter limit fails it for real.
    /// </summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(3);

    public const int MaxRetries = 4;

    public static readonly string[] Regions = ["us-east-1", "eu-west-1", "ap-southeast-2"];

    private readonly MotoServer _moto;

    private FaultWorld(MotoServer moto, FakeServiceQuotas quotas, FaultProxy proxy, string topicArn)
    {
        _moto = moto;
        Quotas = quotas;
        Proxy = proxy;
        TopicArn = topicArn;
    }

    public FakeServiceQuotas Quotas { get; }

    public FaultProxy Proxy { get; }

    public string TopicArn { get; }

    public FakeTimeProvider Time { get; } = new(Now);

    /// <summary>The rules: (rule id, service, quota code, Region, level, quota value, usage).</summary>
    public static readonly IReadOnlyList<(string Id, string Service, string Code, string Region, string Level, double Value, double Usage)> RuleSet =
    [
        ("ec2-vcpu-use1", "ec2", "L-1216C47A", "us-east-1", "full_auto", 256, 250),        // critical: files
        ("ec2-eip-use1", "ec2", "L-0263D0A3", "us-east-1", "alert_only", 5, 3),
        ("vpc-use1", "vpc", "L-F678F1CE", "us-east-1", "full_auto", 5, 4.6),               // critical: files
        ("vpc-igw-use1", "vpc", "L-A4707A72", "us-east-1", "monitor_only", 5, 2),
        ("lambda-conc-use1", "lambda", "L-B99A9384", "us-east-1", "full_auto", 1000, 990), // third in the Region: held by AWS's 2 open requests
        ("dynamodb-tables-use1", "dynamodb", "L-F98FE922", "us-east-1", "alert_only", 2500, 2200),
        ("elb-alb-use1", "elasticloadbalancing", "L-53DA6B97", "us-east-1", "alert_only", 50, 20),
        ("ec2-vcpu-euw1", "ec2", "L-1216C47A", "eu-west-1", "full_auto", 128, 126),        // critical: files
        ("ec2-eip-euw1", "ec2", "L-0263D0A3", "eu-west-1", "alert_only", 5, 4.5),
        ("vpc-euw1", "vpc", "L-F678F1CE", "eu-west-1", "alert_only", 5, 1),
        ("lambda-conc-euw1", "lambda", "L-B99A9384", "eu-west-1", "full_auto", 1000, 300),
        ("rds-inst-euw1", "rds", "L-7B6409FD", "eu-west-1", "full_auto", 40, 39),          // critical: files
        ("dynamodb-tables-euw1", "dynamodb", "L-F98FE922", "eu-west-1", "monitor_only", 2500, 100),
        ("elb-alb-euw1", "elasticloadbalancing", "L-53DA6B97", "eu-west-1", "alert_only", 50, 44),
        ("ec2-vcpu-apse2", "ec2", "L-1216C47A", "ap-southeast-2", "full_auto", 64, 20),
        ("vpc-apse2", "vpc", "L-F678F1CE", "ap-southeast-2", "full_auto", 5, 5),          // at the quota: files
        ("lambda-conc-apse2", "lambda", "L-B99A9384", "ap-southeast-2", "alert_only", 1000, 950),
        ("rds-inst-apse2", "rds", "L-7B6409FD", "ap-southeast-2", "alert_only", 40, 10),
        ("dynamodb-tables-apse2", "dynamodb", "L-F98FE922", "ap-southeast-2", "alert_only", 2500, 2400),
        ("elb-alb-apse2", "elasticloadbalancing", "L-53DA6B97", "ap-southeast-2", "full_auto", 50, 49), // third in the Region: held
    ];

    public static async Task<FaultWorld> CreateAsync(MotoServer moto, int seed)
    {
        await moto.ResetAsync();
        var quotas = new FakeServiceQuotas(new SocketsHttpHandler());
        var proxy = new FaultProxy(quotas, moto.Endpoint, seed, AttemptTimeout + TimeSpan.FromMilliseconds(500));
        using var sns = new AwsTransport(moto.Options(), "sns", "sns");
        var reply = await sns.QueryAsync("2010-03-31", "CreateTopic", [new("Name", "quota-alerts")], CancellationToken.None);
        var world = new FaultWorld(moto, quotas, proxy, reply.Descendants().First(e => e.Name.LocalName == "TopicArn").Value);
        foreach (var r in RuleSet)
        {
            var metric = Metric(r.Service, r.Code);
            quotas.AddQuota(r.Region, r.Service, r.Code, r.Value, metric);
            await world.PutUsageAsync(r.Region, metric, r.Usage);
        }
        using var backend = world.Backend();
        await backend.InitAsync(CancellationToken.None);
        foreach (var r in RuleSet)
            await backend.Rules.PutAsync(new Dictionary<string, object?>
            {
                ["rule_id"] = r.Id, ["service_code"] = r.Service, ["quota_code"] = r.Code, ["region"] = r.Region, ["automation_level"] = r.Level,
            }, CancellationToken.None);
        return world;
    }

    /// <summary>Clients that reach AWS only through the proxy, over sockets, as in production but for the endpoint.</summary>
    public AwsClientOptions ClientOptions() => new()
    {
        Region = RegionEndpoint.USEast1,
        Credentials = new BasicAWSCredentials("testing", "testing"),
        EndpointUrl = Proxy.Endpoint,
        AttemptTimeout = AttemptTimeout,
        MaxRetries = MaxRetries,
        BaseDelay = TimeSpan.FromMilliseconds(5),
        Randomizer = new Random(7).NextDouble,
    };

    public AwsBackend Backend() => new(ClientOptions(), new AwsBackendOptions { AlertTopicArn = TopicArn });

    public AutomationEngine Engine(AwsBackend backend, string nonce) =>
        new(backend.Ports, new TrendForecaster(), Time, new EngineOptions { NewRunNonce = () => nonce });

    private static string Metric(string service, string code) =>
        $$"""{"MetricNamespace":"AWS/Usage","MetricName":"ResourceCount","MetricDimensions":{"Class":"None","Resource":"{{code}}","Service":"{{service}}","Type":"Resource"},"MetricStatisticRecommendation":"Maximum"}""";

    /// <summary>A steady usage, one point per 5 minutes from 2 h before the start to 1 h after it, so every cycle sees new points.</summary>
    private async Task PutUsageAsync(string region, string metricJson, double value)
    {
        using var cloudWatch = new AwsTransport(_moto.Options(region: region), "monitoring", "monitoring");
        var metric = JsonNode.Parse(metricJson)!;
        var dimensions = new JsonArray(metric["MetricDimensions"]!.AsObject().Select(d => (JsonNode)new JsonObject { ["Name"] = d.Key, ["Value"] = (string?)d.Value }).ToArray());
        var data = new JsonArray();
        for (var t = Now - TimeSpan.FromHours(2); t <= Now + TimeSpan.FromHours(1); t += TimeSpan.FromMinutes(5))
            data.Add(new JsonObject { ["MetricName"] = (string?)metric["MetricName"], ["Dimensions"] = dimensions.DeepClone(), ["Timestamp"] = t.ToUnixTimeSeconds(), ["Value"] = value });
        foreach (var chunk in data.Chunk(20))
        {
            var body = new JsonObject { ["Namespace"] = (string?)metric["MetricNamespace"], ["MetricData"] = new JsonArray(chunk.Select(n => n!.DeepClone()).ToArray()) };
            (await cloudWatch.JsonAsync("1.0", "GraniteServiceVersion20100801", "PutMetricData", body, AwsJson.Pascal, CancellationToken.None)).Dispose();
        }
    }

    public static string Num(double v) => v.ToString(CultureInfo.InvariantCulture);

    public void Dispose()
    {
        Proxy.Dispose();
        Quotas.Dispose();
    }
}
