using System.Globalization;
using System.Text.Json.Nodes;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Cadence;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Tests.Fleet;

/// <summary>
/// A fleet shard's run takes applied values from its utilization report (one per run, shared by the quota source and
/// the usage source) and lists only what the report does not cover. moto 5.2.1 serves only GetServiceQuota of Service
/// Quotas (for vpc), so the report, the listings and GetServiceQuota are <see cref="FakeServiceQuotas"/>'s, at the HTTP
/// transport in botocore's wire shapes (its <c>ServeReports</c>: StartQuotaUtilizationReport /
/// GetQuotaUtilizationReport as <c>QuotaUtilizationInfo</c> lines); DynamoDB, CloudWatch and SNS are moto's.
/// </summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class ReportValuesOnMotoTests(MotoServer moto)
{
    private const string Hub = "123456789012";
    private static readonly QuotaKey Vpcs = new("vpc", "L-00000000", "us-east-1");
    private static readonly QuotaKey Gateways = new("vpc", "L-00000001", "us-east-1");
    private static readonly QuotaKey Unmetered = new("ec2", "L-0263D0A3", "us-east-1");

    /// <summary>The metric of one vpc quota: its own Resource dimension, so each quota has its own usage.</summary>
    private static string Metric(string code) =>
        $$"""{"MetricNamespace":"AWS/Usage","MetricName":"ResourceCount","MetricDimensions":{"Class":"None","Resource":"{{code}}","Service":"VPC","Type":"Resource"},"MetricStatisticRecommendation":"Maximum"}""";

    private static async Task<AwsWorld> WorldAsync(MotoServer moto, Dictionary<string, double> usage)
    {
        var world = await AwsWorld.CreateAsync(moto);
        world.Quotas.ServeReports = true;
        world.Quotas.ReportReadyAtStart = true; // the engine's fake clock stands still during a cycle: no poll delay to wait on it
        world.Quotas.Clock = world.Time;
        foreach (var (code, _) in usage) world.Quotas.AddQuota("us-east-1", "vpc", code, 10, Metric(code));
        world.Quotas.AddQuota("us-east-1", "ec2", Unmetered.QuotaCode, 5); // no usage metric: the report does not list it
        // GetMetricData and the report say the same usage: utilization = usage ÷ value.
        world.Quotas.MetricValue = metric => usage.First(u => metric.Contains($"\"{u.Key}\"", StringComparison.Ordinal)).Value;
        world.Quotas.ReportUtilization = code => usage[code] * 10;
        return world;
    }

    private AwsClients Clients(AwsWorld world) => new(moto.Options(world.Quotas), new AwsBackendOptions());

    [Fact]
    public async Task QuotaSource_WithTheRunsReport_TakesCoveredValuesFromIt_AndListsOnlyTheServiceOfAnUncoveredQuota()
    {
        using var world = await WorldAsync(moto, new Dictionary<string, double> { [Vpcs.QuotaCode] = 2, [Gateways.QuotaCode] = 3 });
        world.Quotas.ReportedValue = code => code == Vpcs.QuotaCode ? 12 : null; // raised since the listing's 10: the report is what is read
        using var clients = Clients(world);
        var source = new AwsQuotaSource(clients, new QuotaUtilizationReports(clients, world.Time) { OncePerRun = true, PollDelay = TimeSpan.Zero }, new QuotaDefinitions());

        var quotas = await source.GetQuotasAsync([Vpcs, Gateways, Unmetered], CancellationToken.None);

        Assert.Equal((12, 10, 5), (quotas[Vpcs].Value, quotas[Gateways].Value, quotas[Unmetered].Value));
        Assert.Equal(("vpc quota L-00000000", true, "AWS/Usage", false), (quotas[Vpcs].QuotaName, quotas[Vpcs].Adjustable, quotas[Vpcs].UsageMetric?.MetricNamespace, quotas[Vpcs].UsageMetric?.IsResolved));
        Assert.Null(quotas[Unmetered].UsageMetric);
        Assert.Equal(["StartQuotaUtilizationReport", "GetQuotaUtilizationReport", "ListServiceQuotas"], world.Quotas.Seen.Select(s => s.Target.Split('.')[1]));
        Assert.Contains("\"ServiceCode\":\"ec2\"", world.Quotas.Seen[2].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QuotaSource_WhenTheReportFails_ListsEveryService_AndReadsWhatItReadWithoutTheReport()
    {
        using var world = await WorldAsync(moto, new Dictionary<string, double> { [Vpcs.QuotaCode] = 2, [Gateways.QuotaCode] = 3 });
        world.Quotas.Fault = operation => operation == "GetQuotaUtilizationReport"
            ? new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent("""{"ReportId":"qur-0001","Status":"FAILED","ErrorCode":"InternalError","ErrorMessage":"try again"}""") }
            : null;
        using var clients = Clients(world);
        var withReport = new AwsQuotaSource(clients, new QuotaUtilizationReports(clients, world.Time) { OncePerRun = true, PollDelay = TimeSpan.Zero }, new QuotaDefinitions());

        var fallenBack = await withReport.GetQuotasAsync([Vpcs, Gateways, Unmetered], CancellationToken.None);
        var listings = world.Quotas.Seen.Where(s => s.Target.EndsWith(".ListServiceQuotas", StringComparison.Ordinal)).Select(s => JsonNode.Parse(s.Body)!["ServiceCode"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
        var without = await new AwsQuotaSource(clients).GetQuotasAsync([Vpcs, Gateways, Unmetered], CancellationToken.None);

        Assert.Equal(["ec2", "vpc"], listings);
        Assert.Equal(without.OrderBy(q => q.Key.QuotaCode, StringComparer.Ordinal).Select(q => q.Value with { UsageMetric = null }),
            fallenBack.OrderBy(q => q.Key.QuotaCode, StringComparer.Ordinal).Select(q => q.Value with { UsageMetric = null })); // the metrics' dictionaries compare by reference
        Assert.Equal(without.Select(q => q.Value.UsageMetric?.MetricDimensions.GetValueOrDefault("Resource")), fallenBack.Select(q => q.Value.UsageMetric?.MetricDimensions.GetValueOrDefault("Resource")));
    }

    [Fact]
    public async Task UsageSource_AMetricThatCannotBeResolved_TakesTheRunsReportSample()
    {
        using var world = await WorldAsync(moto, new Dictionary<string, double> { [Vpcs.QuotaCode] = 2 });
        world.Quotas.Fault = operation => operation == "GetServiceQuota" ? FakeServiceQuotas.Error("AccessDeniedException", "not allowed") : null;
        using var clients = Clients(world);
        var report = new QuotaUtilizationReports(clients, world.Time) { OncePerRun = true, PollDelay = TimeSpan.Zero };
        var definitions = new QuotaDefinitions();
        var quota = (await new AwsQuotaSource(clients, report, definitions).GetQuotasAsync([Vpcs], CancellationToken.None))[Vpcs];

        var usage = await new AwsUsageSource(clients, world.Time, report, definitions)
            .GetUsageAsync([new UsageQuery(quota, AwsWorld.Now.AddHours(-1))], AwsWorld.Now, CancellationToken.None);

        Assert.Equal([new UsageSample(AwsWorld.Now, 2)], usage[Vpcs]);
        Assert.Equal((1, 1, 0), (world.Quotas.Calls("StartQuotaUtilizationReport"), world.Quotas.Calls("GetServiceQuota"), world.Quotas.Calls("GetMetricData")));
    }

    [Fact]
    public async Task ShardRuns_ReadOneReportEach_ListNothingTheReportCovers_AndResolveADetailedQuotasMetricOncePerContainer()
    {
        using var world = await WorldAsync(moto, new Dictionary<string, double> { [Vpcs.QuotaCode] = 2, [Gateways.QuotaCode] = 3 });
        using var backend = world.Backend();
        await FullAutoRules.PutAsync(backend, 2); // vpc L-00000000 and L-00000001
        var options = new EngineOptions { Cadence = ReadCadence.Default with { ReportCoversCalm = true }, NewRunNonce = () => Guid.NewGuid().ToString("N")[..8] };
        var runner = new AwsShardRunner(backend, backend.Ports, new TrendForecaster(), world.Time, options, Hub, new Dictionary<string, string>(), accountRate: 1000);
        var shard = new FleetShard("run-1", $"{Hub}/us-east-1", Hub, "us-east-1", [Vpcs.QuotaCode, Gateways.QuotaCode], 1);

        var first = await runner.RunAsync(shard, CancellationToken.None); // every quota backfills: both read in detail
        var afterFirst = (world.Quotas.Calls("GetServiceQuota"), world.Quotas.Calls("GetMetricData"));
        world.Time.Advance(TimeSpan.FromMinutes(5));
        var second = await runner.RunAsync(shard with { FleetRunId = "run-2", Woken = ["vpc/L-00000000"] }, CancellationToken.None); // one woken: in detail again

        Assert.Equal(("ok", "ok"), (first.Status, second.Status));
        Assert.Equal((2, 2), (world.Quotas.Calls("StartQuotaUtilizationReport"), world.Quotas.Calls("GetQuotaUtilizationReport"))); // one report a run, shared by both sources
        Assert.Equal(0, world.Quotas.Calls("ListServiceQuotas"));
        Assert.Equal((2, 2), afterFirst); // each metric resolved once; both backfilled in two GetMetricData calls (hourly maxima, then the last day at 5 minutes)
        Assert.Equal((2, 3), (world.Quotas.Calls("GetServiceQuota"), world.Quotas.Calls("GetMetricData"))); // the woken quota's metric came from the container's definitions
        Assert.Equal(2, backend.QuotaDefinitions.Resolutions);
        var resolved = world.Quotas.Seen.Last(s => s.Target.EndsWith(".GetMetricData", StringComparison.Ordinal)).Body;
        Assert.Contains("\"Value\":\"L-00000000\"", resolved, StringComparison.Ordinal);
        Assert.DoesNotContain("L-00000001", resolved, StringComparison.Ordinal); // the calm one took the report
    }

    [Fact]
    public async Task Decisions_WithAndWithoutTheReportPath_AreTheSame_RuleByRule()
    {
        var usage = new Dictionary<string, double> { ["L-00000000"] = 1, ["L-00000001"] = 5, ["L-00000002"] = 7.2, ["L-00000003"] = 8.1, ["L-00000004"] = 9.6, ["L-00000005"] = 10.4 };

        var without = await CyclesAsync(usage, reportValues: false);
        var with = await CyclesAsync(usage, reportValues: true);

        Assert.Equal(12, without.Count);
        Assert.Contains(without, d => d.Contains("RequestIncrease", StringComparison.Ordinal)); // not all quiet: the comparison covers requests too
        Assert.Equal(without, with);
    }

    /// <summary>Two cycles (a backfill, then 5 minutes later with calm quotas from the report): each rule's decision, as text.</summary>
    private async Task<List<string>> CyclesAsync(Dictionary<string, double> usage, bool reportValues)
    {
        using var world = await WorldAsync(moto, usage);
        using var backend = world.Backend();
        await FullAutoRules.PutAsync(backend, usage.Count);
        using var clients = Clients(world);
        var decisions = new List<string>();
        for (var cycle = 0; cycle < 2; cycle++)
        {
            var report = new QuotaUtilizationReports(clients, world.Time) { OncePerRun = true, PollDelay = TimeSpan.Zero };
            var definitions = backend.QuotaDefinitions;
            var ports = backend.Ports with
            {
                Quotas = reportValues ? new AwsQuotaSource(clients, report, definitions) : new AwsQuotaSource(clients),
                Usage = reportValues ? new AwsUsageSource(clients, world.Time, report, definitions) : new AwsUsageSource(clients, world.Time),
            };
            var engine = new AutomationEngine(ports, new TrendForecaster(), world.Time,
                new EngineOptions { Cadence = ReadCadence.Default with { ReportCoversCalm = true }, NewRunNonce = () => string.Create(CultureInfo.InvariantCulture, $"{cycle:D8}") });
            var result = await engine.RunCycleAsync(CancellationToken.None);
            decisions.AddRange(result.Rules.OrderBy(r => r.Decision.RuleId, StringComparer.Ordinal).Select(r => $"{r.Decision}"));
            world.Time.Advance(TimeSpan.FromMinutes(5));
        }
        return decisions;
    }
}
