using System.Globalization;
using Amazon.S3;
using Amazon.S3.Model;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Aws.Adapters;

/// <summary>Reports in the reports bucket (terraform/reports.tf), keyed <c>reports/YYYY/MM/DD/NAME</c>, served as HTML to whoever may read the bucket.</summary>
public sealed class S3ReportStore(AwsClientOptions client, string bucket) : IReportStore, IDisposable
{
    private readonly AmazonS3Client _s3 = S3ShardStore.Client(client);

    public async Task<string> PutAsync(string name, string html, DateTimeOffset at, CancellationToken ct)
    {
        var key = string.Create(CultureInfo.InvariantCulture, $"reports/{at.UtcDateTime:yyyy/MM/dd}/{name}");
        try
        {
            await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = html, ContentType = "text/html; charset=utf-8" }, ct);
        }
        catch (AmazonS3Exception e)
        {
            throw new InvalidOperationException($"S3 PutObject s3://{bucket}/{key} failed: {e.ErrorCode} {e.Message}", e);
        }
        return $"s3://{bucket}/{key}";
    }

    public void Dispose() => _s3.Dispose();
}
