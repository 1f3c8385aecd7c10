using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Core.Cadence;

/// <summary>A detailed query's part in a <see cref="MetricDataRead"/>: its samples stamped at or after <paramref name="KeepFrom"/> (and after the query's own start).</summary>
public sealed record MetricDataPart(UsageQuery Query, DateTimeOffset KeepFrom)
{
    /// <summary>Whether a sample stamped <paramref name="at"/> belongs to this part.</summary>
    public bool Keeps(DateTimeOffset at) => at >= KeepFrom && at > Query.From;
}

/// <summary>
/// One <c>GetMetricData</c> call of one account and Region: its parts' metrics over one time range at one period.
/// <see cref="Plan"/> makes them the same way for the AWS adapter (which sends them) and the simulations (which count
/// them), so what the fleet simulator bills is what the adapter calls.
/// </summary>
public sealed record MetricDataRead(DateTimeOffset Start, DateTimeOffset End, TimeSpan Period, IReadOnlyList<MetricDataPart> Parts)
{
    /// <summary>GetMetricData's limit of queries per call (botocore model: "as many as 500 MetricDataQuery structures").</summary>
    public const int MaxQueriesPerCall = 500;

    /// <summary>GetMetricData's data points per call: past it the reply pages ("a total of as many as 100,800 data points").</summary>
    public const int MaxDatapointsPerCall = 100_800;

    /// <summary>
    /// The calls one account and Region's detailed <paramref name="queries"/> need up to <paramref name="until"/>:
    /// each query's spans (<see cref="UsageSpan.For(Quotas.QuotaInfo, DateTimeOffset, DateTimeOffset)"/>); the hourly
    /// spans grouped by their exact range (a first cycle's backfills share one), the 5-minute spans in one range from
    /// the earliest (each query keeps its own part); each group in calls of at most 500 queries and as many as fit
    /// 100,800 data points, so a call needs no second page. Every span is one metric requested, as CloudWatch bills.
    /// </summary>
    public static IReadOnlyList<MetricDataRead> Plan(IReadOnlyList<UsageQuery> queries, DateTimeOffset until)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var coarse = new List<(UsageQuery Query, UsageSpan Span)>();
        var fine = new List<(UsageQuery Query, UsageSpan Span)>();
        foreach (var query in queries)
            foreach (var span in UsageSpan.For(query.Quota, query.From, until))
                (span.Period == UsageSpan.Fine ? fine : coarse).Add((query, span));
        var reads = new List<MetricDataRead>();
        foreach (var range in coarse.GroupBy(x => (x.Span.Start, x.Span.End)))
            reads.AddRange(Calls(range.Key.Start, range.Key.End, UsageSpan.Coarse, range.Select(x => new MetricDataPart(x.Query, x.Span.Start))));
        if (fine.Count > 0)
            reads.AddRange(Calls(fine.Min(x => x.Span.Start), until, UsageSpan.Fine, fine.Select(x => new MetricDataPart(x.Query, x.Span.Start))));
        return reads;
    }

    /// <summary>The metrics requested (billed) by a set of calls.</summary>
    public static int Metrics(IReadOnlyList<MetricDataRead> reads)
    {
        ArgumentNullException.ThrowIfNull(reads);
        return reads.Sum(r => r.Parts.Count);
    }

    private static IEnumerable<MetricDataRead> Calls(DateTimeOffset start, DateTimeOffset end, TimeSpan period, IEnumerable<MetricDataPart> parts)
    {
        var perCall = Math.Clamp(MaxDatapointsPerCall / new UsageSpan(start, end, period).Periods, 1, MaxQueriesPerCall);
        return parts.Chunk(perCall).Select(chunk => new MetricDataRead(start, end, period, chunk));
    }
}
