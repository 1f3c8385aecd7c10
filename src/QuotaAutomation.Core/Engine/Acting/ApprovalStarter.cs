using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Core.Engine.Acting;

/// <summary>Starts an approval for an increase a person must decide, and tells the approvers.</summary>
internal sealed class ApprovalStarter(EnginePorts ports, TimeProvider time, EngineOptions options)
{
    public async Task<(ActionOutcome, string)> StartApprovalAsync(RequestIncrease wanted, CancellationToken ct)
    {
        var approval = new ApprovalRequest(options.NewApprovalId(), wanted.RuleId, wanted.Quota, wanted.CurrentValue,
            wanted.DesiredValue, wanted.EstimatedMonthlyCost, wanted.Reason, wanted.Severity, wanted.UtilizationPercent,
            ApprovalStatus.Waiting, time.GetUtcNow()) { RequiredApprovers = wanted.ApproversRequired, ApproverGroups = wanted.ApproverGroups };
        if (!await ports.Approvals.TryStartAsync(approval, ct))
            return (ActionOutcome.Skipped, $"an approval for {wanted.Quota} is already active");
        var message = await ports.Notifier.PublishAsync(new Notification(NotificationTopics.Approvals,
            $"Approval wanted: {wanted.Quota} {DecisionTable.Num(wanted.CurrentValue)} → {DecisionTable.Num(wanted.DesiredValue)}",
            $"{wanted.Reason}\n{options.HowToDecide(approval.Id)}",
            wanted.RuleId, wanted.Quota, wanted.Severity), ct);
        return (ActionOutcome.Done, $"approval {approval.Id} waiting; approvers notified (message {message})");
    }
}
