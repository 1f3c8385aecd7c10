using QuotaAutomation.Core.Ports;
using QuotaAutomation.Local.Simulation;

namespace QuotaAutomation.Local.Fleet;

/// <summary>The virtual organization's reach: an account without the member role answers as AWS would (AccessDenied on AssumeRole).</summary>
public sealed class VirtualAccountReach(VirtualOrganization organization) : IAccountReach
{
    public Task<string?> ProbeAsync(string accountId, CancellationToken ct) => Task.FromResult(organization.HasMemberRole(accountId)
        ? null : $"{nameof(MemberRoleMissingException)}: {new MemberRoleMissingException(accountId, organization.Organization.ManagementAccountId).Message}");
}
