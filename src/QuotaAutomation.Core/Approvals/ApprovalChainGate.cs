using System.Globalization;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Common;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Core.Approvals;

/// <summary>
/// Every door a person approves through (the CLI, the approval function's page) asks here first: an approval that needs
/// more people keeps this one (stored, audited as <c>approval_partial</c>) and waits; one that does not count is refused
/// and audited; a complete one goes on to be sent or stored as before.
/// </summary>
public static class ApprovalChainGate
{
    /// <param name="verified">The approver's verified identity (STS caller ARN, IAM caller of the function URL, the OS user).</param>
    /// <param name="shown">How they are named in the trail (the verified identity, with any typed name beside it as a claim).</param>
    /// <param name="identified">False for a signed link's holder, who is no one in particular.</param>
    public static async Task<ChainStep> ApproveAsync(IApprovalStore approvals, IAuditLog audit, TimeProvider time, ApprovalRequest approval,
        string verified, string shown, bool identified, string via, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(approvals);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(approval);
        var step = ApprovalChain.Approve(approval, verified, shown, identified);
        var now = time.GetUtcNow();
        var runId = AuditRunIds.For(via, now);
        switch (step)
        {
            case ChainStep.Recorded recorded:
                await approvals.UpdateAsync(recorded.Updated, ct);
                await audit.AppendAsync(new AuditRecord($"{runId}/00001", runId, now, AuditKind.StatusChange, approval.RuleId, approval.Quota, "approval_partial",
                    Echo.Of($"approval {approval.Id} for {approval.Quota}: approved by {shown} via {via}, {recorded.Progress}; waiting for {recorded.StillWanted}"),
                    Details: new Dictionary<string, string> { ["by"] = Echo.Of(verified), ["approvers"] = recorded.Updated.Approvers.Count.ToString(CultureInfo.InvariantCulture) }), ct);
                break;
            case ChainStep.Refused refused:
                await audit.AppendAsync(new AuditRecord($"{runId}/00001", runId, now, AuditKind.Error, approval.RuleId, approval.Quota, "approval_refused",
                    Echo.Of($"{shown} via {via}: {refused.Reason}")), ct);
                break;
        }
        return step;
    }
}
