namespace QuotaAutomation.Core.Fleet;

/// <summary>
/// How the hub's DynamoDB client retries a throttled call, as <c>AwsBackend</c> configures AWSSDK.DynamoDBv2 and
/// <c>simulate fleet</c> models it: the SDK's standard retry mode (AWSSDK.Core 4.x's default) with
/// <see cref="DefaultMaxRetries"/> retries set explicitly and no client-side retry quota. Each wait is the standard
/// policy's: full jitter over 1 s × 2^(retry − 1), at most 20 s (AWSSDK.Core <c>StandardRetryPolicy</c>).
/// </summary>
/// <remarks>
/// What the SDK does when nothing is set (AWSSDK.Core 4.1.0, read from the assembly here; docs/fleet-throttle.md): standard
/// mode, 3 retries for DynamoDB (4 attempts), waits of at most 1, 2 and 4 s: about 3.5 s on average, less than a
/// burst at the table's ceiling lasts; and a retry quota of 500 tokens per endpoint and process, 5 a throttled retry,
/// so a Lambda's shards stop retrying after 100 throttles between them. 8 retries wait at most 91 s, 45 s on average,
/// well inside a shard's time budget (240 s), whose cancellation also ends a wait.
/// </remarks>
public static class DynamoRetries
{
    public const int DefaultMaxRetries = 8;

    /// <summary>The standard policy's longest wait.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(20);

    /// <summary>The wait before retry <paramref name="retry"/> (1-based), given a uniform draw in [0, 1).</summary>
    public static TimeSpan Backoff(int retry, double jitter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retry, 1);
        return TimeSpan.FromSeconds(jitter * Math.Min(Math.Pow(2, Math.Min(retry - 1, 30)), MaxBackoff.TotalSeconds));
    }

    /// <summary>The longest a call can wait between its attempts with <paramref name="retries"/> retries.</summary>
    public static TimeSpan MostWaited(int retries) => TimeSpan.FromTicks(Enumerable.Range(1, Math.Max(0, retries)).Sum(r => Backoff(r, 1).Ticks));
}
