using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Engine.Acting;

/// <summary>
/// Files an increase with Service Quotas behind a reservation in the request store, so two cycles never file for
/// one quota, and a slot of the account's request budget, so concurrent fleet shards of one account never have more
/// than <paramref name="accountLimit"/> open between them; closes the approval it carries out.
/// </summary>
internal sealed class IncreaseFiler(EnginePorts ports, TimeProvider time, int accountLimit = 20)
{
    private readonly IAccountRequestBudget _budget = ports.RequestBudget ?? LocalRequestBudget.Instance;

    /// <summary>The reservation a run files a rule's increase under: reconciliation finds it from the intent's run and rule.</summary>
    public static string ReservationId(string runId, string ruleId) => $"req-{runId}-{ruleId}";

    public async Task<(ActionOutcome, string)> FileAsync(CycleAudit audit, RequestIncrease wanted, ApprovalRequest? approval, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (approval is not null && wanted.DesiredValue <= wanted.CurrentValue)
        {
            await ports.Approvals.UpdateAsync(approval with { Status = ApprovalStatus.Closed, Comment = "quota already at or above the approved value" }, ct);
            return await NotFiledAsync(audit, wanted, $"approval {approval.Id}: quota is already {DecisionTable.Num(wanted.CurrentValue)}, nothing to file", ct);
        }
        if (await AlreadyThereAsync(wanted, ct) is { } already)
        {
            if (approval is not null) await ports.Approvals.UpdateAsync(approval with { Status = ApprovalStatus.Closed, Comment = "quota already at or above the approved value" }, ct);
            return await NotFiledAsync(audit, wanted, already, ct);
        }
        // The budget's slot is per quota and idempotent: when another cycle holds this quota's request it holds this
        // slot too, so a refused store reservation below releases nothing.
        if (!await _budget.TryReserveAsync(wanted.Quota, accountLimit, ct))
            return await NotFiledAsync(audit, wanted, $"{accountLimit} requests already open in account {wanted.Quota.AccountOrSelf} across its Regions (AWS limit, shared by its fleet shards); {wanted.Quota} waits", ct);
        var reservation = new QuotaRequest(ReservationId(audit.RunId, wanted.RuleId), wanted.RuleId, wanted.Quota, wanted.CurrentValue,
            wanted.DesiredValue, RequestStatus.Filing, now, now, ApprovalId: approval?.Id) { Charged = wanted.Charged };
        if (!await ports.Requests.TryReserveAsync(reservation, ct))
            return await NotFiledAsync(audit, wanted, $"another cycle holds an open request for {wanted.Quota}", ct);

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
            if (existing is null) await _budget.ReleaseAsync(wanted.Quota, ct);
            return await NotFiledAsync(audit, wanted, $"AWS already has an open request for {wanted.Quota}{(existing is null ? "" : $" ({existing.Id}); following it")}", ct);
        }
        catch (QuotaServiceException e)
        {
            // AWS refused: nothing is open, so release the reservation.
            await ports.Requests.UpdateAsync(reservation with { Status = RequestStatus.Failed, Error = e.Message, UpdatedAt = time.GetUtcNow() }, ct);
            await _budget.ReleaseAsync(wanted.Quota, ct);
            // "DesiredValue must be greater than the current value": another cycle's increase got there between the
            // re-read and the filing. Concurrency, not a failure.
            if (e.ErrorCode == QuotaServiceException.IllegalArgument && await AlreadyThereAsync(wanted, ct) is { } raced)
            {
                if (approval is not null) await ports.Approvals.UpdateAsync(approval with { Status = ApprovalStatus.Closed, Comment = "quota already at or above the approved value" }, ct);
                return await NotFiledAsync(audit, wanted, raced, ct);
            }
            await BudgetRefund.ForUnfiledAsync(ports, audit, wanted, $"AWS refused it: {e.Message}", ct);
            throw;
        }
        // Any other failure (timeout, network) may or may not have reached AWS: the reservation stays open and the next
        // cycle settles it from the quota's request history, so the quota is never requested twice. Its budget charge
        // stays too: over-counted rather than under.
    }

    /// <summary>Nothing was filed: <paramref name="why"/> is the outcome, and any budget charge for it is given back.</summary>
    private async Task<(ActionOutcome, string)> NotFiledAsync(CycleAudit audit, RequestIncrease wanted, string why, CancellationToken ct)
    {
        await BudgetRefund.ForUnfiledAsync(ports, audit, wanted, why, ct);
        return (ActionOutcome.Skipped, why);
    }

    /// <summary>
    /// Re-reads the quota (<c>GetServiceQuota</c>): a cycle sizes its increase from the value read at its start, and
    /// another cycle's approved increase may have raised it since (8 concurrent cycles: 56 of 90 filings failed with
    /// IllegalArgumentException before this). A failed re-read is not an answer: the filing goes ahead and AWS decides.
    /// </summary>
    /// <returns>Why nothing is filed, or null to file.</returns>
    private async Task<string?> AlreadyThereAsync(RequestIncrease wanted, CancellationToken ct)
    {
        QuotaInfo? now;
        try
        {
            now = await ports.Quotas.GetQuotaAsync(wanted.Quota, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return null;
        }
        return now is not null && now.Value >= wanted.DesiredValue
            ? $"already there: {wanted.Quota} is {DecisionTable.Num(now.Value)} now, at or above the {DecisionTable.Num(wanted.DesiredValue)} wanted; nothing to file"
            : null;
    }
}
