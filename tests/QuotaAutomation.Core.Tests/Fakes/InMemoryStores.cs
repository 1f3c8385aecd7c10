using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Tests.Fakes;

/// <summary>Every store port in memory, with the same conditional-write rules as the real stores.</summary>
internal sealed class InMemoryStores : IRuleStore, IUsageHistory, IRequestStore, IApprovalStore, INotifier, IAlertLog, IAuditLog, IEventPublisher
{
    private readonly Lock _lock = new();
    private readonly Dictionary<QuotaKey, SortedDictionary<DateTimeOffset, double>> _history = [];
    private readonly Dictionary<(QuotaKey, Severity), DateTimeOffset> _alerts = [];

    public List<RawRule> Rules { get; } = [];

    public List<QuotaRequest> Requests { get; } = [];

    public List<ApprovalRequest> Approvals { get; } = [];

    public List<Notification> Sent { get; } = [];

    public List<AuditRecord> Audit { get; } = [];

    public List<QuotaEventRecord> Published { get; } = [];

    public Task PublishAsync(IReadOnlyList<QuotaEventRecord> events, CancellationToken ct)
    {
        lock (_lock) Published.AddRange(events);
        return Task.CompletedTask;
    }

    /// <summary>Set to make the next audit writes fail (e.g. to test "no intent, no action").</summary>
    public Func<AuditRecord, bool>? FailAuditWhen { get; set; }

    public Task<IReadOnlyList<RawRule>> LoadRulesAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<RawRule>>([.. Rules]);

    public Task AppendAsync(QuotaKey key, IReadOnlyList<UsageSample> samples, CancellationToken ct)
    {
        lock (_lock)
        {
            var h = _history.TryGetValue(key, out var existing) ? existing : _history[key] = [];
            foreach (var s in samples) h[s.Timestamp] = s.Value; // a second write at the same time replaces the value, as the stores do
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<UsageSample>> ReadAsync(QuotaKey key, DateTimeOffset from, DateTimeOffset until, CancellationToken ct)
    {
        lock (_lock)
            return Task.FromResult<IReadOnlyList<UsageSample>>(_history.TryGetValue(key, out var h)
                ? h.Where(p => p.Key > from && p.Key <= until).Select(p => new UsageSample(p.Key, p.Value)).ToList()
                : []);
    }

    public Task<IReadOnlyList<QuotaRequest>> ListOpenAsync(CancellationToken ct)
    {
        lock (_lock) return Task.FromResult<IReadOnlyList<QuotaRequest>>(Requests.Where(r => r.Status.IsOpen()).ToList());
    }

    public Task<QuotaRequest?> FindRequestAsync(string id, CancellationToken ct)
    {
        lock (_lock) return Task.FromResult(Requests.FirstOrDefault(r => r.Id == id));
    }

    public Task<bool> TryReserveAsync(QuotaRequest request, CancellationToken ct)
    {
        lock (_lock)
        {
            if (Requests.Any(r => r.Quota == request.Quota && r.Status.IsOpen()) || Requests.Any(r => r.Id == request.Id)) return Task.FromResult(false);
            Requests.Add(request);
            return Task.FromResult(true);
        }
    }

    public Task UpdateAsync(QuotaRequest request, CancellationToken ct)
    {
        lock (_lock) Requests[Requests.FindIndex(r => r.Id == request.Id)] = request;
        return Task.CompletedTask;
    }

    /// <summary>Calls of either ListDeniedSinceAsync (requests' or approvals').</summary>
    public int DenialReads => Volatile.Read(ref _denialReads);

    private int _denialReads;

    public Task<IReadOnlyList<QuotaRequest>> ListDeniedSinceAsync(DateTimeOffset since, CancellationToken ct)
    {
        Interlocked.Increment(ref _denialReads);
        lock (_lock)
            return Task.FromResult<IReadOnlyList<QuotaRequest>>(Requests
                .Where(r => r.Status is RequestStatus.Denied or RequestStatus.NotApproved && r.UpdatedAt > since).ToList());
    }

    public Task<bool> TryStartAsync(ApprovalRequest approval, CancellationToken ct)
    {
        lock (_lock)
        {
            if (Approvals.Any(a => a.Quota == approval.Quota && a.Status is ApprovalStatus.Waiting or ApprovalStatus.Approved)) return Task.FromResult(false);
            Approvals.Add(approval);
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<ApprovalRequest>> ListActiveAsync(CancellationToken ct)
    {
        lock (_lock)
            return Task.FromResult<IReadOnlyList<ApprovalRequest>>(Approvals.Where(a => a.Status is ApprovalStatus.Waiting or ApprovalStatus.Approved).ToList());
    }

    public Task UpdateAsync(ApprovalRequest approval, CancellationToken ct)
    {
        lock (_lock) Approvals[Approvals.FindIndex(a => a.Id == approval.Id)] = approval;
        return Task.CompletedTask;
    }

    Task<IReadOnlyList<ApprovalRequest>> IApprovalStore.ListDeniedSinceAsync(DateTimeOffset since, CancellationToken ct)
    {
        Interlocked.Increment(ref _denialReads);
        lock (_lock)
            return Task.FromResult<IReadOnlyList<ApprovalRequest>>(Approvals.Where(a => a.Status == ApprovalStatus.Denied && a.DecidedAt > since).ToList());
    }

    public Task<string> PublishAsync(Notification notification, CancellationToken ct)
    {
        lock (_lock)
        {
            Sent.Add(notification);
            return Task.FromResult($"msg-{Sent.Count}");
        }
    }

    public Task<DateTimeOffset?> LastSentAsync(QuotaKey quota, Severity severity, CancellationToken ct)
    {
        lock (_lock) return Task.FromResult(_alerts.TryGetValue((quota, severity), out var at) ? at : (DateTimeOffset?)null);
    }

    public Task RecordSentAsync(QuotaKey quota, Severity severity, DateTimeOffset at, CancellationToken ct)
    {
        lock (_lock) _alerts[(quota, severity)] = at;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<QuotaKey, Severity>> ActiveAsync(CancellationToken ct)
    {
        lock (_lock) return Task.FromResult<IReadOnlyDictionary<QuotaKey, Severity>>(_alerts.Keys.GroupBy(k => k.Item1).ToDictionary(g => g.Key, g => g.Max(k => k.Item2)));
    }

    public Task ClearAsync(QuotaKey quota, CancellationToken ct)
    {
        lock (_lock) foreach (var key in _alerts.Keys.Where(k => k.Item1 == quota).ToList()) _alerts.Remove(key);
        return Task.CompletedTask;
    }

    public Task AppendAsync(AuditRecord record, CancellationToken ct)
    {
        lock (_lock)
        {
            if (FailAuditWhen?.Invoke(record) == true) throw new IOException("audit table unavailable");
            if (Audit.Any(a => a.Id == record.Id)) throw new InvalidOperationException($"audit record {record.Id} already exists");
            Audit.Add(record);
        }
        return Task.CompletedTask;
    }

    public Task<bool> TryAppendAsync(AuditRecord record, CancellationToken ct)
    {
        lock (_lock)
        {
            if (FailAuditWhen?.Invoke(record) == true) throw new IOException("audit table unavailable");
            if (Audit.Any(a => a.Id == record.Id)) return Task.FromResult(false);
            Audit.Add(record);
        }
        return Task.FromResult(true);
    }

    public Task<IReadOnlyList<AuditRecord>> ListUnfinishedAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken ct)
    {
        lock (_lock)
        {
            var closed = Audit.Where(a => a.Kind == AuditKind.Outcome).Select(a => a.ActionId).ToHashSet();
            var ended = Audit.Where(a => a.Kind == AuditKind.Cycle && a.Action == "cycle_end").Select(a => a.RunId).ToHashSet();
            return Task.FromResult<IReadOnlyList<AuditRecord>>(Audit
                .Where(a => a.Timestamp >= since && a.Timestamp <= until)
                .Where(a => (a.Kind == AuditKind.Intent && !closed.Contains(a.Id)) || (a.Kind == AuditKind.Cycle && a.Action == "cycle_start" && !ended.Contains(a.RunId)))
                .ToList());
        }
    }
}
