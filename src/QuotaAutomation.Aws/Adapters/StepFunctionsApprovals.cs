using System.Text.Json;
using QuotaAutomation.Aws.Clients;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Aws.Adapters;

/// <summary>
/// Approvals through the approval state machine (terraform/approval.asl.json): the approval is stored first (the
/// conditional write that allows one per quota), then an execution named after it starts; it notifies the approvers
/// with a task token and waits. If the execution cannot start, the stored approval is expired so the quota is free again.
/// </summary>
public sealed class StepFunctionsApprovals(IApprovalStore store, StepFunctionsClient states, string stateMachineArn, TimeSpan timeout) : IApprovalStore
{
    /// <summary>The task failure that terraform/approval.asl.json's AskApprovers state routes to its denial path.</summary>
    public const string DeniedError = "Denied";

    /// <summary>A person's decision as the workflow's tasks read it (<c>decided_by</c>, <c>comment</c>), sent to the waiting execution.</summary>
    public static Task SendDecisionAsync(StepFunctionsClient states, string token, bool approve, string approvalId, string decidedBy, string? comment, string via, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(states);
        var decision = JsonSerializer.Serialize(new Dictionary<string, string?> { ["decided_by"] = decidedBy, ["comment"] = comment, ["approval_id"] = approvalId, ["via"] = via });
        return approve
            ? states.SendTaskSuccessAsync(new SendTaskSuccessRequest(token, decision), ct)
            : states.SendTaskFailureAsync(new SendTaskFailureRequest(token, DeniedError, decision), ct);
    }

    /// <summary>The same workflow over another view of the approvals (a fleet shard's, <see cref="Dynamo.DynamoStateStore.ForShard"/>).</summary>
    public StepFunctionsApprovals Over(IApprovalStore approvals) => new(approvals, states, stateMachineArn, timeout);

    public async Task<bool> TryStartAsync(ApprovalRequest approval, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(approval);
        if (!await store.TryStartAsync(approval, ct)) return false;
        var input = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["approval_id"] = approval.Id,
            ["rule_id"] = approval.RuleId,
            ["quota"] = approval.Quota.ToString(),
            ["current_value"] = approval.CurrentValue,
            ["desired_value"] = approval.DesiredValue,
            ["estimated_monthly_cost"] = Math.Round(approval.EstimatedMonthlyCost, 2),
            ["reason"] = approval.Reason,
            ["timeout_seconds"] = (int)timeout.TotalSeconds,
        });
        try
        {
            await states.StartExecutionAsync(new StartExecutionRequest(stateMachineArn, approval.Id, input), ct);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await store.UpdateAsync(approval with { Status = ApprovalStatus.Expired, DecidedAt = approval.CreatedAt, Comment = $"approval workflow did not start: {e.Message}" }, CancellationToken.None);
            throw;
        }
    }

    public Task<IReadOnlyList<ApprovalRequest>> ListActiveAsync(CancellationToken ct) => store.ListActiveAsync(ct);

    public Task UpdateAsync(ApprovalRequest approval, CancellationToken ct) => store.UpdateAsync(approval, ct);

    public Task<IReadOnlyList<ApprovalRequest>> ListDeniedSinceAsync(DateTimeOffset since, CancellationToken ct) => store.ListDeniedSinceAsync(since, ct);
}
