using QuotaAutomation.Core.Audit;

namespace QuotaAutomation.Core.Ports;

/// <summary>Append-only audit trail. A store must refuse to overwrite an existing record id.</summary>
public interface IAuditLog
{
    Task AppendAsync(AuditRecord record, CancellationToken ct);
}
