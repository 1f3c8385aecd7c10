using System.Net;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Aws.Adapters;

/// <summary>
/// The fleet's shard lists and the Distributed Map's results in S3 (AWSSDK.S3). The bucket must be in the state
/// machine's account and Region: Step Functions' <c>ResultWriter</c> fails with <c>States.ResultWriterFailed</c> otherwise.
/// </summary>
public sealed class S3ShardStore : IShardStore, IDisposable
{
    private readonly AmazonS3Client _s3;

    public S3ShardStore(AwsClientOptions client, string bucket)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(bucket);
        Bucket = bucket;
        _s3 = Client(client);
    }

    /// <summary>An S3 client on the backend's settings (AWSSDK.S3): its retries and attempt timeout, its endpoint (by path on an emulator).</summary>
    public static AmazonS3Client Client(AwsClientOptions client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var config = SdkClientConfig.Point(new AmazonS3Config { MaxErrorRetry = client.MaxRetries, Timeout = client.AttemptTimeout }, client, "s3");
        if (client.EndpointFor("s3") is not null) config.ForcePathStyle = true; // emulators serve buckets by path, not by host name
        return new AmazonS3Client(client.Credentials, config);
    }

    public string Bucket { get; }

    public async Task PutTextAsync(string key, string text, CancellationToken ct)
    {
        try
        {
            await _s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, ContentBody = text, ContentType = "application/jsonl" }, ct);
        }
        catch (AmazonS3Exception e)
        {
            throw new InvalidOperationException($"S3 PutObject s3://{Bucket}/{key} failed: {e.ErrorCode} {e.Message}", e);
        }
    }

    public async Task<string?> GetTextAsync(string bucket, string key, CancellationToken ct)
    {
        try
        {
            using var reply = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, ct);
            using var reader = new StreamReader(reply.ResponseStream, Encoding.UTF8);
            return await reader.ReadToEndAsync(ct);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode == "NoSuchKey")
        {
            return null;
        }
        catch (AmazonS3Exception e)
        {
            throw new InvalidOperationException($"S3 GetObject s3://{bucket}/{key} failed: {e.ErrorCode} {e.Message}", e);
        }
    }

    public void Dispose() => _s3.Dispose();
}
