using QuotaAutomation.Core.Actions;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Engine.Phases;

/// <summary>
/// The decisions a cycle may act on: <see cref="Decisions"/> holds one per rule result (in the same order), then the
/// approved increases whose rule is gone; <see cref="Approved"/> are the approvals a person granted.
/// </summary>
internal sealed record AdmittedDecisions(
    IReadOnlyList<RuleResult> Results,
    IReadOnlyList<QuotaDecision> Decisions,
    IReadOnlyList<ApprovalRequest> Approved);

/// <summary>
/// Phase 4, admit: approved increases take their rule's place, then <see cref="RequestAdmission"/> holds what AWS's
/// limits, open requests, waiting approvals and recent denials do not allow now, and the monthly budgets send what they
/// cannot pay for to a person (<see cref="BudgetReview"/>). Every decision is audited here.
/// </summary>
internal sealed class AdmitPhase(EnginePorts ports, EngineOptions options)
{
    private readonly BudgetReview _budgets = new(ports, options);

    /// <param name="policies">The cycle's policies: their monthly budgets are charged here, for what is to be filed (<see cref="BudgetReview"/>).</param>
    public async Task<AdmittedDecisions> RunAsync(CycleAudit audit, DateTimeOffset now, InFlightState inFlightState, IReadOnlyList<RuleResult> results,
        IReadOnlyList<Governance.QuotaPolicy> policies, CancellationToken ct)
    {
        var approvals = inFlightState.ActiveApprovals;
        var approved = approvals.Where(a => a.Status == ApprovalStatus.Approved).ToList();
        var quotaValues = results.Where(r => r.Quota is not null).GroupBy(r => r.Decision.Quota).ToDictionary(g => g.Key, g => g.First().Quota!.Value);
        var orphans = approved // approved, but the rule is gone or disabled: a person said yes, so it is still filed
            .Where(a => !results.Any(r => r.Decision.RuleId == a.RuleId && r.Decision.Quota == a.Quota))
            .Select(a => ToIncrease(a, quotaValues));
        var candidates = results.Select(r => WithApprovals(r.Decision, approved, quotaValues)).Concat(orphans).ToList();
        var inFlight = new InFlight(
            inFlightState.OpenRequests.Select(r => r.Quota).ToList(),
            approvals.Where(a => a.Status == ApprovalStatus.Waiting).Select(a => a.Quota).ToList(),
            // Recent denials hold only increases: a cycle where nothing wants one (most, in a calm fleet) skips both reads.
            candidates.Any(d => d is RequestIncrease) ? await RecentlyDeniedAsync(now, ct) : null);
        var admitted = await _budgets.ApplyAsync(RequestAdmission.Admit(candidates, inFlight, options.Limits), policies, now, ct);

        var admittedResults = results.Select((r, i) => r with { Decision = admitted[i] }).ToList();
        var quiet = options.DigestQuietDecisions ? admitted.OfType<NoAction>().ToList() : [];
        foreach (var decision in admitted.Where(d => !options.DigestQuietDecisions || d is not NoAction)) await AuditDecisionAsync(audit, decision, ct);
        foreach (var digest in quiet.Chunk(QuietDecisions.PerRecord))
            await audit.WriteAsync(AuditKind.Decision, "-", null, QuietDecisions.Action, $"{digest.Length} rules: no action", ct,
                details: digest.ToDictionary(d => QuietDecisions.KeyOf(d.RuleId), d => QuietDecisions.Entry(d.Quota, d.Reason), StringComparer.Ordinal));
        return new AdmittedDecisions(admittedResults, admitted, approved);
    }

    private async Task<Dictionary<QuotaKey, string>> RecentlyDeniedAsync(DateTimeOffset now, CancellationToken ct)
    {
        var since = now - options.DenialQuietPeriod;
        var denied = new Dictionary<QuotaKey, string>();
        foreach (var r in await ports.Requests.ListDeniedSinceAsync(since, ct))
            denied[r.Quota] = $"AWS answered {r.Status.ToApiName()} to request {r.AwsRequestId ?? r.Id} at {r.UpdatedAt:yyyy-MM-dd HH:mm}; not asking again before {r.UpdatedAt + options.DenialQuietPeriod:yyyy-MM-dd HH:mm} UTC";
        foreach (var a in await ports.Approvals.ListDeniedSinceAsync(since, ct))
        {
            var at = a.DecidedAt ?? a.CreatedAt;
            denied[a.Quota] = $"{a.DecidedBy ?? "an approver"} denied approval {a.Id} at {at:yyyy-MM-dd HH:mm}; not asking again before {at + options.DenialQuietPeriod:yyyy-MM-dd HH:mm} UTC";
        }
        return denied;
    }

    /// <summary>
    /// A rule whose increase a person approved files that increase, whatever it would decide now; another rule
    /// wanting the same quota waits for it.
    /// </summary>
    private static QuotaDecision WithApprovals(QuotaDecision decision, IReadOnlyList<ApprovalRequest> approved, IReadOnlyDictionary<QuotaKey, double> quotaValues)
    {
        if (decision is Failed || approved.FirstOrDefault(a => a.Quota == decision.Quota) is not { } approval) return decision;
        if (approval.RuleId == decision.RuleId) return ToIncrease(approval, quotaValues);
        return decision is RequestIncrease wanted
            ? new Held(wanted.RuleId, wanted.Quota, $"rule '{approval.RuleId}' has an approved request for {wanted.Quota} to file first; wanted {wanted.Reason}", wanted)
            : decision;
    }

    private static RequestIncrease ToIncrease(ApprovalRequest a, IReadOnlyDictionary<QuotaKey, double> quotaValues) => new(
        a.RuleId, a.Quota,
        $"approval {a.Id} granted by {a.DecidedBy ?? "an approver"}: {DecisionTable.Num(a.CurrentValue)} → {DecisionTable.Num(a.DesiredValue)}",
        a.Severity, quotaValues.GetValueOrDefault(a.Quota, a.CurrentValue), a.DesiredValue, a.EstimatedMonthlyCost,
        IncreaseRoute.FileDirectly, a.UtilizationPercent) { ApprovalId = a.Id };

    private static async Task AuditDecisionAsync(CycleAudit audit, QuotaDecision decision, CancellationToken ct)
    {
        var kind = decision is Failed ? AuditKind.Error : AuditKind.Decision;
        if (decision is Failed && decision.Quota == Failed.Unknown) return; // rejected rules were audited when parsed
        await audit.WriteAsync(kind, decision.RuleId, decision.Quota, decision.Kind, decision.Reason, ct);
    }
}
