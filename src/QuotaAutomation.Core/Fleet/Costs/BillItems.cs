namespace QuotaAutomation.Core.Fleet.Costs;

/// <summary>
/// The billable quantities of running the fleet, one name each: the keys of a <see cref="PriceList"/> and of the
/// quantities <see cref="FleetBill.Compute"/> prices. Named service first, then the unit AWS bills.
/// </summary>
public static class BillItems
{
    public const string LambdaRequests = "lambda.requests";
    public const string LambdaGbSeconds = "lambda.gb_seconds";
    public const string StepFunctionsStandardTransitions = "states.standard_transitions";
    public const string StepFunctionsExpressRequests = "states.express_requests";
    public const string StepFunctionsExpressGbSeconds = "states.express_gb_seconds";
    public const string DynamoDbReadRequestUnits = "dynamodb.read_request_units";
    public const string DynamoDbWriteRequestUnits = "dynamodb.write_request_units";
    public const string CloudWatchMetricsRequested = "cloudwatch.getmetricdata_metrics";
    public const string ServiceQuotasRequests = "servicequotas.requests";
    public const string StsRequests = "sts.requests";
    public const string S3PutRequests = "s3.put_requests";
    public const string S3GetRequests = "s3.get_requests";
    public const string SnsPublishes = "sns.publishes";

    /// <summary>DynamoDB storage (the audit table's at steady state): priced beside the bill, never in its total (not in the list).</summary>
    public const string DynamoDbStorageGbMonths = "dynamodb.storage_gb_months";

    /// <summary>Every item, in the order a bill lists them.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        LambdaRequests, LambdaGbSeconds, StepFunctionsStandardTransitions, StepFunctionsExpressRequests, StepFunctionsExpressGbSeconds,
        DynamoDbReadRequestUnits, DynamoDbWriteRequestUnits, CloudWatchMetricsRequested, ServiceQuotasRequests, StsRequests,
        S3PutRequests, S3GetRequests, SnsPublishes,
    ];

    /// <summary>Items priced but shown beside the bill, not added to its total: <see cref="DynamoDbStorageGbMonths"/>.</summary>
    public static IReadOnlyList<string> BesideTheBill { get; } = [DynamoDbStorageGbMonths];

    /// <summary>Every item a price list prices: the bill's and those beside it.</summary>
    public static IReadOnlyList<string> Priced { get; } = [.. All, .. BesideTheBill];
}
