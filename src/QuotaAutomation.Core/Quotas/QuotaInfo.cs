namespace QuotaAutomation.Core.Quotas;

/// <summary>
/// What Service Quotas says about one quota: its applied value and how to read its usage.
/// Named after the API's <c>ServiceQuota</c> fields so adapters map one to one. <paramref name="Period"/> is set for
/// rate quotas (<c>ServiceQuota.Period</c>): the value is allowed per that period (e.g. 50 calls per 1 second), so usage
/// must be expressed per the same period before the two are compared.
/// </summary>
public sealed record QuotaInfo(
    QuotaKey Key,
    string QuotaName,
    double Value,
    bool Adjustable,
    string Unit,
    UsageMetric? UsageMetric = null,
    TimeSpan? Period = null)
{
    /// <summary>Count-like quotas (resources, calls) can only be requested as whole numbers.</summary>
    public bool IsCount => Unit is "None" or "Count" || Unit.StartsWith("Count/", StringComparison.Ordinal);
}

/// <summary>
/// The CloudWatch metric that reports a quota's usage (the API's <c>MetricInfo</c>). A quota with one has a usage
/// source; <see cref="IsResolved"/> says whether its name, dimensions and statistic are known, or only that it exists
/// (<see cref="Unresolved"/>: the utilization report lists the quota, and with it only the metric's namespace).
/// </summary>
public sealed record UsageMetric(
    string MetricNamespace,
    string MetricName,
    IReadOnlyDictionary<string, string> MetricDimensions,
    string MetricStatisticRecommendation)
{
    /// <summary>False: only the namespace is known; the name, dimensions and statistic are empty and must be resolved before the metric is read.</summary>
    public bool IsResolved { get; private init; } = true;

    /// <summary>A metric Service Quotas says the quota has (its utilization report lists it) whose definition is not read yet.</summary>
    public static UsageMetric Unresolved(string metricNamespace) =>
        new(metricNamespace, "", new Dictionary<string, string>(), "") { IsResolved = false };
}
