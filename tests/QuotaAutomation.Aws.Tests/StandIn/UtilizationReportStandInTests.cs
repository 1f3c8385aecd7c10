using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Cli.StandIn;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Local;
using QuotaAutomation.Local.Simulation;

namespace QuotaAutomation.Aws.Tests.StandIn;

/// <summary>
/// The simulated account's utilization report, through serve-quotas' stand-in (moto has neither operation): replies in
/// botocore's output shapes, fullest first, paged, gone after 15 minutes; and the report path of the account's usage
/// source, which the CLI's embedded cycles take for quotas whose detail is not due.
/// </summary>
public sealed class UtilizationReportStandInTests : IDisposable
{
    private static readonly BotocoreModel Model = BotocoreModel.Load("service-quotas");
    private readonly string _folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "qa-report-" + Guid.NewGuid().ToString("N"))).FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private async Task<SimulatedAccount> AccountAsync()
    {
        var simulation = new SimulationOptions { DenyProbability = 0 };
        var backend = await EmbeddedBackend.OpenAsync(Path.Combine(_folder, "report.db"), new EmbeddedOptions { Simulation = simulation, SampleRules = false }, _time, CancellationToken.None);
        return new SimulatedAccount(backend.Database, _time, simulation, _time.GetUtcNow());
    }

    private static async Task<JsonElement> CallAsync(ServiceQuotasStandIn standIn, string operation, string body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var (status, reply) = await standIn.HandleAsync(ServiceQuotasStandIn.TargetPrefix + operation, body, BuiltInAccount.Region, CancellationToken.None);
        Assert.True(expected == status, $"{operation}: HTTP {(int)status} {reply}");
        if (status == HttpStatusCode.OK) Assert.Empty(Model.CheckOutput(operation, reply));
        return JsonDocument.Parse(reply).RootElement.Clone();
    }

    [Fact]
    public async Task TheReport_IsStartedPending_ThenReadCompleted_FullestFirst_InPages()
    {
        var standIn = new ServiceQuotasStandIn(await AccountAsync(), BuiltInAccount.Region);

        var started = await CallAsync(standIn, "StartQuotaUtilizationReport", "{}");
        var id = started.GetProperty("ReportId").GetString();
        var first = await CallAsync(standIn, "GetQuotaUtilizationReport", $$"""{"ReportId":"{{id}}","MaxResults":2}""");
        var rest = await CallAsync(standIn, "GetQuotaUtilizationReport", $$"""{"ReportId":"{{id}}","MaxResults":1000,"NextToken":"{{first.GetProperty("NextToken").GetString()}}"}""");

        var utilizations = first.GetProperty("Quotas").EnumerateArray().Concat(rest.GetProperty("Quotas").EnumerateArray()).Select(q => q.GetProperty("Utilization").GetDouble()).ToList();
        Assert.Equal(("PENDING", "COMPLETED"), (started.GetProperty("Status").GetString(), first.GetProperty("Status").GetString()));
        Assert.Equal(first.GetProperty("TotalCount").GetInt32(), utilizations.Count);
        Assert.Equal(utilizations.OrderDescending(), utilizations);
        Assert.False(rest.TryGetProperty("NextToken", out _));
    }

    [Fact]
    public async Task AReportOlderThan15Minutes_IsGone()
    {
        var standIn = new ServiceQuotasStandIn(await AccountAsync(), BuiltInAccount.Region);
        var id = (await CallAsync(standIn, "StartQuotaUtilizationReport", "{}")).GetProperty("ReportId").GetString();
        _time.Advance(TimeSpan.FromMinutes(16));

        var gone = await CallAsync(standIn, "GetQuotaUtilizationReport", $$"""{"ReportId":"{{id}}"}""", HttpStatusCode.BadRequest);

        Assert.Equal($"The report {id} does not exist or has expired (reports are deleted after 15 minutes).", gone.GetProperty("message").GetString());
    }

    [Fact]
    public async Task NonDetailedQueries_TakeTheReportsUsage_AndAreNotCountedAsMetrics()
    {
        var account = await AccountAsync();
        var quota = (await account.ListQuotasAsync(CancellationToken.None)).First(q => q.Info.UsageMetric is not null);
        var now = _time.GetUtcNow();

        var detailed = await account.GetUsageAsync([new UsageQuery(quota.Info, now.AddMinutes(-30))], now, CancellationToken.None);
        var reported = await account.GetUsageAsync([new UsageQuery(quota.Info, now.AddMinutes(-30)) { Detailed = false }], now, CancellationToken.None);

        Assert.Equal(6, detailed[quota.Info.Key].Count);
        var (newest, fromReport) = (detailed[quota.Info.Key][^1], Assert.Single(reported[quota.Info.Key]));
        Assert.Equal(newest.Timestamp, fromReport.Timestamp); // the newest point, as the report has it (utilization × applied value)
        Assert.Equal(newest.Value, fromReport.Value, 9);
        Assert.Equal((1, 1), (account.MetricsRequested, account.ReportLinesRead));
    }
}
