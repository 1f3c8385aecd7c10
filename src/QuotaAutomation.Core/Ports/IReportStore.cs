namespace QuotaAutomation.Core.Ports;

/// <summary>Where the weekly report is kept (S3 on AWS, a folder embedded).</summary>
public interface IReportStore
{
    /// <returns>Where people find it (<c>s3://bucket/key</c>, a file path).</returns>
    Task<string> PutAsync(string name, string html, DateTimeOffset at, CancellationToken ct);
}
