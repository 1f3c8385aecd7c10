using Amazon;

namespace QuotaAutomation.Aws.Clients;

// IAM over its query protocol (botocore iam 2010-05-08, signing name iam), the one operation the usage counters call,
// named as in AWSSDK.IdentityManagement (not served here).

/// <summary><c>GetAccountSummary</c>'s <c>SummaryMap</c>: IAM entity counts and their quotas (<c>Roles</c>, <c>RolesQuota</c>…).</summary>
public sealed record GetAccountSummaryResponse(IReadOnlyDictionary<string, long> SummaryMap);

/// <summary>
/// AWS Identity and Access Management. A global service: one endpoint per partition (<c>iam.amazonaws.com</c>, signed
/// for us-east-1; the model's endpoint rules), whatever Region the options name.
/// </summary>
public sealed class IamClient(AwsClientOptions options) : IDisposable
{
    private const string Version = "2010-05-08";
    private readonly AwsTransport _transport = new(options, "iam", "iam", Global(options).Region, Global(options).Host);

    public async Task<GetAccountSummaryResponse> GetAccountSummaryAsync(CancellationToken ct)
    {
        const string operation = "GetAccountSummary";
        var reply = await _transport.QueryAsync(Version, operation, [], ct);
        var map = reply.Result(operation).Child("SummaryMap").Children("entry")
            .Where(e => e.Text("key") is { Length: > 0 })
            .ToDictionary(e => e.Text("key")!, e => e.Count("value", operation) ?? 0, StringComparer.Ordinal); // keys filtered above
        return new GetAccountSummaryResponse(map);
    }

    /// <summary>IAM's endpoint and signing Region per partition (botocore's endpoint rules); another partition keeps its Regional form.</summary>
    internal static (RegionEndpoint Region, string? Host) Global(AwsClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Region.PartitionName switch
        {
            "aws-cn" => (RegionEndpoint.CNNorth1, "iam.cn-north-1.amazonaws.com.cn"),
            "aws-us-gov" => (RegionEndpoint.USGovCloudWest1, "iam.us-gov.amazonaws.com"),
            "aws" => (RegionEndpoint.USEast1, "iam.amazonaws.com"),
            _ => (options.Region, null),
        };
    }

    public void Dispose() => _transport.Dispose();
}
