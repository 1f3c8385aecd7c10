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

/// <summary>The CloudWatch metric that reports a quota's usage (the API's <c>MetricInfo</c>).</summary>
public sealed record UsageMetric(
    string MetricNamespace,
    string MetricName,
    IReadOnlyDictionary<string, string> MetricDimensions,
    string MetricStatisticRecommendation);
