namespace QuotaAutomation.Aws.Clients;

// Amazon RDS over its query protocol (botocore rds 2014-10-31, signing name rds), the one operation the usage counters
// call, named as in AWSSDK.RDS (not served here).

/// <summary>One account quota: its name (<c>DBInstances</c>), the usage and the limit.</summary>
public sealed record AccountQuota(string AccountQuotaName, long Used, long Max);

public sealed record DescribeAccountAttributesResponse(IReadOnlyList<AccountQuota> AccountQuotas);

/// <summary>Amazon RDS (also Aurora, Neptune and DocumentDB instances, which share its quotas).</summary>
public sealed class RdsClient(AwsClientOptions options) : IDisposable
{
    private const string Version = "2014-10-31";
    private readonly AwsTransport _transport = new(options, "rds", "rds");

    /// <summary>Every account quota with its usage, in one call (the operation takes no parameters and does not page).</summary>
    public async Task<DescribeAccountAttributesResponse> DescribeAccountAttributesAsync(CancellationToken ct)
    {
        const string operation = "DescribeAccountAttributes";
        var reply = await _transport.QueryAsync(Version, operation, [], ct);
        var quotas = reply.Result(operation).Child("AccountQuotas").Children("AccountQuota")
            .Where(q => q.Text("AccountQuotaName") is { Length: > 0 })
            .Select(q => new AccountQuota(q.Text("AccountQuotaName")!, q.Count("Used", operation) ?? 0, q.Count("Max", operation) ?? 0)) // filtered above
            .ToList();
        return new DescribeAccountAttributesResponse(quotas);
    }

    public void Dispose() => _transport.Dispose();
}
