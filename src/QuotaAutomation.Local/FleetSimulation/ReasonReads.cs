using QuotaAutomation.Core.Cadence;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Local.FleetSimulation;

/// <summary>
/// One cadence reason's usage reads over a shard run or a fleet day: quota reads (<paramref name="Quotas"/>: a quota in
/// a run), of which <paramref name="Detailed"/> were GetMetricData reads, costing <paramref name="Metrics"/> metrics (two
/// for a backfill: its hourly and 5-minute parts). <paramref name="Reason"/> is a <see cref="CadenceReason"/>'s name,
/// <see cref="NoCadence"/>, or <see cref="NotInReport"/>.
/// </summary>
public sealed record ReasonReads(string Reason, long Quotas, long Detailed, long Metrics)
{
    /// <summary>Queries made without a cadence (every quota in detail every cycle).</summary>
    public const string NoCadence = "no cadence";

    /// <summary>Metrics the source requested beyond the detailed queries': report reads it fell back to detail for (a quota the report omits).</summary>
    public const string NotInReport = "not in the report";

    /// <summary>A run's queries by reason; metrics by what each detailed query's spans request (<see cref="UsageSpan.For(Core.Quotas.QuotaInfo, DateTimeOffset, DateTimeOffset)"/>), and any difference from what the source counted as <see cref="NotInReport"/>.</summary>
    public static IReadOnlyList<ReasonReads> Of(IReadOnlyList<UsageQuery> queries, DateTimeOffset until, long metricsCounted)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var reads = queries.GroupBy(q => q.Reason?.ToString() ?? NoCadence, StringComparer.Ordinal)
            .Select(g => new ReasonReads(g.Key, g.Count(), g.Count(q => q.Detailed), g.Where(q => q.Detailed).Sum(q => (long)UsageSpan.For(q.Quota, q.From, until).Count)))
            .ToList();
        var rest = metricsCounted - reads.Sum(r => r.Metrics);
        if (rest != 0) reads.Add(new ReasonReads(NotInReport, 0, 0, rest));
        return reads;
    }

    /// <summary>Reads summed by reason, each multiplied by how often it happened; in <see cref="CadenceReason"/> order, then the others by name.</summary>
    public static IReadOnlyList<ReasonReads> Sum(IEnumerable<(IReadOnlyList<ReasonReads> Reads, long Times)> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var sums = new Dictionary<string, ReasonReads>(StringComparer.Ordinal);
        foreach (var (reads, times) in runs)
            foreach (var r in reads)
                sums[r.Reason] = sums.TryGetValue(r.Reason, out var s)
                    ? s with { Quotas = s.Quotas + times * r.Quotas, Detailed = s.Detailed + times * r.Detailed, Metrics = s.Metrics + times * r.Metrics }
                    : r with { Quotas = times * r.Quotas, Detailed = times * r.Detailed, Metrics = times * r.Metrics };
        return [.. sums.Values.OrderBy(r => Enum.TryParse<CadenceReason>(r.Reason, out var known) ? (int)known : int.MaxValue).ThenBy(r => r.Reason, StringComparer.Ordinal)];
    }
}
