using QuotaAutomation.Core.Audit;

namespace QuotaAutomation.Core.Ports;

/// <summary>Append-only audit trail. A store must refuse to overwrite an existing record id.</summary>
public interface IAuditLog
{
    Task AppendAsync(AuditRecord record, CancellationToken ct);

    /// <summary>
    /// Appends records in their order, none overwriting an existing id. A store writes them in as few round trips as it
    /// can (SQLite: one transaction; DynamoDB: conditional transactions of 100): a cycle's decisions are one batch, not
    /// one write per rule. All or nothing where the store allows; on failure the caller may append the same batch again.
    /// </summary>
    async Task AppendManyAsync(IReadOnlyList<AuditRecord> records, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(records);
        foreach (var record in records) await AppendAsync(record, ct);
    }

    /// <summary>
    /// Appends unless a record with the same id exists: how two cycles reconciling one dangling record write one
    /// outcome between them (the reconciled record's id is derived from the dangling one's).
    /// </summary>
    /// <returns>False when the id was already there.</returns>
    Task<bool> TryAppendAsync(AuditRecord record, CancellationToken ct);

    /// <summary>
    /// Records written at or after <paramref name="since"/> and at or before <paramref name="until"/> that are still open:
    /// intents with no outcome (an outcome's <see cref="AuditRecord.ActionId"/> names its intent) and cycle starts with
    /// no cycle end of the same run. Oldest first.
    /// </summary>
    Task<IReadOnlyList<AuditRecord>> ListUnfinishedAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken ct);
}
