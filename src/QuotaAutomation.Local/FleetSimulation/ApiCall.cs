namespace QuotaAutomation.Local.FleetSimulation;

/// <summary>
/// One AWS API request a shard would make on the AWS backend, as its adapters make it: the service's signing name,
/// the operation, and what it is billed or limited by (DynamoDB request units of <see cref="Table"/>, GetMetricData
/// metrics). <see cref="Hub"/> is true for calls to the hub account (its DynamoDB tables, its STS), false for calls in
/// the member account and Region of the shard. <see cref="WaitFirst"/> is how long the caller waits before sending it (a
/// poll after the adapter's poll delay). <see cref="StoredBytes"/> is what a write adds to the table's storage until its
/// TTL removes it (an audit record's item and index entries), for the storage line beside the bill.
/// </summary>
public sealed record ApiCall(string Service, string Operation, bool Hub, string? Table = null, double ReadUnits = 0, double WriteUnits = 0, int Metrics = 0,
    TimeSpan WaitFirst = default, long StoredBytes = 0)
{
    public string Name => $"{Service}:{Operation}";
}

/// <summary>The AWS services a fleet cycle calls, by signing name.</summary>
public static class AwsServices
{
    public const string ServiceQuotas = "servicequotas";
    public const string CloudWatch = "monitoring";
    public const string DynamoDb = "dynamodb";
    public const string Sts = "sts";
    public const string S3 = "s3";
    public const string Sns = "sns";
    public const string EventBridge = "events";
    public const string Support = "support";
    public const string Organizations = "organizations";

    /// <summary>A port call the map does not know: counted under this name so it shows, never dropped.</summary>
    public const string Unmapped = "unmapped";
}
