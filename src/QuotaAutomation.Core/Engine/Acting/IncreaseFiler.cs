using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Core.Engine.Acting;

/// <summary>
/// Files an increase with Service Quotas behind a reservation in the request store, so two cycles never file for
/// one quota; closes the approval it carries out.
/// </summary>
internal sealed class IncreaseFiler(EnginePorts ports, TimeProvider time)
{
    public async Task<(ActionOutcome, string)> FileAsync(CycleAudit audit, RequestIncrease wanted, ApprovalRequest? approval, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (approval is not null && wanted.DesiredValue <= wanted.CurrentValue)
        {
            await ports.Approvals.UpdateAsync(approval with { Status = ApprovalStatus.Closed, Comment = "quota already at or above the approved value" }, ct);
            return (ActionOutcome.Skipped, $"approval {approval.Id}: quota is already {DecisionTable.Num(wanted.CurrentValue)}, nothing to file");
        }
        var reservation = new QuotaRequest($"req-{audit.RunId}-{wanted.RuleId}", wanted.RuleId, wanted.Quota, wanted.CurrentValue,
            wanted.DesiredValue, RequestStatus.Filing, now, now, ApprovalId: approval?.Id);
        if (!await ports.Requests.TryReserveAsync(reservation, ct))
            return (ActionOutcome.Skipped, $"another cycle holds an open request for {wanted.Quota}");

        try
        {
            var filed = await ports.Requester.RequestIncreaseAsync(wanted.Quota, wanted.DesiredValue, ct);
            await ports.Requests.UpdateAsync(reservation with { Status = filed.Status, AwsRequestId = filed.Id, CaseId = filed.CaseId, UpdatedAt = time.GetUtcNow() }, ct);
            if (approval is not null) await ports.Approvals.UpdateAsync(approval with { Status = ApprovalStatus.Closed, Comment = $"filed as {filed.Id}" }, ct);
            return (ActionOutcome.Done, $"filed request {filed.Id} ({filed.Status.ToApiName()}) for {DecisionTable.Num(wanted.DesiredValue)}");
        }
        catch (QuotaServiceException e) when (e.ErrorCode == QuotaServiceException.ResourceAlreadyExists)
        {
            var existing = await ports.Requester.FindOpenRequestAsync(wanted.Quota, ct);
            await ports.Requests.UpdateAsync(existing is null
                ? reservation with { Status = RequestStatus.Failed, Error = e.Message, UpdatedAt = time.GetUtcNow() }
                : reservation with { Status = existing.Status, AwsRequestId = existing.Id, DesiredValue = existing.DesiredValue, UpdatedAt = time.GetUtcNow() }, ct);
            return (ActionOutcome.Skipped, $"AWS already has an open request for {wanted.Quota}{(existing is null ? "" : $" ({existing.Id}); following it")}");
        }
        catch (QuotaServiceException e)
        {
            // AWS refused: nothing is open, so release the reservation.
            await ports.Requests.UpdateAsync(reservation with { Status = RequestStatus.Failed, Error = e.Message, UpdatedAt = time.GetUtcNow() }, ct);
            throw;
        }
        // Any other failure (timeout, network) may or may not have reached AWS: the reservation stays open and the next
        // cycle settles it with FindOpenRequestAsync, so the quota is never requested twice.
    }
}
