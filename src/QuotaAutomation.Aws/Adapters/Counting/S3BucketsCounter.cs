using Amazon.S3.Model;
using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Aws.Adapters.Counting;

/// <summary>
/// General purpose S3 buckets (<c>L-DC2B2D3D</c>): an account-wide quota, read once per account in the Region its key
/// names (us-east-1). <c>ListBuckets</c> lists the account's general purpose buckets in every Region; directory buckets
/// (their own quota, <c>L-775A314D</c>) are not among them.
/// </summary>
public sealed class S3BucketsCounter : IQuotaCounter
{
    /// <summary>The most buckets one page may hold (the API's maximum <c>max-buckets</c>).</summary>
    public const int PageSize = 10_000;

    public static CountedQuota Buckets { get; } = new("s3", "L-DC2B2D3D", CountScope.Account, "general purpose buckets");

    /// <summary>The operation; IAM calls its permission <c>s3:ListAllMyBuckets</c>.</summary>
    public string Name => "s3:ListBuckets";

    public UsageSourceKind Kind => UsageSourceKind.DescribeCount;

    public IReadOnlyList<CountedQuota> Serves { get; } = [Buckets];

    public async Task<IReadOnlyList<QuotaCount>> CountAsync(CounterScope scope, IReadOnlyCollection<CountedQuota> wanted, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var s3 = scope.Clients.S3(scope.Probe(Buckets.ServiceCode));
        var buckets = 0;
        string? token = null;
        do
        {
            var page = await s3.ListBucketsAsync(new ListBucketsRequest { MaxBuckets = PageSize, ContinuationToken = token }, ct);
            buckets += page.Buckets?.Count ?? 0;
            token = Paging.Next(token, page.ContinuationToken, "ListBuckets");
        }
        while (token is not null);
        return [new QuotaCount(Buckets, buckets)];
    }
}
