using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Cli.StandIn;
using QuotaAutomation.Local;
using QuotaAutomation.Local.Simulation;

namespace QuotaAutomation.Aws.Tests.StandIn;

/// <summary>
/// serve-quotas' Service Quotas stand-in (for what moto_server lacks): every reply of every operation the aws backend
/// calls conforms to botocore's service-quotas output shapes, errors are the operation's own error shapes, and the
/// simulated account's rules hold (one open request per quota, a decision after the approval delay).
/// </summary>
public sealed class ServiceQuotasStandInTests : IDisposable
{
    private static readonly BotocoreModel Model = BotocoreModel.Load("service-quotas");
    private readonly string _folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "qa-standin-" + Guid.NewGuid().ToString("N"))).FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private async Task<ServiceQuotasStandIn> StandInAsync()
    {
        var simulation = new SimulationOptions { ApprovalDelay = TimeSpan.FromMinutes(1), DenyProbability = 0 };
        var backend = await EmbeddedBackend.OpenAsync(Path.Combine(_folder, "standin.db"), new EmbeddedOptions { Simulation = simulation, SampleRules = false }, _time, CancellationToken.None);
        return new ServiceQuotasStandIn(new SimulatedAccount(backend.Database, _time, simulation, _time.GetUtcNow()), BuiltInAccount.Region);
    }

    private static async Task<JsonElement> CallAsync(ServiceQuotasStandIn standIn, string operation, string body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var (status, reply) = await standIn.HandleAsync(ServiceQuotasStandIn.TargetPrefix + operation, body, "us-east-1", CancellationToken.None);
        Assert.True(expected == status, $"{operation}: HTTP {(int)status} {reply}");
        if (status == HttpStatusCode.OK) Assert.Empty(Model.CheckOutput(operation, reply));
        return JsonDocument.Parse(reply).RootElement.Clone();
    }

    [Fact]
    public async Task EveryOperation_AnswersInBotocoresOutputShape()
    {
        var standIn = await StandInAsync();

        var listed = await CallAsync(standIn, "ListServiceQuotas", """{"ServiceCode":"ec2"}""");
        var one = await CallAsync(standIn, "GetServiceQuota", """{"ServiceCode":"vpc","QuotaCode":"L-F678F1CE"}""");
        await CallAsync(standIn, "GetAWSDefaultServiceQuota", """{"ServiceCode":"vpc","QuotaCode":"L-F678F1CE"}""");
        await CallAsync(standIn, "ListAWSDefaultServiceQuotas", """{"ServiceCode":"lambda"}""");
        var filed = await CallAsync(standIn, "RequestServiceQuotaIncrease", """{"ServiceCode":"vpc","QuotaCode":"L-F678F1CE","DesiredValue":10}""");
        var id = filed.GetProperty("RequestedQuota").GetProperty("Id").GetString();
        await CallAsync(standIn, "GetRequestedServiceQuotaChange", $$"""{"RequestId":"{{id}}"}""");
        var history = await CallAsync(standIn, "ListRequestedServiceQuotaChangeHistoryByQuota", """{"ServiceCode":"vpc","QuotaCode":"L-F678F1CE"}""");
        await CallAsync(standIn, "ListRequestedServiceQuotaChangeHistory", """{"ServiceCode":"vpc"}""");
        await CallAsync(standIn, "CreateSupportCase", $$"""{"RequestId":"{{id}}"}""");

        Assert.Equal(["L-0263D0A3", "L-1216C47A", "L-DB2E81BA"], listed.GetProperty("Quotas").EnumerateArray().Select(q => q.GetProperty("QuotaCode").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(("VPCs per Region", 5.0, "AWS/Usage"), (one.GetProperty("Quota").GetProperty("QuotaName").GetString(), one.GetProperty("Quota").GetProperty("Value").GetDouble(),
            one.GetProperty("Quota").GetProperty("UsageMetric").GetProperty("MetricNamespace").GetString()));
        Assert.Equal("PENDING", filed.GetProperty("RequestedQuota").GetProperty("Status").GetString());
        Assert.Equal(id, history.GetProperty("RequestedQuotas")[0].GetProperty("Id").GetString());
    }

    [Fact]
    public async Task ARequest_IsDecidedAfterTheDelay_AndASecondOneForTheQuota_IsRefusedAsAwsRefusesIt()
    {
        var standIn = await StandInAsync();
        await CallAsync(standIn, "RequestServiceQuotaIncrease", """{"ServiceCode":"vpc","QuotaCode":"L-F678F1CE","DesiredValue":10}""");

        var second = await CallAsync(standIn, "RequestServiceQuotaIncrease", """{"ServiceCode":"vpc","QuotaCode":"L-F678F1CE","DesiredValue":12}""", HttpStatusCode.BadRequest);
        _time.Advance(TimeSpan.FromMinutes(2));
        var after = await CallAsync(standIn, "GetServiceQuota", """{"ServiceCode":"vpc","QuotaCode":"L-F678F1CE"}""");

        Assert.Equal("ResourceAlreadyExistsException", second.GetProperty("__type").GetString());
        Assert.Contains("ResourceAlreadyExistsException", Model.Errors("RequestServiceQuotaIncrease"));
        Assert.Equal(10, after.GetProperty("Quota").GetProperty("Value").GetDouble());
    }

    [Theory]
    [InlineData("GetServiceQuota", """{"ServiceCode":"vpc","QuotaCode":"L-00000000"}""", "NoSuchResourceException", "The request failed because the specified service quota vpc/L-00000000 does not exist in us-east-1.")]
    [InlineData("GetServiceQuota", """{"ServiceCode":"vpc"}""", "ValidationException", "1 validation error detected: Value at 'quotaCode' failed to satisfy constraint: Member must not be null")]
    [InlineData("GetRequestedServiceQuotaChange", """{"RequestId":"sim-999999"}""", "NoSuchResourceException", "The request sim-999999 does not exist.")]
    [InlineData("PutServiceQuotaIncreaseRequestIntoTemplate", "{}", "UnknownOperationException", "the stand-in does not serve 'ServiceQuotasV20190624.PutServiceQuotaIncreaseRequestIntoTemplate'")]
    public async Task BadCalls_AnswerTheOperationsOwnErrors(string operation, string body, string error, string message)
    {
        var standIn = await StandInAsync();

        var reply = await CallAsync(standIn, operation, body, HttpStatusCode.BadRequest);

        Assert.Equal((error, message), (reply.GetProperty("__type").GetString(), reply.GetProperty("message").GetString()));
    }

    [Fact]
    public void TheCallersRegion_IsReadFromTheSignaturesCredentialScope()
    {
        Assert.Equal("eu-west-1", ServiceQuotasStandIn.RegionOf("AWS4-HMAC-SHA256 Credential=testing/20261130/eu-west-1/servicequotas/aws4_request, SignedHeaders=host, Signature=00"));
        Assert.Null(ServiceQuotasStandIn.RegionOf(null));
    }
}
