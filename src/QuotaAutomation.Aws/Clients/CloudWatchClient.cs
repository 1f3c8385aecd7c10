namespace QuotaAutomation.Aws.Clients;

// CloudWatch GetMetricData over JSON 1.0 (botocore cloudwatch 2010-08-01 lists smithy-rpc-v2-cbor, json and query;
// JSON is the simplest of the three), named as in AWSSDK.CloudWatch.

public sealed record GetMetricDataRequest
{
    /// <summary>At most 500 per call (the API's limit).</summary>
    public required IReadOnlyList<MetricDataQuery> MetricDataQueries { get; init; }
    public required DateTimeOffset StartTime { get; init; }
    public required DateTimeOffset EndTime { get; init; }
    public string? NextToken { get; init; }
    public string? ScanBy { get; init; }
}

public sealed record MetricDataQuery
{
    /// <summary>Starts with a lower-case letter; letters, digits and underscores.</summary>
    public required string Id { get; init; }
    public MetricStat? MetricStat { get; init; }
    public string? Label { get; init; }
    public bool? ReturnData { get; init; }
}

public sealed record MetricStat(Metric Metric, int Period, string Stat);

public sealed record Metric(string Namespace, string MetricName, IReadOnlyList<Dimension>? Dimensions);

public sealed record Dimension(string Name, string Value);

public sealed record GetMetricDataResponse(IReadOnlyList<MetricDataResult>? MetricDataResults, string? NextToken);

public sealed record MetricDataResult(string? Id, string? Label, IReadOnlyList<DateTimeOffset>? Timestamps, IReadOnlyList<double>? Values, string? StatusCode);

/// <summary>CloudWatch (<c>GraniteServiceVersion20100801</c>, signing name <c>monitoring</c>).</summary>
public sealed class CloudWatchClient(AwsClientOptions options) : AwsJsonClient(new AwsTransport(options, "monitoring", "monitoring"), "1.0", "GraniteServiceVersion20100801", AwsJson.Pascal)
{
    public const int MaxQueriesPerCall = 500;

    public Task<GetMetricDataResponse> GetMetricDataAsync(GetMetricDataRequest request, CancellationToken ct) =>
        CallAsync<GetMetricDataResponse>("GetMetricData", request, ct);
}
