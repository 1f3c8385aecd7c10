namespace QuotaAutomation.Core.Fleet.Costs;

/// <summary>
/// How AWS rounds what it bills, so that counted calls and durations become the units of a price list. Each rule
/// names the page that says it (the price list, aws-list-prices.json, cites the same pages).
/// </summary>
public static class BillingUnits
{
    /// <summary>Lambda bills duration rounded up to 1 ms, times the configured memory in GB (aws.amazon.com/lambda/pricing).</summary>
    public static double LambdaGbSeconds(TimeSpan duration, int memoryMb) =>
        Math.Ceiling(Math.Max(0, duration.TotalMilliseconds)) / 1000 * memoryMb / 1024.0;

    /// <summary>
    /// Express workflows bill duration rounded up to 100 ms, times memory in 64-MB chunks (aws.amazon.com/step-functions/pricing).
    /// </summary>
    public static double ExpressGbSeconds(TimeSpan duration, int memoryMb) =>
        Math.Ceiling(Math.Max(0, duration.TotalMilliseconds) / 100) / 10 * Math.Ceiling(Math.Max(1, memoryMb) / 64.0) * 64 / 1024.0;

    /// <summary>
    /// DynamoDB read request units: one per 4 KB read strongly consistent, half that eventually consistent; a Query
    /// adds up the sizes of the items it returns before rounding (docs.aws.amazon.com, DynamoDB read and write operations).
    /// Every request costs at least one unit's worth (0.5 for an eventually consistent read).
    /// </summary>
    public static double DynamoReadUnits(long bytes, bool stronglyConsistent)
    {
        var units = Math.Max(1, Math.Ceiling(Math.Max(0, bytes) / 4096.0));
        return stronglyConsistent ? units : units / 2;
    }

    /// <summary>DynamoDB write request units: one per 1 KB of each item written; a batch write counts each item on its own.</summary>
    public static double DynamoWriteUnits(long itemBytes) => Math.Max(1, Math.Ceiling(Math.Max(0, itemBytes) / 1024.0));
}
