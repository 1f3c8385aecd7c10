namespace QuotaAutomation.Local.FleetSimulation;

/// <summary>How usage is read in the simulated cycle.</summary>
public enum UsageMode
{
    /// <summary>As the executed engine does: GetMetricData for the quotas due this cycle.</summary>
    Metrics,

    /// <summary>
    /// Modelled: Service Quotas' utilization report (StartQuotaUtilizationReport, then GetQuotaUtilizationReport until
    /// it is ready: assumed by the second poll) for the whole account and Region, GetMetricData only for the quotas due.
    /// The report carries each quota's applied value too, so the cycle's ListServiceQuotas listings are not made.
    /// </summary>
    Report,
}

/// <summary>
/// Rewrites an executed shard's calls for a usage mode and an adaptive cadence: <paramref name="cadenceShare"/> of the
/// metrics the engine read are still read by GetMetricData (the quotas near a threshold or after a spike), the rest not
/// at all (metrics) or from the report (report, which also replaces the ListServiceQuotas listings: it gives applied
/// values). The rewritten calls take the place of the first GetMetricData call,
/// one after another; calls that waited for a removed call wait for what replaced it.
/// </summary>
public static class UsageReading
{
    public const int ReportRowsPerPage = 1000;

    public static IReadOnlyList<RecordedCall> Apply(IReadOnlyList<RecordedCall> calls, UsageMode mode, double cadenceShare)
    {
        ArgumentNullException.ThrowIfNull(calls);
        if (cadenceShare is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(cadenceShare), cadenceShare, "a share in [0, 1]");
        var metricCalls = calls.Where(c => c.Call.Service == AwsServices.CloudWatch && c.Call.Operation == "GetMetricData").ToList();
        if (metricCalls.Count == 0 || (mode == UsageMode.Metrics && cadenceShare >= 1)) return calls;
        var listings = mode == UsageMode.Report ? calls.Where(c => c.Call.Service == AwsServices.ServiceQuotas && c.Call.Operation == "ListServiceQuotas").ToList() : [];
        var metrics = (int)Math.Round(metricCalls.Sum(c => c.Call.Metrics) * cadenceShare, MidpointRounding.AwayFromZero);
        var replacement = new List<ApiCall>();
        if (mode == UsageMode.Report)
        {
            replacement.Add(new ApiCall(AwsServices.ServiceQuotas, "StartQuotaUtilizationReport", Hub: false));
            replacement.Add(new ApiCall(AwsServices.ServiceQuotas, "GetQuotaUtilizationReport", Hub: false)); // not ready yet: assumed
            replacement.Add(new ApiCall(AwsServices.ServiceQuotas, "GetQuotaUtilizationReport", Hub: false));
        }
        for (var left = metrics; left > 0; left -= 500)
            replacement.Add(new ApiCall(AwsServices.CloudWatch, "GetMetricData", Hub: false, Metrics: Math.Min(500, left)));

        var first = metricCalls[0].Index;
        var removed = metricCalls.Concat(listings).Select(c => c.Index).ToHashSet();
        var renumbered = new Dictionary<int, int>();
        var result = new List<RecordedCall>();
        foreach (var call in calls)
        {
            var waits = call.WaitsFor.Select(w => renumbered.GetValueOrDefault(w, -1)).Where(w => w >= 0).Distinct().ToList();
            if (call.Index == first)
            {
                foreach (var inserted in replacement)
                {
                    result.Add(new RecordedCall(result.Count, inserted, waits));
                    waits = [result.Count - 1];
                }
                renumbered[call.Index] = result.Count - 1;
                continue;
            }
            if (removed.Contains(call.Index))
            {
                if (result.Count > 0) renumbered[call.Index] = result.Count - 1; // the call before stands for a removed one
                continue;
            }
            result.Add(call with { Index = result.Count, WaitsFor = waits });
            renumbered[call.Index] = result.Count - 1;
        }
        return result;
    }
}
