using QuotaAutomation.Core.Actions;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Tests.Fakes;

/// <summary>
/// A strict fake of Service Quotas and CloudWatch: it enforces AWS's open-request limits with AWS's error names and
/// records every violation the engine would have caused, so a test can assert there were none. Usage per quota is a
/// function of time; any operation can be made to fail.
/// </summary>
internal sealed class FakeAccount(TimeProvider time) : IQuotaSource, IUsageSource, IQuotaRequester
{
    private readonly Lock _lock = new();
    private int _next;

    public Dictionary<QuotaKey, QuotaInfo> Quotas { get; } = [];

    public Dictionary<QuotaKey, Func<DateTimeOffset, double>> Usage { get; } = [];

    public List<RequestedServiceQuotaChange> Requests { get; } = [];

    /// <summary>Every usage query the engine made, in order (to see which were detailed).</summary>
    public List<UsageQuery> Queries { get; } = [];

    /// <summary>Requests the engine made that AWS would refuse for breaking a limit or asking for ≤ the current value.</summary>
    public List<string> Violations { get; } = [];

    public RequestLimits Limits { get; init; } = RequestLimits.Aws;

    /// <summary>When set, a query that is not detailed is answered as the utilization report answers: one sample at the cycle's time, this value.</summary>
    public Func<QuotaKey, DateTimeOffset, double>? Report { get; set; }

    /// <summary>Filing reaches AWS, but its answer is lost: the caller sees a timeout.</summary>
    public bool TimeOutAfterFiling { get; set; }

    /// <summary>Operation name and quota → an exception to throw instead of answering.</summary>
    public Func<string, QuotaKey?, Exception?> Fail { get; set; } = (_, _) => null;

    public QuotaInfo Add(string service, string code, double value, Func<DateTimeOffset, double> usage, string region = "us-east-1", bool adjustable = true)
    {
        var info = new QuotaInfo(new QuotaKey(service, code, region), $"{service} {code}", value, adjustable, "None");
        Quotas[info.Key] = info;
        Usage[info.Key] = usage;
        return info;
    }

    /// <summary>Service codes whose listing fails (after its retries), with the error: only their keys fail.</summary>
    public Dictionary<string, string> FailListing { get; } = [];

    public Task<QuotaDictionary> GetQuotasAsync(IReadOnlyCollection<QuotaKey> keys, CancellationToken ct)
    {
        Throw("ListServiceQuotas", null);
        lock (_lock)
        {
            var failed = keys.Where(k => FailListing.ContainsKey(k.ServiceCode)).ToDictionary(k => k, k => $"ListServiceQuotas for {k.ServiceCode} failed: {FailListing[k.ServiceCode]}");
            return Task.FromResult(new QuotaDictionary(keys.Where(k => Quotas.ContainsKey(k) && !failed.ContainsKey(k)).ToDictionary(k => k, k => Quotas[k]), failed));
        }
    }

    public Task<QuotaInfo?> GetQuotaAsync(QuotaKey key, CancellationToken ct)
    {
        Throw("GetServiceQuota", key);
        lock (_lock) return Task.FromResult(Quotas.GetValueOrDefault(key));
    }

    public Task<IReadOnlyDictionary<QuotaKey, IReadOnlyList<UsageSample>>> GetUsageAsync(IReadOnlyList<UsageQuery> queries, DateTimeOffset until, CancellationToken ct)
    {
        Throw("GetMetricData", null);
        lock (_lock) Queries.AddRange(queries);
        var result = new Dictionary<QuotaKey, IReadOnlyList<UsageSample>>();
        foreach (var q in queries)
        {
            if (!Usage.TryGetValue(q.Quota.Key, out var usage)) continue;
            if (!q.Detailed && Report is { } report)
            {
                result[q.Quota.Key] = until > q.From ? [new UsageSample(until, report(q.Quota.Key, until))] : [];
                continue;
            }
            var samples = new List<UsageSample>();
            var step = TimeSpan.FromMinutes(5);
            for (var t = new DateTimeOffset((q.From.UtcTicks / step.Ticks + 1) * step.Ticks, TimeSpan.Zero); t <= until; t += step)
                samples.Add(new UsageSample(t, usage(t)));
            result[q.Quota.Key] = samples;
        }
        return Task.FromResult<IReadOnlyDictionary<QuotaKey, IReadOnlyList<UsageSample>>>(result);
    }

    public Task<RequestedServiceQuotaChange> RequestIncreaseAsync(QuotaKey quota, double desiredValue, CancellationToken ct)
    {
        Throw("RequestServiceQuotaIncrease", quota);
        lock (_lock)
        {
            var open = Requests.Where(r => r.Status.IsOpen()).ToList();
            if (desiredValue <= Quotas[quota].Value) return Refuse(QuotaServiceException.IllegalArgument, $"{quota}: desired {desiredValue} ≤ current {Quotas[quota].Value}");
            if (open.Count(r => r.Quota == quota) >= Limits.PerQuota) return Refuse(QuotaServiceException.ResourceAlreadyExists, $"{quota}: already open");
            if (open.Count(r => r.Quota.Region == quota.Region && r.Quota.AccountOrSelf == quota.AccountOrSelf) >= Limits.PerRegion)
                return Refuse(QuotaServiceException.QuotaExceeded, $"{quota.Region}: region limit");
            if (open.Count(r => r.Quota.AccountOrSelf == quota.AccountOrSelf) >= Limits.PerAccount) return Refuse(QuotaServiceException.QuotaExceeded, "account limit");
            var change = new RequestedServiceQuotaChange($"fake-{++_next}", quota, desiredValue, RequestStatus.Pending, null, time.GetUtcNow());
            Requests.Add(change);
            if (TimeOutAfterFiling) throw new TimeoutException("RequestServiceQuotaIncrease timed out after 10 s");
            return Task.FromResult(change);
        }
    }

    public Task<RequestedServiceQuotaChange> GetRequestAsync(QuotaKey quota, string requestId, CancellationToken ct)
    {
        Throw("GetRequestedServiceQuotaChange", quota);
        lock (_lock) return Task.FromResult(Requests.Single(r => r.Id == requestId));
    }

    public Task<RequestedServiceQuotaChange?> FindOpenRequestAsync(QuotaKey quota, CancellationToken ct)
    {
        Throw("ListRequestedServiceQuotaChangeHistoryByQuota", quota);
        lock (_lock) return Task.FromResult(Requests.FirstOrDefault(r => r.Quota == quota && r.Status.IsOpen()));
    }

    public Task<RequestedServiceQuotaChange?> FindRequestAsync(QuotaKey quota, double desiredValue, DateTimeOffset createdFrom, CancellationToken ct)
    {
        Throw("ListRequestedServiceQuotaChangeHistoryByQuota", quota);
        lock (_lock) return Task.FromResult(Requests.LastOrDefault(r => r.Quota == quota && r.DesiredValue == desiredValue && r.Created >= createdFrom));
    }

    public Task CreateSupportCaseAsync(QuotaKey quota, string requestId, CancellationToken ct)
    {
        Throw("CreateSupportCase", quota);
        lock (_lock)
        {
            var i = Requests.FindIndex(r => r.Id == requestId);
            Requests[i] = Requests[i] with { Status = RequestStatus.CaseOpened, CaseId = $"case-{requestId}" };
        }
        return Task.CompletedTask;
    }

    /// <summary>AWS decides a request: approval raises the quota.</summary>
    public void Decide(string requestId, bool approve)
    {
        lock (_lock)
        {
            var i = Requests.FindIndex(r => r.Id == requestId);
            Requests[i] = Requests[i] with { Status = approve ? RequestStatus.Approved : RequestStatus.Denied };
            if (approve) Quotas[Requests[i].Quota] = Quotas[Requests[i].Quota] with { Value = Requests[i].DesiredValue };
        }
    }

    private Task<RequestedServiceQuotaChange> Refuse(string code, string what)
    {
        Violations.Add($"{code}: {what} at {time.GetUtcNow():O}");
        throw new QuotaServiceException(code, what);
    }

    private void Throw(string operation, QuotaKey? quota)
    {
        if (Fail(operation, quota) is { } e) throw e;
    }
}
