namespace QuotaAutomation.Aws.Clients;

/// <summary>STS over the query protocol (botocore sts 2011-06-15): who the caller's credentials belong to.</summary>
public sealed class StsClient(AwsClientOptions options) : IDisposable
{
    private readonly AwsTransport _transport = new(options, "sts", "sts");

    /// <summary><c>GetCallerIdentity</c>'s <c>Arn</c>: the signed caller, which no one can type for someone else.</summary>
    public async Task<string> GetCallerArnAsync(CancellationToken ct)
    {
        var reply = await _transport.QueryAsync("2011-06-15", "GetCallerIdentity", [], ct);
        return reply.Descendants().FirstOrDefault(e => e.Name.LocalName == "Arn")?.Value
            ?? throw new InvalidOperationException("GetCallerIdentity answered no Arn");
    }

    public void Dispose() => _transport.Dispose();
}
