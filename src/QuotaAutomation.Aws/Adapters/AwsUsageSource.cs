using System.Globalization;
using QuotaAutomation.Aws.Adapters.Counting;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Core.Cadence;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Aws.Adapters;

/// <summary>
/// Reads usage with <c>GetMetricData</c>: every quota of an account and Region in batches of up to 500 queries, each
/// on the quota's own <c>UsageMetric</c> at 5-minute periods; a read of more than a day (a first read's 14-day
/// backfill, a gap of days) asks for the part older than the last day as hourly maxima (<see cref="UsageSpan.For(QuotaInfo, DateTimeOffset, DateTimeOffset)"/>). The statistic is the metric's recommendation, except that
/// count metrics (<c>ResourceCount</c>, <c>ConcurrentExecutions</c>) always use Maximum: a sum of counts over a
/// period means nothing. A Sum of a rate quota is divided down to the quota's own period (see <see cref="ToQuotaPeriod"/>).
/// Quotas without a usage metric are counted by the counters that serve them (<see cref="QuotaCounters"/>: describe
/// counts and account-limit APIs, each called once per account and Region, <see cref="CounterReads"/>); what no counter
/// counted is looked up in the Trusted Advisor Service Limits check that reports it (one call per check and account,
/// through <see cref="TrustedAdvisorLimits"/>), at the check's own refresh time; what nothing covers is left out, and
/// the engine audits it as having no usage source.
/// <para>
/// A metered query that is not <see cref="UsageQuery.Detailed"/> is served by the account and Region's utilization
/// report instead (<see cref="QuotaUtilizationReports"/>, one per account and Region per call): one sample, the
/// report's utilization × applied value at its generation time (no later than the cycle's). A quota the report does not
/// list, or a report that fails or is not ready in time, is read with GetMetricData as before.
/// </para>
/// <para>
/// A fleet shard's run gives its own report (<paramref name="runReport"/>, read once and shared with the run's quota
/// source) and the container's <see cref="QuotaDefinitions"/>. A quota whose value came from that report has a metric
/// known to exist but not yet resolved (<see cref="UsageMetric.IsResolved"/> false); when its detailed read is due its
/// definition is resolved with <c>GetServiceQuota</c> (once per quota code for the container's life). A metric that
/// cannot be resolved takes the report's sample instead.
/// </para>
/// </summary>
public sealed class AwsUsageSource(AwsClients clients, TimeProvider time, QuotaUtilizationReports? runReport = null, QuotaDefinitions? definitions = null,
    IReadOnlyList<IQuotaCounter>? counters = null) : IUsageSource
{
    public const int PeriodSeconds = 300;

    private int _metrics;

    /// <summary>Reads with the system clock (report polls wait in real time).</summary>
    public AwsUsageSource(AwsClients clients) : this(clients, TimeProvider.System)
    {
    }

    /// <summary>The utilization reports read for non-detailed queries (and their call counters).</summary>
    public QuotaUtilizationReports Reports { get; } = runReport ?? new(clients, time);

    /// <summary>GetMetricData metrics requested so far: what CloudWatch bills ($0.01 per 1,000).</summary>
    public int MetricsRequested => Volatile.Read(ref _metrics);

    public async Task<IReadOnlyDictionary<QuotaKey, IReadOnlyList<UsageSample>>> GetUsageAsync(IReadOnlyList<UsageQuery> queries, DateTimeOffset until, CancellationToken ct) =>
        (await ReadAsync(queries, until, ct)).Samples;

    public async Task<UsageReading> ReadAsync(IReadOnlyList<UsageQuery> queries, DateTimeOffset until, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var result = new Dictionary<QuotaKey, IReadOnlyList<UsageSample>>();
        var detailed = await AddReportUsageAsync(queries.Where(q => q.Quota.UsageMetric is not null).ToList(), until, result, ct);
        await AddMetricDataAsync(await ResolveMetricsAsync(detailed, until, result, ct), until, result, ct);
        var observed = result.Keys.ToDictionary(k => k, _ => UsageSourceKind.UsageMetric);
        var counted = await new CounterReads(clients, counters ?? QuotaCounters.All).ReadAsync(queries, result, until, ct);
        foreach (var (key, samples) in counted.Samples) (result[key], observed[key]) = (samples, counted.ObservedBy[key]);
        foreach (var group in queries.Where(q => q.Quota.UsageMetric is null && !result.ContainsKey(q.Quota.Key)).GroupBy(q => q.Quota.Key.AccountId))
            await AddTrustedAdvisorUsageAsync(group.ToList(), until, result, ct);
        foreach (var key in result.Keys) observed.TryAdd(key, UsageSourceKind.TrustedAdvisor);
        return counted with { Samples = result, ObservedBy = observed };
    }

    /// <summary>Serves the non-detailed queries from their account and Region's report; returns the queries left for GetMetricData.</summary>
    private async Task<List<UsageQuery>> AddReportUsageAsync(List<UsageQuery> metered, DateTimeOffset until, Dictionary<QuotaKey, IReadOnlyList<UsageSample>> result, CancellationToken ct)
    {
        var detailed = metered.Where(q => q.Detailed).ToList();
        foreach (var group in metered.Where(q => !q.Detailed).GroupBy(q => (q.Quota.Key.AccountId, q.Quota.Key.Region)))
        {
            var report = await Reports.TryReadAsync(group.First().Quota.Key, ct);
            foreach (var query in group)
            {
                var key = query.Quota.Key;
                if (ReportSample(report, query, until) is { } sample) result[key] = sample;
                else detailed.Add(query);
            }
        }
        return detailed;
    }

    /// <summary>The report's one sample of the quota (none when it is not newer than the stored ones); null when the report does not list its usage.</summary>
    private static List<UsageSample>? ReportSample(UtilizationReport? report, UsageQuery query, DateTimeOffset until)
    {
        if (report is null || !report.Usage.TryGetValue((query.Quota.Key.ServiceCode, query.Quota.Key.QuotaCode), out var usage)) return null;
        // A report made a few seconds into the cycle stands for the cycle's time; one older than the newest stored sample adds nothing.
        var at = report.GeneratedAt < until ? report.GeneratedAt : until;
        return at > query.From ? [new UsageSample(at, usage)] : [];
    }

    /// <summary>
    /// The detailed queries with every metric resolved: a metric the report only said exists is resolved from its
    /// definition (<see cref="QuotaDefinitions"/>); one that cannot be takes the run's report sample instead.
    /// </summary>
    private async Task<List<UsageQuery>> ResolveMetricsAsync(List<UsageQuery> detailed, DateTimeOffset until, Dictionary<QuotaKey, IReadOnlyList<UsageSample>> result, CancellationToken ct)
    {
        var resolved = new List<UsageQuery>(detailed.Count);
        foreach (var query in detailed)
        {
            if (query.Quota.UsageMetric is not { IsResolved: false })
            {
                resolved.Add(query);
                continue;
            }
            var key = query.Quota.Key;
            var definition = definitions is null ? null : await definitions.ResolveAsync(clients.ServiceQuotas(key), key, ct);
            if (definition?.UsageMetric is { IsResolved: true } metric)
                resolved.Add(query with { Quota = query.Quota with { UsageMetric = metric, Unit = definition.Unit, Period = definition.Period } });
            else if (runReport is not null && ReportSample(await Reports.TryReadAsync(key, ct), query, until) is { } sample)
                result[key] = sample; // the run's report, read once: no new call
        }
        return resolved;
    }

    /// <summary>
    /// The detailed queries by account and Region, in the calls <see cref="MetricDataRead.Plan"/> makes: a first read's
    /// (or a days-long gap's) hourly maxima and its last day at 5 minutes, two metrics a quota; one 5-minute metric a
    /// quota otherwise. Every page of a call is followed (a call is sized to need one).
    /// </summary>
    private async Task AddMetricDataAsync(List<UsageQuery> queries, DateTimeOffset until, Dictionary<QuotaKey, IReadOnlyList<UsageSample>> result, CancellationToken ct)
    {
        foreach (var group in queries.GroupBy(q => (q.Quota.Key.AccountId, q.Quota.Key.Region)))
        {
            var client = clients.CloudWatch(group.First().Quota.Key);
            var samples = group.Select(q => q.Quota.Key).Distinct().ToDictionary(k => k, _ => new List<UsageSample>());
            foreach (var read in MetricDataRead.Plan(group.ToList(), until))
                await ReadAsync(client, read, samples, ct);
            foreach (var (key, list) in samples) result[key] = list.OrderBy(s => s.Timestamp).ToList();
        }
    }

    private async Task ReadAsync(CloudWatchClient client, MetricDataRead read, Dictionary<QuotaKey, List<UsageSample>> samples, CancellationToken ct)
    {
        var byId = read.Parts.Select((p, i) => (Id: string.Create(CultureInfo.InvariantCulture, $"q{i}"), Part: p)).ToDictionary(x => x.Id, x => x.Part);
        Interlocked.Add(ref _metrics, byId.Count); // billed per metric requested, whatever the pages
        var request = new GetMetricDataRequest
        {
            MetricDataQueries = byId.Select(x => ToQuery(x.Key, x.Value.Query.Quota.UsageMetric!, read.Period)).ToList(), // metered queries only
            StartTime = read.Start,
            EndTime = read.End,
            ScanBy = "TimestampAscending",
        };
        do
        {
            var page = await client.GetMetricDataAsync(request, ct);
            foreach (var series in page.MetricDataResults ?? [])
            {
                if (series.Id is null || !byId.TryGetValue(series.Id, out var part)) continue;
                var list = samples[part.Query.Quota.Key];
                var times = series.Timestamps ?? [];
                var values = series.Values ?? [];
                var scale = ToQuotaPeriod(part.Query.Quota);
                for (var i = 0; i < Math.Min(times.Count, values.Count); i++)
                    if (part.Keeps(times[i])) list.Add(new UsageSample(times[i], values[i] * scale));
            }
            request = request with { NextToken = page.NextToken };
        }
        while (!string.IsNullOrEmpty(request.NextToken));
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

    /// <summary>A query at 5 minutes with the metric's statistic, or at an hour (a backfill's older part) as its Maximum.</summary>
    internal static MetricDataQuery ToQuery(string id, UsageMetric metric, TimeSpan? period = null) => new()
    {
        Id = id,
        MetricStat = new MetricStat(
            new Metric(metric.MetricNamespace, metric.MetricName, metric.MetricDimensions.Select(d => new Dimension(d.Key, d.Value)).OrderBy(d => d.Name, StringComparer.Ordinal).ToList()),
            (int)(period ?? UsageSpan.Fine).TotalSeconds,
            period is { } p && p != UsageSpan.Fine ? "Maximum" : Statistic(metric)),
        ReturnData = true,
    };

    private static string Statistic(UsageMetric metric) => UsageSpan.Statistic(metric);

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
