using System.Globalization;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Adapters;

/// <summary>
/// Reads usage with <c>GetMetricData</c>: every quota of an account and Region in batches of up to 500 queries, each
/// on the quota's own <c>UsageMetric</c> at 5-minute periods. The statistic is the metric's recommendation, except that
/// count metrics (<c>ResourceCount</c>, <c>ConcurrentExecutions</c>) always use Maximum: a sum of counts over a
/// period means nothing. A Sum of a rate quota is divided down to the quota's own period (see <see cref="ToQuotaPeriod"/>).
/// Quotas without a usage metric are looked up in the Trusted Advisor Service Limits check that reports them (one call
/// per check and account, through <see cref="TrustedAdvisorLimits"/>), at the check's own refresh time; what no check
/// covers is left out, and the engine audits it as having no usage source.
/// </summary>
public sealed class AwsUsageSource(AwsClients clients) : IUsageSource
{
    public const int PeriodSeconds = 300;

    public async Task<IReadOnlyDictionary<QuotaKey, IReadOnlyList<UsageSample>>> GetUsageAsync(IReadOnlyList<UsageQuery> queries, DateTimeOffset until, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var result = new Dictionary<QuotaKey, IReadOnlyList<UsageSample>>();
        foreach (var group in queries.Where(q => q.Quota.UsageMetric is not null).GroupBy(q => (q.Quota.Key.AccountId, q.Quota.Key.Region)))
        {
            var client = clients.CloudWatch(group.First().Quota.Key);
            foreach (var batch in group.Chunk(CloudWatchClient.MaxQueriesPerCall))
            {
                var byId = batch.Select((q, i) => (Id: string.Create(CultureInfo.InvariantCulture, $"q{i}"), Query: q)).ToDictionary(x => x.Id, x => x.Query);
                var samples = byId.Keys.ToDictionary(id => id, _ => new List<UsageSample>());
                var request = new GetMetricDataRequest
                {
                    MetricDataQueries = byId.Select(x => ToQuery(x.Key, x.Value.Quota.UsageMetric!)).ToList(), // filtered above
                    StartTime = batch.Min(q => q.From),
                    EndTime = until,
                    ScanBy = "TimestampAscending",
                };
                do
                {
                    var page = await client.GetMetricDataAsync(request, ct);
                    foreach (var series in page.MetricDataResults ?? [])
                    {
                        if (series.Id is null || !samples.TryGetValue(series.Id, out var list)) continue;
                        var times = series.Timestamps ?? [];
                        var values = series.Values ?? [];
                        var scale = ToQuotaPeriod(byId[series.Id].Quota);
                        for (var i = 0; i < Math.Min(times.Count, values.Count); i++)
                            if (times[i] > byId[series.Id].From) list.Add(new UsageSample(times[i], values[i] * scale));
                    }
                    request = request with { NextToken = page.NextToken };
                }
                while (!string.IsNullOrEmpty(request.NextToken));
                foreach (var (id, list) in samples) result[byId[id].Quota.Key] = list.OrderBy(s => s.Timestamp).ToList();
            }
        }
        foreach (var group in queries.Where(q => q.Quota.UsageMetric is null).GroupBy(q => q.Quota.Key.AccountId))
            await AddTrustedAdvisorUsageAsync(group.ToList(), until, result, ct);
        return result;
    }

    private async Task AddTrustedAdvisorUsageAsync(List<UsageQuery> queries, DateTimeOffset until, Dictionary<QuotaKey, IReadOnlyList<UsageSample>> result, CancellationToken ct)
    {
        var covered = queries.Select(q => (Query: q, Limit: TrustedAdvisorLimits.For(q.Quota.Key))).Where(x => x.Limit is not null).ToList();
        foreach (var check in covered.GroupBy(x => x.Limit!.CheckId)) // filtered above
        {
            TrustedAdvisorCheckResult? reply;
            try
            {
                reply = (await clients.Support(check.First().Query.Quota.Key).DescribeTrustedAdvisorCheckResultAsync(new(check.Key, "en"), ct)).Result;
            }
            catch (AwsServiceException e) when (e.ErrorCode == "SubscriptionRequiredException")
            {
                return; // no Business or Enterprise Support plan: no Trusted Advisor coverage for this account
            }
            catch (AwsServiceException)
            {
                continue; // this check is not served here (or Support is down): its quotas have no usage source this cycle
            }
            // The usage is as of the check's last refresh (its own timestamp), not the cycle's time.
            if (!DateTimeOffset.TryParse(reply?.Timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var refreshed) || refreshed > until) continue;
            var usage = new Dictionary<(string Region, string Service, string Limit), double>();
            foreach (var resource in reply!.FlaggedResources ?? []) // reply is non-null when the timestamp parsed
            {
                // metadata: [Region, Service, Limit Name, Limit Amount, Current Usage, Status]
                if (resource.Metadata is not [{ } region, { } service, { } limit, _, { } current, ..]) continue;
                if (!double.TryParse(current, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || value < 0) continue;
                var key = (region, service, limit.Trim());
                usage[key] = Math.Max(value, usage.GetValueOrDefault(key)); // per-resource limits (per master, per group): the fullest
            }
            foreach (var (query, limit) in check)
                if (refreshed > query.From && usage.TryGetValue((query.Quota.Key.Region, limit!.Service, limit.LimitName), out var value))
                    result[query.Quota.Key] = [new UsageSample(refreshed, value)];
        }
    }

    internal static MetricDataQuery ToQuery(string id, UsageMetric metric) => new()
    {
        Id = id,
        MetricStat = new MetricStat(
            new Metric(metric.MetricNamespace, metric.MetricName, metric.MetricDimensions.Select(d => new Dimension(d.Key, d.Value)).OrderBy(d => d.Name, StringComparer.Ordinal).ToList()),
            PeriodSeconds,
            Statistic(metric)),
        ReturnData = true,
    };

    private static string Statistic(UsageMetric metric) =>
        metric.MetricName is "ResourceCount" or "ConcurrentExecutions" ? "Maximum" : metric.MetricStatisticRecommendation;

    /// <summary>
    /// The factor that puts a metric value in the quota's own terms. A rate quota (one with a <c>Period</c>, e.g. 50
    /// CreateLogStream calls per 1 second) read as a Sum over the 5-minute period counts 300 seconds of calls: divided by
    /// 300 it is the average rate per second the quota limits. A Maximum or Average is already a level, and a quota
    /// without a period is compared as it is.
    /// </summary>
    internal static double ToQuotaPeriod(QuotaInfo quota) =>
        quota is { Period: { TotalSeconds: > 0 } period, UsageMetric: { } metric } && Statistic(metric) == "Sum"
            ? period.TotalSeconds / PeriodSeconds
            : 1;
}
