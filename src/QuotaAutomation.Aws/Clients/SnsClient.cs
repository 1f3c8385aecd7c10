using System.Xml.Linq;

namespace QuotaAutomation.Aws.Clients;

// SNS Publish over the query protocol (botocore sns 2010-03-31: form POST, XML reply), named as in AWSSDK.SimpleNotificationService.

public sealed record PublishRequest
{
    public required string TopicArn { get; init; }
    public required string Message { get; init; }

    /// <summary>At most 100 characters (SNS's limit for e-mail subjects); longer ones are cut.</summary>
    public string? Subject { get; init; }
}

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
        var reply = await _transport.QueryAsync(Version, "Publish", form, ct);
        var id = reply.Descendants().FirstOrDefault(e => e.Name.LocalName == "MessageId")?.Value;
        return id is not null ? new PublishResponse(id)
            : throw new AwsServiceException("MalformedResponse", $"no MessageId in {AwsTransport.Snippet(reply.ToString(SaveOptions.DisableFormatting))}", System.Net.HttpStatusCode.OK, "Publish", null);
    }

    public void Dispose() => _transport.Dispose();
}
