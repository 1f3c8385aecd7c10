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
internal sealed class CycleAudit(IAuditLog log, TimeProvider time, string runId, string? owner = null)
{
    private int _sequence;

    public string RunId => runId;

    public async Task<string> WriteAsync(AuditKind kind, string ruleId, QuotaKey? quota, string action, string message,
        CancellationToken ct, string? actionId = null, IReadOnlyDictionary<string, string>? details = null)
    {
        var id = string.Create(CultureInfo.InvariantCulture, $"{runId}/{Interlocked.Increment(ref _sequence):D5}");
        await log.AppendAsync(new AuditRecord(id, runId, time.GetUtcNow(), kind, Echo.Of(ruleId), quota, action, Echo.Of(message), actionId,
            WithOwner(kind, details?.ToDictionary(d => d.Key, d => Echo.Of(d.Value), StringComparer.Ordinal))), ct);
        return id;
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
