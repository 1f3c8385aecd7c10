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
