namespace QuotaAutomation.Core.Ports;

/// <summary>Whether the fleet can act in a member account: its member role assumed (AWS), or present (the virtual organization).</summary>
public interface IAccountReach
{
    /// <returns>Null when the account can be reached; else why not (the error).</returns>
    Task<string?> ProbeAsync(string accountId, CancellationToken ct);
}
