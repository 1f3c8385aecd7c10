using System.Globalization;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Core.Engine.Acting;

/// <summary>Starts an approval for an increase a person must decide, and tells the approvers.</summary>
internal sealed class ApprovalStarter(EnginePorts ports, TimeProvider time)
{
    public async Task<(ActionOutcome, string)> StartApprovalAsync(RequestIncrease wanted, CancellationToken ct)
    {
        var approval = new ApprovalRequest(string.Create(CultureInfo.InvariantCulture, $"apr-{wanted.RuleId}-{time.GetUtcNow():yyMMddHHmm}"), wanted.RuleId, wanted.Quota, wanted.CurrentValue,
            wanted.DesiredValue, wanted.EstimatedMonthlyCost, wanted.Reason, wanted.Severity, wanted.UtilizationPercent,
            ApprovalStatus.Waiting, time.GetUtcNow());
        if (!await ports.Approvals.TryStartAsync(approval, ct))
            return (ActionOutcome.Skipped, $"an approval for {wanted.Quota} is already active");
        var message = await ports.Notifier.PublishAsync(new Notification(NotificationTopics.Approvals,
            $"Approval wanted: {wanted.Quota} {DecisionTable.Num(wanted.CurrentValue)} → {DecisionTable.Num(wanted.DesiredValue)}",
            $"{wanted.Reason}\nApprove: quota-automation approve {approval.Id}\nDeny:    quota-automation deny {approval.Id}",
            wanted.RuleId, wanted.Quota, wanted.Severity), ct);
        return (ActionOutcome.Done, $"approval {approval.Id} waiting; approvers notified (message {message})");
    }
}
