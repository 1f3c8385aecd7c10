namespace QuotaAutomation.Local.Simulation;

/// <summary>One line of a utilization report, as Service Quotas' <c>QuotaUtilizationInfo</c> has it.</summary>
public sealed record UtilizationLine(string ServiceCode, string QuotaCode, string QuotaName, string? Namespace, double Utilization,
    double DefaultValue, double AppliedValue, bool Adjustable);

/// <summary>A utilization report: made at <paramref name="GeneratedAt"/>, its lines fullest first.</summary>
public sealed record SimulatedUtilizationReport(DateTimeOffset GeneratedAt, IReadOnlyList<UtilizationLine> Lines);

/// <summary>
/// The simulated account's Service Quotas utilization report: every quota with a usage metric, utilization = usage at
/// the report's time ÷ applied value × 100, fullest first, as <c>GetQuotaUtilizationReport</c> lists them. The engine's
/// non-detailed reads take it (one report per cycle serves them all); <c>serve-quotas</c> answers the two operations
/// with it. Counters separate what GetMetricData would bill (one metric per detailed query) from report reads.
/// </summary>
public sealed partial class SimulatedAccount
{
    private int _metricsRequested;
    private int _reportLinesRead;
    private int _metricDataCalls;

    /// <summary>GetMetricData metrics the detailed queries would request at AWS: one per query, two for a backfill (its hourly and 5-minute parts).</summary>
    public int MetricsRequested => Volatile.Read(ref _metricsRequested);

    /// <summary>The GetMetricData calls those metrics would take (<see cref="Core.Cadence.MetricDataRead.Plan"/>).</summary>
    public int MetricDataCalls => Volatile.Read(ref _metricDataCalls);

    /// <summary>Non-detailed queries answered from the utilization report.</summary>
    public int ReportLinesRead => Volatile.Read(ref _reportLinesRead);

    /// <summary>The account's clock.</summary>
    public DateTimeOffset Now => time.GetUtcNow();

    /// <summary>The report as of now (the grid point at or before it).</summary>
    public async Task<SimulatedUtilizationReport> UtilizationReportAsync(CancellationToken ct) => ReportAt(time.GetUtcNow(), await ListQuotasAsync(ct));

    /// <summary>The report of <paramref name="quotas"/> as of the grid point at or before <paramref name="at"/>.</summary>
    public SimulatedUtilizationReport ReportAt(DateTimeOffset at, IReadOnlyList<SimulatedQuota> quotas)
    {
        ArgumentNullException.ThrowIfNull(quotas);
        var generated = NextGridPoint(at - SampleInterval);
        var lines = quotas.Where(q => q.Info.UsageMetric is not null && q.Info.Value > 0)
            .Select(q => new UtilizationLine(q.Info.Key.ServiceCode, q.Info.Key.QuotaCode, q.Info.QuotaName, q.Info.UsageMetric!.MetricNamespace, // filtered above
                100 * DemandAt(q, generated) / q.Info.Value, q.InitialValue, q.Info.Value, q.Info.Adjustable))
            .OrderByDescending(l => l.Utilization).ThenBy(l => l.ServiceCode, StringComparer.Ordinal).ThenBy(l => l.QuotaCode, StringComparer.Ordinal)
            .ToList();
        return new SimulatedUtilizationReport(generated, lines);
    }
}
