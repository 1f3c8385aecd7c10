namespace QuotaAutomation.Core.Fleet;

/// <summary>Reads the organization (AWS Organizations; the embedded backend's virtual one). Read once per fleet run.</summary>
public interface IOrganization
{
    Task<Organization> ReadAsync(CancellationToken ct);
}
