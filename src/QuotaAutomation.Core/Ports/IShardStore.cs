namespace QuotaAutomation.Core.Ports;

/// <summary>
/// Where a fleet run's steps hand text to each other: the plan's shards as JSON lines (read by the Distributed Map's
/// <c>ItemReader</c>) and the Map's exported results (read by the summary). S3 on AWS.
/// </summary>
public interface IShardStore
{
    /// <summary>The bucket (or folder) this store writes plans to.</summary>
    string Bucket { get; }

    Task PutTextAsync(string key, string text, CancellationToken ct);

    /// <summary>One object's text; null when there is no such object.</summary>
    Task<string?> GetTextAsync(string bucket, string key, CancellationToken ct);
}
