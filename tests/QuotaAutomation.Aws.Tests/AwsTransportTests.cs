using System.Net;
using Amazon;
using Amazon.Runtime;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Aws.Tests.Fakes;
using static QuotaAutomation.Aws.Tests.Fakes.ScriptedHandler;

namespace QuotaAutomation.Aws.Tests;

public class AwsTransportTests
{
    private static ServiceQuotasClient Client(ScriptedHandler handler, int retries = 3, TimeSpan? timeout = null) => new(new AwsClientOptions
    {
        Region = RegionEndpoint.EUWest1,
        Credentials = new BasicAWSCredentials("AKIDEXAMPLE", "secret"),
        MaxRetries = retries,
        BaseDelay = TimeSpan.FromMilliseconds(1),
        Randomizer = new Random(3).NextDouble,
        AttemptTimeout = timeout ?? TimeSpan.FromSeconds(5),
        Transport = handler,
    });

    private static readonly GetServiceQuotaRequest Vpcs = new("vpc", "L-F678F1CE");
    private const string QuotaReply = """{"Quota":{"ServiceCode":"vpc","QuotaCode":"L-F678F1CE","QuotaName":"VPCs per Region","Value":5.0,"Adjustable":true,"Unit":"None"}}""";

    [Fact]
    public async Task Request_IsSignedJson11WithTheOperationTarget()
    {
        var handler = new ScriptedHandler(() => Json(QuotaReply));

        await Client(handler).GetServiceQuotaAsync(Vpcs, CancellationToken.None);

        var seen = Assert.Single(handler.Seen);
        Assert.Equal("https://servicequotas.eu-west-1.amazonaws.com/", seen.Uri);
        Assert.Equal("ServiceQuotasV20190624.GetServiceQuota", seen.Target);
        Assert.Equal("application/x-amz-json-1.1", seen.ContentType);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(seen.Authorization, @"^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\d{8}/eu-west-1/servicequotas/aws4_request, SignedHeaders=.*x-amz-date.*, Signature=[0-9a-f]{64}$"), $"Authorization: {seen.Authorization}");
        Assert.Equal("""{"ServiceCode":"vpc","QuotaCode":"L-F678F1CE"}""", seen.Body);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, """{"__type":"ThrottlingException","message":"Rate exceeded"}""")]
    [InlineData(HttpStatusCode.TooManyRequests, """{"__type":"com.amazonaws.servicequotas#TooManyRequestsException","message":"slow down"}""")]
    [InlineData(HttpStatusCode.InternalServerError, """{"__type":"ServiceException","message":"oops"}""")]
    [InlineData(HttpStatusCode.ServiceUnavailable, "")]
    public async Task TransientError_IsRetriedAndThenSucceeds(HttpStatusCode status, string body)
    {
        var handler = new ScriptedHandler(() => Json(body, status), () => Json(body, status), () => Json(QuotaReply));

        var reply = await Client(handler).GetServiceQuotaAsync(Vpcs, CancellationToken.None);

        Assert.Equal(5, reply.Quota!.Value);
        Assert.Equal(3, handler.Seen.Count);
    }

    [Fact]
    public async Task ClientError_IsNotRetried_AndBecomesItsTypedException()
    {
        var handler = new ScriptedHandler(() => Json("""{"__type":"IllegalArgumentException","message":"DesiredValue must be greater"}""", HttpStatusCode.BadRequest));

        var error = await Assert.ThrowsAsync<Clients.IllegalArgumentException>(() => Client(handler).GetServiceQuotaAsync(Vpcs, CancellationToken.None));

        Assert.Single(handler.Seen);
        Assert.Equal("GetServiceQuota: IllegalArgumentException: DesiredValue must be greater", error.Message);
    }

    [Fact]
    public async Task PersistentThrottling_GivesUpAfterTheRetries()
    {
        var handler = new ScriptedHandler { Otherwise = _ => Json("""{"__type":"ThrottlingException","message":"Rate exceeded"}""", HttpStatusCode.BadRequest) };

        await Assert.ThrowsAsync<ThrottlingException>(() => Client(handler, retries: 3).GetServiceQuotaAsync(Vpcs, CancellationToken.None));

        Assert.Equal(4, handler.Seen.Count);
    }

    [Fact]
    public async Task SlowReply_TimesOutEachAttemptAndIsRetried()
    {
        var handler = new ScriptedHandler(Hang(TimeSpan.FromMilliseconds(400)), () => Json(QuotaReply));

        var reply = await Client(handler, timeout: TimeSpan.FromMilliseconds(100)).GetServiceQuotaAsync(Vpcs, CancellationToken.None);

        Assert.Equal(5, reply.Quota!.Value);
        Assert.Equal(2, handler.Seen.Count);
    }

    [Fact]
    public async Task MalformedReply_IsReportedWithWhatCameBack()
    {
        var handler = new ScriptedHandler(() => Json("""{"Quota": {"Value": "lots"}"""));

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => Client(handler).GetServiceQuotaAsync(Vpcs, CancellationToken.None));

        Assert.Equal("MalformedResponse", error.ErrorCode);
        Assert.Single(handler.Seen);
    }

    [Theory]
    [InlineData("1e400", "Quota.Value: 1e400 is not a number between 0 and 1e15")]
    [InlineData("-5", "Quota.Value: -5 is not a number between 0 and 1e15")]
    [InlineData("\"NaN\"", "Quota.Value: NaN is not a number between 0 and 1e15")]
    [InlineData("2e15", "Quota.Value: 2e15 is not a number between 0 and 1e15")]
    public async Task QuotaValue_NonFiniteNegativeOrAbsurd_IsAMalformedReplyNamingTheField(string value, string problem)
    {
        var handler = new ScriptedHandler(() => Json($$$"""{"Quota":{"ServiceCode":"vpc","QuotaCode":"L-F678F1CE","Value":{{{value}}}}}"""));

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => Client(handler).GetServiceQuotaAsync(Vpcs, CancellationToken.None));

        Assert.Equal(("MalformedResponse", $"reply does not match the GetServiceQuota shape: {problem}"), (error.ErrorCode, error.ErrorMessage));
    }

    [Fact]
    public async Task MetricValue_Infinite_IsAMalformedReplyNamingTheField()
    {
        using var client = new CloudWatchClient(new AwsClientOptions
        {
            Region = RegionEndpoint.EUWest1,
            Credentials = new BasicAWSCredentials("AKIDEXAMPLE", "secret"),
            MaxRetries = 0,
            Transport = new ScriptedHandler(() => Json("""{"MetricDataResults":[{"Id":"q0","Timestamps":[1764000000],"Values":[3, 1e309],"StatusCode":"Complete"}]}""")),
        });
        var request = new GetMetricDataRequest { MetricDataQueries = [new MetricDataQuery { Id = "q0" }], StartTime = DateTimeOffset.UnixEpoch, EndTime = DateTimeOffset.UnixEpoch.AddHours(1) };

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => client.GetMetricDataAsync(request, CancellationToken.None));

        Assert.Equal("reply does not match the GetMetricData shape: MetricDataResults[0].Values[1]: 1e309 is not a number between 0 and 1e15", error.ErrorMessage);
    }

    [Fact]
    public async Task HtmlErrorPage_FromAnEmulator_IsNotRetried()
    {
        var handler = new ScriptedHandler(() => Text("<!doctype html><title>500 Internal Server Error</title>", HttpStatusCode.InternalServerError));

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => Client(handler).ListServiceQuotasAsync(new() { ServiceCode = "ec2" }, CancellationToken.None));

        Assert.Equal(AwsServiceException.HtmlErrorPage, error.ErrorCode);
        Assert.Single(handler.Seen);
    }

    [Fact]
    public async Task QueryProtocolError_IsParsedFromXml()
    {
        var handler = new ScriptedHandler(() => Text("<ErrorResponse><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error></ErrorResponse>", HttpStatusCode.NotFound, "text/xml"));
        using var sns = new SnsClient(new AwsClientOptions { Region = RegionEndpoint.USEast1, Credentials = new BasicAWSCredentials("a", "b"), Transport = handler });

        var error = await Assert.ThrowsAsync<AwsServiceException>(() => sns.PublishAsync(new PublishRequest { TopicArn = "arn:aws:sns:us-east-1:123456789012:nope", Message = "m" }, CancellationToken.None));

        Assert.Equal(("NotFound", "Topic does not exist"), (error.ErrorCode, error.ErrorMessage));
    }
}
