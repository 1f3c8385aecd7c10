using System.Globalization;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Engine.Acting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Engine.Phases;

/// <summary>
/// Phase 2, reconcile: a process that ended between an action's intent and its outcome (killed, timed out) left the
/// intent dangling, and a cycle it ran never got its end record. Each gets one now, from what the stores and AWS say
/// happened. Runs after following what is in flight, so a filing whose answer was lost is already settled. The
/// reconciled record's id is derived from the dangling one's, so two cycles reconciling at once write it once.
/// </summary>
internal sealed class ReconcilePhase(EnginePorts ports, EngineOptions options)
{
    /// <returns>
    /// One line per record reconciled by this cycle, and up to when nothing in the window is left open
    /// (<see cref="ReconciledThrough"/>; null when the list could not be read), for the cycle's end record.
    /// </returns>
    public async Task<(IReadOnlyList<string> Lines, DateTimeOffset? Through)> RunAsync(CycleAudit audit, DateTimeOffset now, CancellationToken ct)
    {
        var until = now - options.ReconcileAfter;
        IReadOnlyList<AuditRecord> unfinished;
        try
        {
            unfinished = await ports.Audit.ListUnfinishedAsync(now - options.ReconcileWindow, until, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await audit.WriteAsync(AuditKind.Error, "-", null, "reconcile", $"could not list unfinished audit records: {e.Message}", ct);
            return ([], null);
        }

        var reconciled = new List<string>();
        var through = until;
        foreach (var record in unfinished)
        {
            if (!await CloseAsync(audit, record, now, reconciled, ct) && record.Timestamp <= through)
                through = record.Timestamp - TimeSpan.FromTicks(1); // left open: a later cycle must still read it
        }
        return (reconciled, through);
    }

    /// <returns>Whether the record is closed now (by this cycle or, at the same time, by another).</returns>
    private async Task<bool> CloseAsync(CycleAudit audit, AuditRecord record, DateTimeOffset now, List<string> reconciled, CancellationToken ct)
    {
        if (record.Details?.GetValueOrDefault(CycleAudit.OwnerKey) is { } owner && options.OwnerAlive(owner)) return false; // still running, only behind the clock
        try
        {
            var closing = record.Kind == AuditKind.Intent ? await OutcomeOfAsync(record, audit.RunId, now, ct) : EndOf(record, audit.RunId, now);
            if (closing is null) return false;
            if (await ports.Audit.TryAppendAsync(closing, ct))
                reconciled.Add($"{record.Action} {record.Id}{(record.Quota is { } q ? $" for {q}" : "")}: {closing.Message}");
            return true; // written now, or by a concurrent cycle under the same id
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await audit.WriteAsync(AuditKind.Error, record.RuleId, record.Quota, "reconcile", $"could not reconcile {record.Action} {record.Id}: {e.Message}", ct);
            return false;
        }
    }

    private static AuditRecord EndOf(AuditRecord start, string byRun, DateTimeOffset now) => new(
        $"{start.RunId}/end-reconciled", start.RunId, now, AuditKind.Cycle, "-", null, "cycle_end",
        $"cycle {start.RunId} did not finish: its process ended before the end record (reconciled by cycle {byRun})",
        Details: new Dictionary<string, string> { ["reconciled_by"] = byRun });

    /// <returns>Null while what happened is not known yet (a reservation the follow phase could not settle): a later cycle reconciles it.</returns>
    private async Task<AuditRecord?> OutcomeOfAsync(AuditRecord intent, string byRun, DateTimeOffset now, CancellationToken ct)
    {
        var (done, detail) = await WhatHappenedAsync(intent, ct);
        if (done is null) return null;
        var message = done.Value ? $"done (reconciled): {detail}" : $"failed (reconciled: process ended before the outcome): {detail}";
        return new AuditRecord($"{intent.Id}/outcome-reconciled", intent.RunId, now, AuditKind.Outcome, intent.RuleId, intent.Quota,
            intent.Action, message, intent.Id, new Dictionary<string, string> { ["reconciled_by"] = byRun });
    }

    private async Task<(bool? Done, string Detail)> WhatHappenedAsync(AuditRecord intent, CancellationToken ct)
    {
        if (intent.Quota is not { } quota) return (false, "what it did is unknown (the intent names no quota)");
        var details = intent.Details ?? new Dictionary<string, string>();
        switch (intent.Action)
        {
            case "request_increase":
                // The follow phase ran first and has settled the reservation from AWS's request history.
                return await ports.Requests.FindRequestAsync(IncreaseFiler.ReservationId(intent.RunId, intent.RuleId), ct) switch
                {
                    null => (false, "nothing was reserved or filed"),
                    { AwsRequestId: { } awsId } filed => (true, $"AWS has request {awsId} ({filed.Status.ToApiName()}) for {DecisionTable.Num(filed.DesiredValue)}"),
                    { Status: RequestStatus.Filing } => (null, "the reservation is not settled yet"),
                    { } refused => (false, refused.Error ?? $"the reservation ended {refused.Status.ToApiName()}"),
                };
            case "start_approval":
                return (await ports.Approvals.ListActiveAsync(ct)).FirstOrDefault(a => a.Quota == quota && a.RuleId == intent.RuleId && a.CreatedAt >= intent.Timestamp) is { } started
                    ? (true, $"approval {started.Id} is {started.Status.ToString().ToLowerInvariant()}")
                    : (false, "no approval from it is active");
            case "notify" when Reconciliation.SeverityOf(details) is { } severity:
                return await ports.Alerts.LastSentAsync(quota, severity, ct) is { } sent && sent >= intent.Timestamp
                    ? (true, string.Create(CultureInfo.InvariantCulture, $"the alert log records it sent at {sent:yyyy-MM-dd HH:mm:ss} UTC"))
                    : (false, "the alert is not recorded as sent");
            case "notify_recovered":
                return (await ports.Alerts.ActiveAsync(ct)).ContainsKey(quota)
                    ? (false, "the quota is still recorded as alerted")
                    : (true, "the quota's alerts are cleared");
            case "create_support_case" when details.GetValueOrDefault(Reconciliation.AwsRequestIdKey) is { } awsId:
                var request = await ports.Requester.GetRequestAsync(quota, awsId, ct);
                return request.CaseId is { } caseId ? (true, $"request {awsId} has support case {caseId}") : (false, $"request {awsId} has no support case");
            default:
                return (false, "what it did is unknown");
        }
    }
}
