using System.Xml.Linq;

namespace QuotaAutomation.Aws.Clients;

// SNS Publish over the query protocol (botocore sns 2010-03-31: form POST, XML reply), named as in AWSSDK.SimpleNotificationService.

public sealed record PublishRequest
{
    public required string TopicArn { get; init; }
    public required string Message { get; init; }

    /// <summary>At most 100 characters (SNS's limit for e-mail subjects); longer ones are cut.</summary>
    public string? Subject { get; init; }

    /// <summary>String message attributes (e.g. <c>account_id</c>), which subscription filter policies match on.</summary>
    public IReadOnlyDictionary<string, string>? MessageAttributes { get; init; }
}

/// <summary>One subscription of a topic (<c>ListSubscriptionsByTopic</c>).</summary>
public sealed record Subscription(string SubscriptionArn, string Protocol, string Endpoint);

public sealed record PublishResponse(string MessageId);

/// <summary>Amazon SNS (signing name <c>sns</c>).</summary>
public sealed class SnsClient(AwsClientOptions options) : IDisposable
{
    private const string Version = "2010-03-31";
    private readonly AwsTransport _transport = new(options, "sns", "sns");

    public async Task<PublishResponse> PublishAsync(PublishRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var form = new List<KeyValuePair<string, string>> { new("TopicArn", request.TopicArn), new("Message", request.Message) };
        if (request.Subject is { } subject) form.Add(new("Subject", subject.Length <= 100 ? subject : subject[..99] + "…"));
        var n = 0;
        foreach (var (name, value) in request.MessageAttributes ?? new Dictionary<string, string>())
        {
            n++;
            form.Add(new($"MessageAttributes.entry.{n}.Name", name));
            form.Add(new($"MessageAttributes.entry.{n}.Value.DataType", "String"));
            form.Add(new($"MessageAttributes.entry.{n}.Value.StringValue", value));
        }
        var reply = await _transport.QueryAsync(Version, "Publish", form, ct);
        var id = reply.Descendants().FirstOrDefault(e => e.Name.LocalName == "MessageId")?.Value;
        return id is not null ? new PublishResponse(id)
            : throw new AwsServiceException("MalformedResponse", $"no MessageId in {AwsTransport.Snippet(reply.ToString(SaveOptions.DisableFormatting))}", System.Net.HttpStatusCode.OK, "Publish", null);
    }

    /// <summary><c>Subscribe</c> with a filter policy on message attributes; an e-mail endpoint must confirm before it receives anything.</summary>
    /// <returns>The subscription ARN, or <c>pending confirmation</c>.</returns>
    public async Task<string> SubscribeAsync(string topicArn, string protocol, string endpoint, string? filterPolicy, CancellationToken ct)
    {
        var form = new List<KeyValuePair<string, string>> { new("TopicArn", topicArn), new("Protocol", protocol), new("Endpoint", endpoint), new("ReturnSubscriptionArn", "true") };
        if (filterPolicy is not null)
        {
            form.Add(new("Attributes.entry.1.key", "FilterPolicy"));
            form.Add(new("Attributes.entry.1.value", filterPolicy));
        }
        var reply = await _transport.QueryAsync(Version, "Subscribe", form, ct);
        return reply.Descendants().FirstOrDefault(e => e.Name.LocalName == "SubscriptionArn")?.Value
            ?? throw new AwsServiceException("MalformedResponse", $"no SubscriptionArn in {AwsTransport.Snippet(reply.ToString(SaveOptions.DisableFormatting))}", System.Net.HttpStatusCode.OK, "Subscribe", null);
    }

    /// <summary><c>SetSubscriptionAttributes</c>: e.g. a confirmed subscription's new <c>FilterPolicy</c>.</summary>
    public async Task SetSubscriptionAttributeAsync(string subscriptionArn, string name, string value, CancellationToken ct) =>
        await _transport.QueryAsync(Version, "SetSubscriptionAttributes", [new("SubscriptionArn", subscriptionArn), new("AttributeName", name), new("AttributeValue", value)], ct);

    /// <summary>Every subscription of a topic, all pages.</summary>
    public async Task<IReadOnlyList<Subscription>> ListSubscriptionsByTopicAsync(string topicArn, CancellationToken ct)
    {
        var all = new List<Subscription>();
        string? next = null;
        do
        {
            var form = new List<KeyValuePair<string, string>> { new("TopicArn", topicArn) };
            if (next is not null) form.Add(new("NextToken", next));
            var reply = await _transport.QueryAsync(Version, "ListSubscriptionsByTopic", form, ct);
            all.AddRange(reply.Descendants().Where(e => e.Name.LocalName == "member").Select(m => new Subscription(
                Child(m, "SubscriptionArn"), Child(m, "Protocol"), Child(m, "Endpoint"))));
            next = reply.Descendants().FirstOrDefault(e => e.Name.LocalName == "NextToken")?.Value is { Length: > 0 } token ? token : null;
        }
        while (next is not null);
        return all;
    }

    /// <summary>One page of the Region's topic ARNs (SNS pages by 100, with no size to ask for).</summary>
    public async Task<(IReadOnlyList<string> TopicArns, string? NextToken)> ListTopicsAsync(string? nextToken, CancellationToken ct)
    {
        var form = new List<KeyValuePair<string, string>>();
        if (nextToken is not null) form.Add(new("NextToken", nextToken));
        var reply = await _transport.QueryAsync(Version, "ListTopics", form, ct);
        var arns = reply.Descendants().Where(e => e.Name.LocalName == "member").Select(m => Child(m, "TopicArn")).ToList();
        var next = reply.Descendants().FirstOrDefault(e => e.Name.LocalName == "NextToken")?.Value is { Length: > 0 } token ? token : null;
        return (arns, next);
    }

    private static string Child(XElement member, string name) => member.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value ?? "";

    public void Dispose() => _transport.Dispose();
}
