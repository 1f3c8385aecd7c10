using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Core.Cadence;

/// <summary>
/// The usage-reading calls of one cycle, as AWS bills and limits them: GetMetricData is billed per metric requested
/// (one per detailed quota, up to <see cref="MetricsPerCall"/> a call); the utilization report is one
/// <c>StartQuotaUtilizationReport</c>, its polls and one <c>GetQuotaUtilizationReport</c> page per
/// <see cref="ReportPageSize"/> metered quotas, per account and Region, whatever the number of quotas.
/// </summary>
public sealed record UsageReadCount(int MetricsRequested, int GetMetricDataCalls, int ReportsStarted, int ReportCalls)
{
    /// <summary>GetMetricData's limit of queries per call.</summary>
    public const int MetricsPerCall = 500;

    /// <summary>GetQuotaUtilizationReport's page size (its maximum and default).</summary>
    public const int ReportPageSize = 1000;

    public static UsageReadCount Zero { get; } = new(0, 0, 0, 0);

    /// <summary>One shard's cycle (one account and Region): <paramref name="detailed"/> quotas read by GetMetricData, the rest from the report.</summary>
    /// <param name="quotas">Quotas governed in the shard.</param>
    /// <param name="detailed">Those read in detail this cycle.</param>
    /// <param name="meteredInAccount">Quotas the report lists for the account and Region (every quota with a usage metric, governed or not): its pages.</param>
    /// <param name="polls">GetQuotaUtilizationReport calls before the report is COMPLETED (AWS: "several seconds").</param>
    public static UsageReadCount ForShard(int quotas, int detailed, int meteredInAccount, int polls = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(quotas);
        ArgumentOutOfRangeException.ThrowIfNegative(detailed);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(detailed, quotas);
        ArgumentOutOfRangeException.ThrowIfNegative(meteredInAccount);
        ArgumentOutOfRangeException.ThrowIfNegative(polls);
        var fromReport = quotas - detailed;
        var pages = fromReport == 0 ? 0 : Math.Max(1, (meteredInAccount + ReportPageSize - 1) / ReportPageSize);
        return new UsageReadCount(detailed, (detailed + MetricsPerCall - 1) / MetricsPerCall,
            fromReport == 0 ? 0 : 1, fromReport == 0 ? 0 : 1 + Math.Max(0, polls - 1) + pages);
    }

    /// <summary>The calls a cycle's queries make, per account and Region (metered quotas: at least the governed ones).</summary>
    public static UsageReadCount Of(IReadOnlyList<UsageQuery> queries)
    {
        ArgumentNullException.ThrowIfNull(queries);
        return queries.GroupBy(q => (q.Quota.Key.AccountOrSelf, q.Quota.Key.Region))
            .Select(g => ForShard(g.Count(), g.Count(q => q.Detailed), g.Count()))
            .Aggregate(Zero, (a, b) => a + b);
    }

    public static UsageReadCount operator +(UsageReadCount a, UsageReadCount b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return new(a.MetricsRequested + b.MetricsRequested, a.GetMetricDataCalls + b.GetMetricDataCalls, a.ReportsStarted + b.ReportsStarted, a.ReportCalls + b.ReportCalls);
    }
}
