using System.Collections.Concurrent;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Adapters;

/// <summary>What one utilization report said: when it was made, and each listed quota (by service and quota code).</summary>
public sealed record UtilizationReport(DateTimeOffset GeneratedAt, IReadOnlyDictionary<(string ServiceCode, string QuotaCode), ReportedQuota> Quotas)
{
    /// <summary>Each listed quota's usage (utilization × applied value), where the report gives its utilization.</summary>
    public IReadOnlyDictionary<(string ServiceCode, string QuotaCode), double> Usage { get; } =
        Quotas.Where(q => q.Value.Usage is not null).ToDictionary(q => q.Key, q => q.Value.Usage!.Value); // filtered above
}

/// <summary>One line of the report (<c>QuotaUtilizationInfo</c>): the quota's applied value and what else it says; <paramref name="Usage"/> null without a utilization.</summary>
public sealed record ReportedQuota(string? QuotaName, string Namespace, double AppliedValue, bool? Adjustable, double? Usage);

/// <summary>
/// Reads the Service Quotas utilization report of an account and Region: <c>StartQuotaUtilizationReport</c>, then
/// <c>GetQuotaUtilizationReport</c> <see cref="PollDelay"/> later and every <see cref="PollDelay"/> (on the given clock) until it is COMPLETED, at most
/// <see cref="MaxPolls"/> times, then its pages of up to 1,000. One report serves every quota of the account and
/// Region, so its cost does not grow with the number of quotas. A report that fails or is not ready in time is null:
/// the caller reads those quotas with GetMetricData instead (<see cref="TryReadAsync"/>). Counters are for the bill (<c>simulate fleet</c>).
/// With <see cref="OncePerRun"/> (a fleet shard's run: its quota source and usage source share the instance), each
/// account and Region's report is started and polled once, and every caller gets that one.
/// </summary>
public sealed class QuotaUtilizationReports(AwsClients clients, TimeProvider time)
{
    /// <summary>AWS: generation "may take several seconds".</summary>
    public TimeSpan PollDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Polls before giving up on a report for this cycle (2 s × 15: half a minute of a 15-minute Lambda budget).</summary>
    public int MaxPolls { get; init; } = 15;

    /// <summary>Read each account and Region's report once and give every later caller the same (a run's report).</summary>
    public bool OncePerRun { get; init; }

    private readonly ConcurrentDictionary<(string? AccountId, string Region), Lazy<Task<UtilizationReport?>>> _read = new();
    private int _started;
    private int _calls;

    /// <summary>Reports started.</summary>
    public int ReportsStarted => Volatile.Read(ref _started);

    /// <summary>Service Quotas calls made for reports (starts, polls, pages).</summary>
    public int ReportCalls => Volatile.Read(ref _calls);

    /// <summary>
    /// The report of <paramref name="shard"/>'s account and Region, or null when there is none to use this cycle: it
    /// failed (FAILED, or no report id), was not ready within <see cref="MaxPolls"/>, or reading it failed: an AWS error
    /// after the client's retries (throttled, denied, an endpoint that does not serve it, such as moto's HTML 500 page),
    /// a connection failure or an HTTP timeout. The caller then reads those quotas without it (listings,
    /// GetMetricData), so an outage of the report costs calls, never decisions. Cancellation of <paramref name="ct"/>
    /// propagates. The quota source and the usage source both read through here, so they fall back alike.
    /// </summary>
    public async Task<UtilizationReport?> TryReadAsync(QuotaKey shard, CancellationToken ct)
    {
        try
        {
            return await ReadAsync(shard, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is AwsServiceException or HttpRequestException or TimeoutException or TaskCanceledException)
        {
            return null; // TaskCanceledException without our cancellation: HttpClient's timeout
        }
    }

    /// <summary>
    /// Starts reading the report of <paramref name="shard"/>'s account and Region now, without waiting for it, so AWS
    /// prepares it ("several seconds") while the run does its other work; the first caller of <see cref="TryReadAsync"/>
    /// for that account and Region then waits only for what is left (docs/fleet-waits.md). Only with
    /// <see cref="OncePerRun"/> (otherwise every caller reads a report of its own, and this one would be wasted).
    /// </summary>
    public void Prefetch(QuotaKey shard, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(shard);
        if (!OncePerRun) return;
        // Its outcome is the later caller's (the same task): observed here only so an unexpected fault of a run that never
        // reads quotas is not left unobserved.
        _ = TryReadAsync(shard, ct).ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>The report; null when it failed or was not ready in time; throws when reading it fails.</summary>
    private Task<UtilizationReport?> ReadAsync(QuotaKey shard, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(shard);
        return OncePerRun
            ? _read.GetOrAdd((shard.AccountId, shard.Region), _ => new Lazy<Task<UtilizationReport?>>(() => StartAndReadAsync(shard, ct))).Value
            : StartAndReadAsync(shard, ct);
    }

    private async Task<UtilizationReport?> StartAndReadAsync(QuotaKey shard, CancellationToken ct)
    {
        var client = clients.ServiceQuotas(shard);
        Interlocked.Increment(ref _started);
        Interlocked.Increment(ref _calls);
        var started = await client.StartQuotaUtilizationReportAsync(new StartQuotaUtilizationReportRequest(), ct);
        if (string.IsNullOrEmpty(started.ReportId) || started.Status == QuotaUtilizationReportStatus.Failed) return null;

        var request = new GetQuotaUtilizationReportRequest { ReportId = started.ReportId, MaxResults = ServiceQuotasClient.MaxUtilizationReportPage };
        // AWS prepares a report in "several seconds": a poll at once would only find it PENDING (a call, a round trip and,
        // in a fleet shard, a slot of its account's rate), so the first poll waits too, unless the start says it is done.
        if (started.Status != QuotaUtilizationReportStatus.Completed) await Task.Delay(PollDelay, time, ct);
        GetQuotaUtilizationReportResponse page;
        var polls = 0;
        while (true)
        {
            Interlocked.Increment(ref _calls);
            page = await client.GetQuotaUtilizationReportAsync(request, ct);
            if (page.Status is QuotaUtilizationReportStatus.Completed) break;
            if (page.Status is QuotaUtilizationReportStatus.Failed || ++polls >= MaxPolls) return null;
            await Task.Delay(PollDelay, time, ct);
        }

        var generatedAt = page.GeneratedAt ?? time.GetUtcNow(); // no time given: as of when it was found complete
        var quotas = new Dictionary<(string, string), ReportedQuota>();
        while (true)
        {
            foreach (var line in page.Quotas ?? [])
            {
                if (line is not { ServiceCode: { } service, QuotaCode: { } code, AppliedValue: { } applied } || !double.IsFinite(applied) || applied < 0) continue;
                var value = line.Utilization / 100 * applied;
                quotas[(service, code)] = new ReportedQuota(line.QuotaName, line.Namespace ?? "", applied, line.Adjustable, value is { } v && double.IsFinite(v) && v >= 0 ? v : null);
            }
            if (string.IsNullOrEmpty(page.NextToken)) break;
            Interlocked.Increment(ref _calls);
            page = await client.GetQuotaUtilizationReportAsync(request with { NextToken = page.NextToken }, ct);
        }
        return new UtilizationReport(generatedAt, quotas);
    }
}
