namespace QuotaAutomation.Local.FleetSimulation;

/// <summary>
/// What the modelled Lambda invocations were billed for, by cause: each shard-batch invocation's time along its
/// critical path (cold start, a free slot, then the chain of calls that ended last: each call's waits before it was
/// sent, its round trips and its retries' backoffs, then the engine's compute), and the plan and summary steps. The
/// causes add up to the invocations' billed seconds.
/// </summary>
public sealed record InvocationTime(int Invocations, IReadOnlyDictionary<string, double> SecondsByCause)
{
    public const string ColdStart = "cold start";
    public const string Slot = "waiting for a slot (shards at once)";
    public const string AssumeRole = "AssumeRole round trips";
    public const string ReportPollDelay = "utilization report: poll delay";
    public const string ReportRoundTrips = "utilization report: round trips";
    public const string RatePacing = "account API rate pacing";
    public const string TablePacing = "usage-table pacing";
    public const string Backoff = "throttle backoffs (retries)";
    public const string DynamoQueries = "DynamoDB Query round trips";
    public const string DynamoOther = "DynamoDB other round trips";
    public const string MetricData = "GetMetricData round trips";
    public const string OtherRoundTrips = "other round trips";
    public const string Compute = "engine compute";
    public const string PlanAndSummary = "plan and summary steps";

    /// <summary>The causes in the order they are shown.</summary>
    public static IReadOnlyList<string> Causes { get; } =
        [ColdStart, Slot, AssumeRole, ReportPollDelay, ReportRoundTrips, RatePacing, TablePacing, Backoff, DynamoQueries, DynamoOther, MetricData, OtherRoundTrips, Compute, PlanAndSummary];

    public static InvocationTime None { get; } = new(0, new Dictionary<string, double>(StringComparer.Ordinal));

    public double Seconds => SecondsByCause.Values.Sum();

    /// <summary>The round trip of one call, by what it is.</summary>
    public static string RoundTripOf(ApiCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return (call.Service, call.Operation) switch
        {
            (AwsServices.Sts, _) => AssumeRole,
            (AwsServices.ServiceQuotas, "StartQuotaUtilizationReport" or "GetQuotaUtilizationReport") => ReportRoundTrips,
            (AwsServices.DynamoDb, "Query") => DynamoQueries,
            (AwsServices.DynamoDb, _) => DynamoOther,
            (AwsServices.CloudWatch, _) => MetricData,
            _ => OtherRoundTrips,
        };
    }

    /// <summary>Several cycles' invocations together.</summary>
    public static InvocationTime Sum(IEnumerable<InvocationTime> times)
    {
        ArgumentNullException.ThrowIfNull(times);
        var (invocations, seconds) = (0, new Dictionary<string, double>(StringComparer.Ordinal));
        foreach (var time in times)
        {
            invocations += time.Invocations;
            foreach (var (cause, s) in time.SecondsByCause) seconds[cause] = seconds.GetValueOrDefault(cause) + s;
        }
        return new InvocationTime(invocations, seconds);
    }
}
