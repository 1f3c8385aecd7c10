using System.Globalization;
using QuotaAutomation.Core.Cadence;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Local.Simulation;

namespace QuotaAutomation.Replay;

/// <summary>
/// The simulated AWS account of a replay: one quota whose usage is the trace, and Service Quotas' answers under the
/// scenario (one open request per quota; a request up to 2× approved after 30 minutes, a larger one after 24 hours;
/// 5 % denied, drawn per request number from the seed, so every policy's n-th request on a trace meets the same
/// verdict). Every policy, the engine included, meets this same account: the baselines call
/// <see cref="Request"/>, the engine goes through the <see cref="IQuotaSource"/>, <see cref="IUsageSource"/> and
/// <see cref="IQuotaRequester"/> ports, as it would at AWS. In memory: the replay runs hundreds of thousands of steps.
/// </summary>
public sealed class ReplayAccount(ReplayTrace trace, ReplayScenario scenario, TimeProvider time) : IQuotaSource, IUsageSource, IQuotaRequester
{
    public static readonly QuotaKey Key = new("replay", "L-REPLAY01", "us-east-1");

    private readonly List<Filed> _requests = [];

    private sealed record Filed(string Id, double DesiredValue, DateTimeOffset DecideAt, bool Denied)
    {
        public RequestStatus Status { get; set; } = RequestStatus.Pending;

        public DateTimeOffset Created { get; init; }
    }

    public ReplayScenario Scenario => scenario;

    public double Quota { get; private set; } = scenario.InitialQuota;

    public int RequestsFiled => _requests.Count;

    public int RequestsDenied => _requests.Count(r => r.Status == RequestStatus.Denied);

    /// <summary>GetMetricData metrics the engine asked for (one per detailed query): what CloudWatch bills.</summary>
    public int MetricsRequested { get; private set; }

    /// <summary>Cycles that read the utilization report instead.</summary>
    public int ReportsRead { get; private set; }

    public bool HasOpenRequest => _requests.Count > 0 && _requests[^1].Status.IsOpen();

    /// <summary>Decides the requests whose time has come (an approval raises the quota).</summary>
    public void Settle(DateTimeOffset now)
    {
        foreach (var request in _requests.Where(r => r.Status.IsOpen() && r.DecideAt <= now))
        {
            request.Status = request.Denied ? RequestStatus.Denied : RequestStatus.Approved;
            if (!request.Denied) Quota = Math.Max(Quota, request.DesiredValue);
        }
    }

    /// <summary>Files a request, with Service Quotas' checks and error names.</summary>
    public RequestedServiceQuotaChange Request(double desiredValue, DateTimeOffset now)
    {
        Settle(now);
        if (HasOpenRequest)
            throw new QuotaServiceException(QuotaServiceException.ResourceAlreadyExists, $"A request for quota {Key} is already open.");
        if (desiredValue <= Quota)
            throw new QuotaServiceException(QuotaServiceException.IllegalArgument,
                string.Create(CultureInfo.InvariantCulture, $"DesiredValue {desiredValue} must be greater than the current value {Quota}."));
        if (desiredValue > scenario.Cap + 1e-9)
            throw new QuotaServiceException(QuotaServiceException.IllegalArgument,
                string.Create(CultureInfo.InvariantCulture, $"DesiredValue {desiredValue} is above the highest value this quota allows ({scenario.Cap})."));
        var number = _requests.Count + 1;
        var delay = desiredValue <= scenario.LargeFactor * Quota ? scenario.ApprovalDelay : scenario.LargeApprovalDelay;
        var denied = StableRandom.Uniform(scenario.Seed, trace.Name + "/verdict", number) < scenario.DenyProbability;
        var filed = new Filed(string.Create(CultureInfo.InvariantCulture, $"replay-{number:D5}"), desiredValue, now + delay, denied) { Created = now };
        _requests.Add(filed);
        return ToChange(filed);
    }

    public Task<QuotaDictionary> GetQuotasAsync(IReadOnlyCollection<QuotaKey> keys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keys);
        Settle(time.GetUtcNow());
        var found = keys.Contains(Key)
            ? new Dictionary<QuotaKey, QuotaInfo> { [Key] = new QuotaInfo(Key, trace.Name, Quota, Adjustable: true, Unit: "None") }
            : new Dictionary<QuotaKey, QuotaInfo>();
        return Task.FromResult<QuotaDictionary>(found);
    }

    public async Task<QuotaInfo?> GetQuotaAsync(QuotaKey key, CancellationToken ct) =>
        (await GetQuotasAsync([key], ct)).GetValueOrDefault(key);

    /// <summary>
    /// A detailed query: the trace's grid points after its start and up to <paramref name="until"/> (one metric
    /// requested). Otherwise the utilization report: one sample, the grid point at or before
    /// <paramref name="until"/> − <see cref="ReplayScenario.ReportLag"/>, if newer than what the engine has.
    /// </summary>
    public Task<IReadOnlyDictionary<QuotaKey, IReadOnlyList<UsageSample>>> GetUsageAsync(IReadOnlyList<UsageQuery> queries, DateTimeOffset until, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var result = new Dictionary<QuotaKey, IReadOnlyList<UsageSample>>();
        foreach (var query in queries.Where(q => q.Quota.Key == Key))
        {
            if (query.Detailed)
            {
                MetricsRequested += UsageSpan.For(query.Quota, query.From, until).Count;
                result[Key] = Samples(query.From, until);
                continue;
            }
            ReportsRead++;
            var asOf = until - scenario.ReportLag;
            var index = asOf < trace.Grid.Start ? -1 : Math.Min(trace.Count - 1, (int)((asOf - trace.Grid.Start).Ticks / trace.Step.Ticks));
            result[Key] = index >= 0 && trace.TimeAt(index) > query.From ? [new UsageSample(trace.TimeAt(index), trace.Usage[index])] : [];
        }
        return Task.FromResult<IReadOnlyDictionary<QuotaKey, IReadOnlyList<UsageSample>>>(result);
    }

    /// <summary>
    /// Usage samples with <paramref name="from"/> &lt; time ≤ <paramref name="until"/>, as CloudWatch answers a detailed
    /// read (<see cref="UsageSpan.For(DateTimeOffset, DateTimeOffset)"/>): the trace's grid points, and for a read of more
    /// than a day (the warm-up's backfill) the part older than the last day as each hour's highest grid point, stamped at
    /// the hour's start.
    /// </summary>
    public IReadOnlyList<UsageSample> Samples(DateTimeOffset from, DateTimeOffset until)
    {
        var samples = new List<UsageSample>();
        foreach (var span in UsageSpan.For(from, until))
        {
            if (span.Period <= trace.Step)
            {
                for (var i = FirstAtOrAfter(span.Start); i < trace.Count && trace.TimeAt(i) <= until; i++)
                    if (trace.TimeAt(i) > from) samples.Add(new UsageSample(trace.TimeAt(i), trace.Usage[i]));
                continue;
            }
            samples.AddRange(PeriodMaxima.Of(span.Start, span.End, span.Period, TraceValues));
        }
        return samples;
    }

    /// <summary>The trace's values at its grid points in [from, to).</summary>
    private IEnumerable<double> TraceValues(DateTimeOffset from, DateTimeOffset to)
    {
        for (var i = FirstAtOrAfter(from); i < trace.Count && trace.TimeAt(i) < to; i++) yield return trace.Usage[i];
    }

    private int FirstAtOrAfter(DateTimeOffset at) =>
        at <= trace.Grid.Start ? 0 : (int)Math.Min(trace.Count, ((at - trace.Grid.Start).Ticks + trace.Step.Ticks - 1) / trace.Step.Ticks);

    public Task<RequestedServiceQuotaChange> RequestIncreaseAsync(QuotaKey quota, double desiredValue, CancellationToken ct)
    {
        Known(quota);
        return Task.FromResult(Request(desiredValue, time.GetUtcNow()));
    }

    public Task<RequestedServiceQuotaChange> GetRequestAsync(QuotaKey quota, string requestId, CancellationToken ct)
    {
        Known(quota);
        Settle(time.GetUtcNow());
        var found = _requests.FirstOrDefault(r => r.Id == requestId)
            ?? throw new QuotaServiceException(QuotaServiceException.NoSuchResource, $"The request {requestId} does not exist.");
        return Task.FromResult(ToChange(found));
    }

    public Task<RequestedServiceQuotaChange?> FindOpenRequestAsync(QuotaKey quota, CancellationToken ct)
    {
        Known(quota);
        Settle(time.GetUtcNow());
        return Task.FromResult(HasOpenRequest ? ToChange(_requests[^1]) : null);
    }

    public Task<RequestedServiceQuotaChange?> FindRequestAsync(QuotaKey quota, double desiredValue, DateTimeOffset createdFrom, CancellationToken ct)
    {
        Known(quota);
        Settle(time.GetUtcNow());
        return Task.FromResult(_requests.LastOrDefault(r => r.DesiredValue == desiredValue && r.Created >= createdFrom) is { } found ? ToChange(found) : null);
    }

    public Task CreateSupportCaseAsync(QuotaKey quota, string requestId, CancellationToken ct)
    {
        Known(quota);
        var found = _requests.FirstOrDefault(r => r.Id == requestId && r.Status == RequestStatus.Pending)
            ?? throw new QuotaServiceException(QuotaServiceException.InvalidResourceState, $"Request {requestId} is not PENDING, so no support case can be opened.");
        found.Status = RequestStatus.CaseOpened; // a case does not change when AWS decides
        return Task.CompletedTask;
    }

    private static void Known(QuotaKey quota)
    {
        if (quota != Key) throw new QuotaServiceException(QuotaServiceException.NoSuchResource, $"The quota {quota} does not exist.");
    }

    private static RequestedServiceQuotaChange ToChange(Filed r) => new(r.Id, Key, r.DesiredValue, r.Status, r.Status == RequestStatus.CaseOpened ? "case-" + r.Id : null, r.Created);
}
