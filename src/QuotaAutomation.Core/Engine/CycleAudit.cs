using System.Globalization;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Common;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Engine;

/// <summary>
/// Writes one cycle's audit records with ids that are unique and ordered within the run. Rule ids, messages and
/// details can carry what a person typed or an event said, so they pass <see cref="Echo"/>: one record, one line.
/// </summary>
/// <remarks>
/// Records that start or end something (cycle start and end, an action's intent and outcome) are written at once, each
/// after the records held before it: an intent is durable before its action starts, as reconciliation needs. The rest
/// (decisions, rejected rules, errors, status changes: one per rule, 10,000 in a large shard) are held and written as
/// one batch (<see cref="IAuditLog.AppendManyAsync"/>) at the next such record or <see cref="FlushAsync"/>, which the
/// engine calls after every phase. Ids are given when a record is made, so the store's order is the ids' order.
/// </remarks>
internal sealed class CycleAudit(IAuditLog log, TimeProvider time, string runId, string? owner = null)
{
    private readonly List<AuditRecord> _held = [];
    private readonly Lock _lock = new();
    private int _sequence;

    public string RunId => runId;

    public async Task<string> WriteAsync(AuditKind kind, string ruleId, QuotaKey? quota, string action, string message,
        CancellationToken ct, string? actionId = null, IReadOnlyDictionary<string, string>? details = null)
    {
        var id = string.Create(CultureInfo.InvariantCulture, $"{runId}/{Interlocked.Increment(ref _sequence):D5}");
        var record = new AuditRecord(id, runId, time.GetUtcNow(), kind, Echo.Of(ruleId), quota, action, Echo.Of(message), actionId,
            WithOwner(kind, details?.ToDictionary(d => d.Key, d => Echo.Of(d.Value), StringComparer.Ordinal)));
        if (kind is AuditKind.Cycle or AuditKind.Intent or AuditKind.Outcome)
        {
            await FlushAsync(ct);
            await log.AppendAsync(record, ct);
        }
        else
        {
            lock (_lock) _held.Add(record);
        }
        return id;
    }

    /// <summary>Writes the held records as one batch. They stay held when the write fails, so a later flush writes them.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        AuditRecord[] batch;
        lock (_lock) batch = [.. _held];
        if (batch.Length == 0) return;
        await log.AppendManyAsync(batch, ct);
        lock (_lock) _held.RemoveRange(0, batch.Length);
    }

    /// <summary>
    /// The details of the records reconciliation may close (cycle records, intents), with who runs the cycle: a live
    /// owner's records are left alone.
    /// </summary>
    private Dictionary<string, string>? WithOwner(AuditKind kind, Dictionary<string, string>? details)
    {
        if (owner is null || kind is not (AuditKind.Cycle or AuditKind.Intent)) return details;
        details ??= new Dictionary<string, string>(StringComparer.Ordinal);
        details[OwnerKey] = owner;
        return details;
    }

    /// <summary>The details key naming who ran the cycle.</summary>
    public const string OwnerKey = "owner";
}
