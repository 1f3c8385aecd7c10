using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Engine.Acting;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Core.Engine.Phases;

/// <summary>What is in flight at the start of a cycle, after following it: requests still open, approvals still active.</summary>
internal sealed record InFlightState(
    IReadOnlyList<QuotaRequest> OpenRequests,
    IReadOnlyList<ApprovalRequest> ActiveApprovals,
    IReadOnlyList<string> Changes,
    IReadOnlyList<ActionResult> Actions);

/// <summary>
/// Phase 1, follow what is in flight: each open request's status at AWS (a support case for one pending too long),
/// and each approval (expired when nobody decided in time).
/// </summary>
internal sealed class FollowPhase(EnginePorts ports, EngineOptions options)
{
    /// <summary>A filing reservation older than this with no AWS request behind it is taken as never filed.</summary>
    private static readonly TimeSpan StaleReservation = TimeSpan.FromMinutes(10);

    /// <summary>AWS stamps a request with its clock, the reservation has ours: allow this much difference.</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    public async Task<InFlightState> RunAsync(CycleAudit audit, DateTimeOffset now, CancellationToken ct)
    {
        var changes = new List<string>();
        var actions = new List<ActionResult>();
        var open = await FollowOpenRequestsAsync(audit, now, changes, actions, ct);
        var approvals = await FollowApprovalsAsync(audit, now, changes, ct);
        return new InFlightState(open, approvals, changes, actions);
    }

    private async Task<IReadOnlyList<QuotaRequest>> FollowOpenRequestsAsync(CycleAudit audit, DateTimeOffset now, List<string> changes, List<ActionResult> actions, CancellationToken ct)
    {
        var stillOpen = new List<QuotaRequest>();
        foreach (var request in await ports.Requests.ListOpenAsync(ct))
        {
            try
            {
                var updated = await FollowAsync(audit, request, now, changes, actions, ct);
                if (updated.Status.IsOpen()) stillOpen.Add(updated);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                stillOpen.Add(request); // unknown state: keep treating it as open
                await audit.WriteAsync(AuditKind.Error, request.RuleId, request.Quota, "follow_request", $"could not read request {request.AwsRequestId ?? request.Id}: {e.Message}", ct);
            }
        }
        return stillOpen;
    }

    private async Task<QuotaRequest> FollowAsync(CycleAudit audit, QuotaRequest request, DateTimeOffset now, List<string> changes, List<ActionResult> actions, CancellationToken ct)
    {
        RequestedServiceQuotaChange? seen;
        if (request.AwsRequestId is null)
        {
            // A filing whose answer was lost: look in the quota's request history whatever the status, since AWS may have
            // approved, denied or closed it by now (looking only at open requests took a denial for "never reached AWS",
            // so the quota was asked again at once, inside the denial's quiet period).
            seen = await ports.Requester.FindRequestAsync(request.Quota, request.DesiredValue, request.CreatedAt - ClockSkew, ct);
            if (seen is null && now - request.UpdatedAt < StaleReservation) return request; // another cycle may be filing it right now
        }
        else
        {
            seen = await ports.Requester.GetRequestAsync(request.Quota, request.AwsRequestId, ct);
        }

        var updated = seen is null
            ? request with { Status = RequestStatus.Failed, Error = "reservation never reached AWS", UpdatedAt = now }
            : request with { Status = seen.Status, AwsRequestId = seen.Id, CaseId = seen.CaseId ?? request.CaseId, UpdatedAt = now };
        if (updated.Status != request.Status)
        {
            await ports.Requests.UpdateAsync(updated, ct);
            var change = $"request {updated.AwsRequestId ?? updated.Id} for {updated.Quota} ({DecisionTable.Num(updated.DesiredValue)}): {request.Status.ToApiName()} → {updated.Status.ToApiName()}";
            changes.Add(change);
            await audit.WriteAsync(AuditKind.StatusChange, updated.RuleId, updated.Quota, "request_status", change, ct, details: new Dictionary<string, string>
            {
                [AuditDetails.Status] = updated.Status.ToApiName(), [AuditDetails.DesiredValue] = AuditDetails.Format(updated.DesiredValue),
            });
            if (!updated.Status.IsOpen()) await (ports.RequestBudget ?? LocalRequestBudget.Instance).ReleaseAsync(updated.Quota, ct); // its account slot is free again
            // Refused or never filed: it adds no quota, so its budget charges go back (after the status is stored: a
            // crash between the two over-counts the month, never refunds twice).
            if (updated.Status is RequestStatus.Denied or RequestStatus.NotApproved or RequestStatus.InvalidRequest or RequestStatus.Failed)
                await BudgetRefund.ForRefusedAsync(ports, audit, updated, ct);
            if (!updated.Status.IsOpen())
                await ports.Notifier.PublishAsync(new Notification(NotificationTopics.Alerts, $"Quota request {updated.Status.ToApiName()}: {updated.Quota}", change, updated.RuleId, updated.Quota, null), ct);
        }

        if (updated.Status == RequestStatus.Pending && updated.CaseId is null && updated.AwsRequestId is { } awsId && now - updated.CreatedAt >= options.SupportCaseAfter)
        {
            actions.Add(await AuditedAction.RunAsync(audit, updated.RuleId, updated.Quota, "create_support_case",
                $"request {awsId} pending for {(now - updated.CreatedAt).TotalHours:0.#}h: open a support case",
                async c =>
                {
                    await ports.Requester.CreateSupportCaseAsync(updated.Quota, awsId, c);
                    var after = await ports.Requester.GetRequestAsync(updated.Quota, awsId, c);
                    await ports.Requests.UpdateAsync(updated with { Status = after.Status, CaseId = after.CaseId, UpdatedAt = now }, c);
                    return (ActionOutcome.Done, $"support case {after.CaseId ?? "(id pending)"} opened for request {awsId}");
                }, ct, Reconciliation.Details(awsRequestId: awsId)));
        }
        return updated;
    }

    private async Task<IReadOnlyList<ApprovalRequest>> FollowApprovalsAsync(CycleAudit audit, DateTimeOffset now, List<string> changes, CancellationToken ct)
    {
        var active = new List<ApprovalRequest>();
        foreach (var approval in await ports.Approvals.ListActiveAsync(ct))
        {
            if (approval.Status == ApprovalStatus.Waiting && now - approval.CreatedAt >= options.ApprovalTimeout)
            {
                await ports.Approvals.UpdateAsync(approval with { Status = ApprovalStatus.Expired, DecidedAt = now, Comment = "no decision in time" }, ct);
                var change = $"approval {approval.Id} for {approval.Quota} expired after {options.ApprovalTimeout.TotalHours:0.#}h";
                changes.Add(change);
                await audit.WriteAsync(AuditKind.StatusChange, approval.RuleId, approval.Quota, "approval_expired", change, ct);
                continue;
            }
            active.Add(approval);
        }
        return active;
    }
}
