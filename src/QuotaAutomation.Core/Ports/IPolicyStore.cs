using QuotaAutomation.Core.Governance;

namespace QuotaAutomation.Core.Ports;

/// <summary>Where an organization's policies live (a DynamoDB table). Returns items as typed, unvalidated: the engine parses each.</summary>
public interface IPolicyStore
{
    Task<IReadOnlyList<RawPolicy>> LoadPoliciesAsync(CancellationToken ct);
}
