using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Tests.Fleet;

/// <summary>The fleet's adapters on moto: the S3 shard store, routed alerts with the account attribute, contact subscriptions.</summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class FleetAdaptersOnMotoTests(MotoServer moto)
{
    [Fact]
    public async Task S3ShardStore_PutThenGet_SameText_AndAbsentKeyIsNull()
    {
        await moto.ResetAsync();
        await CreateBucketAsync("fleet-bucket");
        using var store = new S3ShardStore(moto.Options(), "fleet-bucket");
        const string lines = "{\"shard_id\":\"111111111111/us-east-1\"}\n{\"shard_id\":\"111111111111/eu-west-1\"}\n";

        await store.PutTextAsync("fleet/run-1/shards.jsonl", lines, CancellationToken.None);

        Assert.Equal(lines, await store.GetTextAsync("fleet-bucket", "fleet/run-1/shards.jsonl", CancellationToken.None));
        Assert.Null(await store.GetTextAsync("fleet-bucket", "fleet/run-1/absent.json", CancellationToken.None));
    }

    [Fact]
    public async Task SnsNotifier_RoutedAccount_GoesToItsTopicWithTheAccountAttribute()
    {
        await moto.ResetAsync();
        using var sns = new SnsClient(moto.Options());
        var fallback = await CreateTopicAsync("alerts");
        var routed = await CreateTopicAsync("team-a");
        var fallbackQueue = await SubscribeQueueAsync(fallback, "fallback-q", null);
        var routedQueue = await SubscribeQueueAsync(routed, "routed-q", null);
        using var clients = new AwsClients(moto.Options(), new AwsBackendOptions { AlertTopicArn = fallback });
        var notifier = new SnsNotifier(clients, new AwsBackendOptions { AlertTopicArn = fallback }, account => account == "222222222222" ? routed : null);

        await notifier.PublishAsync(Alert("222222222222"), CancellationToken.None);
        await notifier.PublishAsync(Alert("333333333333"), CancellationToken.None);

        var toRouted = Assert.Single(await ReceiveAsync(routedQueue));
        var toFallback = Assert.Single(await ReceiveAsync(fallbackQueue));
        Assert.Equal("222222222222", Attribute(toRouted, "account_id"));
        Assert.Equal("333333333333", Attribute(toFallback, "account_id"));
    }

    [Fact]
    public async Task ContactSubscriptions_FilterPolicy_PassesOnlyTheirAccountsAlerts()
    {
        await moto.ResetAsync();
        using var sns = new SnsClient(moto.Options());
        var topic = await CreateTopicAsync("alerts");
        // E-mail is not delivered by moto: an SQS subscription with the same filter policy shows what the policy lets through.
        var owner = await SubscribeQueueAsync(topic, "owner-q", ContactSubscriptions.FilterPolicy(["222222222222"]));
        using var clients = new AwsClients(moto.Options(), new AwsBackendOptions { AlertTopicArn = topic });
        var notifier = new SnsNotifier(clients, new AwsBackendOptions { AlertTopicArn = topic });

        await notifier.PublishAsync(Alert("333333333333"), CancellationToken.None);
        await notifier.PublishAsync(Alert("222222222222"), CancellationToken.None);

        Assert.Equal("222222222222", Attribute(Assert.Single(await ReceiveAsync(owner)), "account_id"));
    }

    [Fact]
    public async Task ContactSubscriptions_Ensure_SubscribesEachAddressOnce_WithItsAccounts()
    {
        await moto.ResetAsync();
        using var sns = new SnsClient(moto.Options());
        var topic = await CreateTopicAsync("alerts");
        var subscriptions = new ContactSubscriptions(sns);
        AccountContact[] contacts = [new("222222222222", topic, "ops@example.com"), new("333333333333", topic, "ops@example.com"), new("444444444444", topic, "owner@example.com")];

        var first = await subscriptions.EnsureAsync(contacts, CancellationToken.None);
        var second = await subscriptions.EnsureAsync(contacts, CancellationToken.None);

        Assert.Equal([$"subscribed ops@example.com on {topic} for accounts 222222222222, 333333333333 (awaits the owner's confirmation)",
            $"subscribed owner@example.com on {topic} for account 444444444444 (awaits the owner's confirmation)"], first);
        Assert.Empty(second);
        var listed = await sns.ListSubscriptionsByTopicAsync(topic, CancellationToken.None);
        Assert.Equal(["email ops@example.com", "email owner@example.com"], listed.Select(s => $"{s.Protocol} {s.Endpoint}").Order(StringComparer.Ordinal));
    }

    private static Notification Alert(string account) =>
        new(NotificationTopics.Alerts, "quota alert", "usage high", "r1", new QuotaKey("ec2", "L-1216C47A", "us-east-1", account), null);

    private async Task CreateBucketAsync(string bucket)
    {
        using var s3 = new AmazonS3Client(new Amazon.Runtime.BasicAWSCredentials("testing", "testing"),
            new AmazonS3Config { ServiceURL = moto.Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
    }

    private async Task<string> CreateTopicAsync(string name)
    {
        using var sns = new AwsTransport(moto.Options(), "sns", "sns");
        var reply = await sns.QueryAsync("2010-03-31", "CreateTopic", [new("Name", name)], CancellationToken.None);
        return reply.Descendants().First(e => e.Name.LocalName == "TopicArn").Value;
    }

    /// <summary>An SQS queue subscribed to the topic (optionally with a filter policy): its URL.</summary>
    private async Task<string> SubscribeQueueAsync(string topic, string queue, string? filterPolicy)
    {
        using var sqs = new AwsTransport(moto.Options(), "sqs", "sqs");
        var url = (await sqs.QueryAsync("2012-11-05", "CreateQueue", [new("QueueName", queue)], CancellationToken.None))
            .Descendants().First(e => e.Name.LocalName == "QueueUrl").Value;
        var arn = $"arn:aws:sqs:us-east-1:123456789012:{queue}";
        using var sns = new SnsClient(moto.Options());
        await sns.SubscribeAsync(topic, "sqs", arn, filterPolicy, CancellationToken.None);
        return url;
    }

    private async Task<IReadOnlyList<JsonElement>> ReceiveAsync(string queueUrl)
    {
        using var sqs = new AwsTransport(moto.Options(), "sqs", "sqs");
        var reply = await sqs.QueryAsync("2012-11-05", "ReceiveMessage", [new("QueueUrl", queueUrl), new("MaxNumberOfMessages", "10")], CancellationToken.None);
        return reply.Descendants().Where(e => e.Name.LocalName == "Body").Select(b => JsonDocument.Parse(b.Value).RootElement.Clone()).ToList();
    }

    private static string? Attribute(JsonElement envelope, string name) =>
        envelope.GetProperty("MessageAttributes").GetProperty(name).GetProperty("Value").GetString();
}
