namespace QuotaAutomation.Local.FleetSimulation;

/// <summary>
/// A fleet shard's run on AWS starts its account's utilization report as soon as it has the member role
/// (<c>AwsShardRunner</c> → <c>QuotaUtilizationReports.Prefetch</c>) and goes on with its other work while the report is
/// prepared; the engine waits for the report only where it first reads quotas. The embedded backend answers at once, so
/// the recorded calls have the report where the engine asked for it: this moves its calls (the Start, the polls and
/// pages that follow it) to the front of the run as a chain of their own, lets the run's first call go without waiting
/// for them, and keeps the call after them waiting for their end (docs/fleet-waits.md). Pure.
/// </summary>
public static class ReportInBackground
{
    public static IReadOnlyList<RecordedCall> Hoist(IReadOnlyList<RecordedCall> calls)
    {
        ArgumentNullException.ThrowIfNull(calls);
        var start = -1;
        for (var i = 0; i < calls.Count && start < 0; i++)
            if (calls[i].Call is { Service: AwsServices.ServiceQuotas, Operation: "StartQuotaUtilizationReport" }) start = i;
        if (start <= 0) return calls; // none, or already the run's first call
        var end = start;
        while (end + 1 < calls.Count && calls[end + 1].Call is { Service: AwsServices.ServiceQuotas, Operation: "GetQuotaUtilizationReport" }) end++;
        var chain = end - start + 1;

        int Moved(int old) => old < start ? old + chain : old <= end ? old - start : old;
        var hoisted = new RecordedCall[calls.Count];
        for (var old = 0; old < calls.Count; old++)
        {
            var index = Moved(old);
            var waits = old == start ? [] : old > start && old <= end ? [index - 1] : calls[old].WaitsFor.Select(Moved).ToList();
            hoisted[index] = calls[old] with { Index = index, WaitsFor = waits, AfterWaitsOnly = old == 0 || calls[old].AfterWaitsOnly };
        }
        return hoisted;
    }
}
