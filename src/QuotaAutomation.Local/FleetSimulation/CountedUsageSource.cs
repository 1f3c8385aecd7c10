using QuotaAutomation.Core.Cadence;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Usage;
using QuotaAutomation.Local.Simulation;

namespace QuotaAutomation.Local.FleetSimulation;

/// <summary>
/// The embedded backend's usage source, counted as the AWS adapter (<c>AwsUsageSource</c>) would call AWS for what it
/// actually did: the queries the simulated account answered from its utilization report (the non-detailed ones the
/// cadence left to it) are one <c>StartQuotaUtilizationReport</c> and its <c>GetQuotaUtilizationReport</c> polls and
/// pages, the ones it read in detail are <c>GetMetricData</c> metrics, 500 a call. Counted from the account's own
/// counters, so what is counted is what the engine's real path chose, not a modelled share.
/// <para>
/// With <paramref name="reportReadForValues"/> (a fleet shard's run on AWS: the quota source read the run's one report
/// for applied values, counted by <see cref="AwsCallMap"/>), no report call is counted here; instead the first detailed
/// read of each quota code resolves its metric with one <c>GetServiceQuota</c> (the AWS adapter keeps definitions for the
/// container's life: this instance stands for one container, cold at the shard's first run).
/// </para>
/// </summary>
public sealed class CountedUsageSource(IUsageSource inner, SimulatedAccount account, ShardCallLog log, bool reportReadForValues = false) : IUsageSource
{
    private readonly HashSet<(string ServiceCode, string QuotaCode)> _resolved = [];
    private readonly List<IReadOnlyList<ReasonReads>> _reasons = [];

    /// <summary>
    /// GetQuotaUtilizationReport calls until the report is COMPLETED: the adapter's first poll, <see cref="PollDelay"/>
    /// after the start, finds it ready (assumed: AWS says "several seconds").
    /// </summary>
    public const int ReportPolls = 1;

    /// <summary>The adapter's wait between two polls (<c>QuotaUtilizationReports.PollDelay</c>).</summary>
    public static readonly TimeSpan PollDelay = TimeSpan.FromSeconds(2);

    public async Task<IReadOnlyDictionary<QuotaKey, IReadOnlyList<UsageSample>>> GetUsageAsync(IReadOnlyList<UsageQuery> queries, DateTimeOffset until, CancellationToken ct) =>
        (await ReadAsync(queries, until, ct)).Samples;

    public async Task<UsageReading> ReadAsync(IReadOnlyList<UsageQuery> queries, DateTimeOffset until, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var slot = log.Begin();
        var (metrics, lines, metricCalls) = (account.MetricsRequested, account.ReportLinesRead, account.MetricDataCalls);
        try
        {
            return await inner.ReadAsync(queries, until, ct);
        }
        finally
        {
            lock (_reasons) _reasons.Add(ReasonReads.Of(queries, until, account.MetricsRequested - metrics));
            log.End(slot, reportReadForValues
                ? [.. Resolutions(queries), .. Calls(account.MetricsRequested - metrics, fromReport: 0, account.MetricDataCalls - metricCalls)]
                : Calls(account.MetricsRequested - metrics, account.ReportLinesRead - lines, account.MetricDataCalls - metricCalls));
        }
    }

    /// <summary>The reads since the last call, by cadence reason (a shard run's), and forgets them.</summary>
    public IReadOnlyList<ReasonReads> TakeReasons()
    {
        lock (_reasons)
        {
            var reads = ReasonReads.Sum(_reasons.Select(r => (r, 1L)));
            _reasons.Clear();
            return reads;
        }
    }

    /// <summary>A GetServiceQuota for each quota code read in detail for the first time (its metric, once per container).</summary>
    private List<ApiCall> Resolutions(IReadOnlyList<UsageQuery> queries)
    {
        lock (_resolved)
            return [.. queries.Where(q => q.Detailed && q.Quota.UsageMetric is not null && _resolved.Add((q.Quota.Key.ServiceCode, q.Quota.Key.QuotaCode)))
                .Select(_ => new ApiCall(AwsServices.ServiceQuotas, "GetServiceQuota", Hub: false))];
    }

    /// <summary>
    /// One shard's usage calls: <paramref name="detailed"/> metrics by GetMetricData (two for a quota's backfill: its
    /// hourly and 5-minute parts) in <paramref name="metricCalls"/> calls (the account's <c>MetricDataRead.Plan</c>; by
    /// default 500 metrics a call), <paramref name="fromReport"/> quotas from the report.
    /// </summary>
    public static IReadOnlyList<ApiCall> Calls(int detailed, int fromReport, int? metricCalls = null)
    {
        var count = UsageReadCount.ForShard(detailed + fromReport, detailed, meteredInAccount: detailed + fromReport, ReportPolls);
        var calls = new List<ApiCall>();
        if (count.ReportsStarted > 0)
        {
            calls.Add(new ApiCall(AwsServices.ServiceQuotas, "StartQuotaUtilizationReport", Hub: false));
            for (var i = 0; i < count.ReportCalls - count.ReportsStarted; i++)
                calls.Add(new ApiCall(AwsServices.ServiceQuotas, "GetQuotaUtilizationReport", Hub: false, WaitFirst: i < ReportPolls ? PollDelay : TimeSpan.Zero)); // a poll waits, a page does not
        }
        var callsLeft = detailed == 0 ? 0 : Math.Max(1, metricCalls ?? (detailed + UsageReadCount.MetricsPerCall - 1) / UsageReadCount.MetricsPerCall);
        for (var left = detailed; callsLeft > 0; callsLeft--)
        {
            var metrics = (left + callsLeft - 1) / callsLeft; // the metrics spread evenly over the calls
            calls.Add(new ApiCall(AwsServices.CloudWatch, "GetMetricData", Hub: false, Metrics: metrics));
            left -= metrics;
        }
        return calls;
    }
}
