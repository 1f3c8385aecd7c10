using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Ports;

/// <summary>Our record of one increase request, from reservation to AWS's final status.</summary>
/// <param name="Id">Ours, stable from the reservation on; <paramref name="AwsRequestId"/> is AWS's once filed.</param>
public sealed record QuotaRequest(
    string Id,
    string RuleId,
    QuotaKey Quota,
    double FromValue,
    double DesiredValue,
    RequestStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? AwsRequestId = null,
    string? CaseId = null,
    string? ApprovalId = null,
    string? Error = null)
{
    /// <summary>The budgets charged for it before it was filed; given back if AWS denies it or it never reached AWS.</summary>
    public Governance.ChargedBudgets? Charged { get; init; }
}

/// <summary>Pending-request state. <see cref="TryReserveAsync"/> is a conditional write: two cycles can never both file for one quota.</summary>
public interface IRequestStore
{
    Task<IReadOnlyList<QuotaRequest>> ListOpenAsync(CancellationToken ct);

    /// <summary>One request by our id, whatever its status; null when there is none.</summary>
    Task<QuotaRequest?> FindRequestAsync(string id, CancellationToken ct);

    /// <summary>Stores <paramref name="request"/> (status Filing) unless an open request exists for its quota.</summary>
    /// <returns>False when another open request holds the quota.</returns>
    Task<bool> TryReserveAsync(QuotaRequest request, CancellationToken ct);

    Task UpdateAsync(QuotaRequest request, CancellationToken ct);

    /// <summary>Requests AWS denied (DENIED, NOT_APPROVED) that were last updated after <paramref name="since"/>.</summary>
    Task<IReadOnlyList<QuotaRequest>> ListDeniedSinceAsync(DateTimeOffset since, CancellationToken ct);
}

public enum ApprovalStatus
{
    Waiting,
    Approved,
    Denied,
    Expired,
    /// <summary>Approved and handed to Service Quotas (or found no longer needed).</summary>
    Closed,
}

/// <summary>An increase waiting for, or decided by, a person.</summary>
public sealed record ApprovalRequest(
    string Id,
    string RuleId,
    QuotaKey Quota,
    double CurrentValue,
    double DesiredValue,
    double EstimatedMonthlyCost,
    string Reason,
    Severity Severity,
    double UtilizationPercent,
    ApprovalStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DecidedAt = null,
    string? DecidedBy = null,
    string? Comment = null)
{
    /// <summary>How many distinct people must approve (a policy's <c>approvers_required</c>); 1 unless a policy says more.</summary>
    public int RequiredApprovers { get; init; } = 1;

    /// <summary>Who has approved so far, while more approvers are needed (verified identities, in order).</summary>
    public IReadOnlyList<string> Approvers { get; init; } = [];

    /// <summary>The named groups it needs one approver from each of (a policy's <c>approver_groups</c>), fixed when it was asked.</summary>
    public IReadOnlyList<Approvals.ApproverGroup> ApproverGroups { get; init; } = [];
}

/// <summary>Approval state. <see cref="TryStartAsync"/> is conditional: one active approval per quota.</summary>
public interface IApprovalStore
{
    /// <returns>False when an approval for the quota is already waiting or approved.</returns>
    Task<bool> TryStartAsync(ApprovalRequest approval, CancellationToken ct);

    /// <summary>Approvals waiting for a person or approved and not yet filed.</summary>
    Task<IReadOnlyList<ApprovalRequest>> ListActiveAsync(CancellationToken ct);

    Task UpdateAsync(ApprovalRequest approval, CancellationToken ct);

    /// <summary>Approvals a person denied after <paramref name="since"/>.</summary>
    Task<IReadOnlyList<ApprovalRequest>> ListDeniedSinceAsync(DateTimeOffset since, CancellationToken ct);
}
