using System.Net;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Tests.Reliability;

/// <summary>
/// A write that reached DynamoDB but whose reply was lost (connection reset, timeout) is retried by the SDK. The
/// stores' conditional writes must take their own earlier attempt for success, not for a conflict.
/// </summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Reliability")]
public sealed class LostReplyTests(MotoServer moto)
{
    private static readonly DateTimeOffset T = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task AuditAppend_WhoseReplyIsLost_IsRetriedAndWrittenOnce()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var losing = new LoseFirstReply("DynamoDB_20120810.PutItem", new SocketsHttpHandler());
        using var backend = new AwsBackend(moto.Options(losing), new Aws.Adapters.AwsBackendOptions { AlertTopicArn = world.TopicArn });
        var record = new AuditRecord("run-1/00001", "run-1", T, AuditKind.Intent, "ec2-vcpu", new QuotaKey("ec2", "L-1216C47A", "us-east-1"), "request_increase", "request 256 → 384");

        await backend.Audit.AppendAsync(record, CancellationToken.None);

        Assert.Equal(2, losing.Sent); // the attempt whose reply was lost, and the retry
        var stored = Assert.Single(await backend.Audit.ForRuleAsync("ec2-vcpu", CancellationToken.None));
        Assert.Equal(("run-1/00001", "request 256 → 384"), (stored.Id, stored.Message));
    }

    [Fact]
    public async Task AuditAppend_OfADifferentRecordUnderATakenId_StillFails()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        var record = new AuditRecord("run-1/00001", "run-1", T, AuditKind.Intent, "ec2-vcpu", null, "request_increase", "request 256 → 384");
        await backend.Audit.AppendAsync(record, CancellationToken.None);

        await Assert.ThrowsAsync<Amazon.DynamoDBv2.Model.ConditionalCheckFailedException>(
            () => backend.Audit.AppendAsync(record with { Message = "something else" }, CancellationToken.None));
    }

    /// <summary>Sends the first request for <paramref name="target"/> on, then drops its reply as a reset connection would.</summary>
    private sealed class LoseFirstReply(string target, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private int _sent;

        public int Sent => _sent;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var isTarget = request.Headers.TryGetValues("X-Amz-Target", out var t) && t.Single() == target;
            var reply = await base.SendAsync(request, cancellationToken);
            if (!isTarget || Interlocked.Increment(ref _sent) > 1) return reply;
            reply.Dispose();
            throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection reset by peer (reply lost after the write)", null, HttpStatusCode.OK);
        }
    }
}
