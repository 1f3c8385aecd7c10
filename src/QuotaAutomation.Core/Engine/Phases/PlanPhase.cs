using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Engine.Phases;

/// <summary>
/// Phase 3b, step plans (issue 16; risk sizing with a plan store only): each open plan of the cycle's quotas is
/// followed, completed or cancelled (<see cref="StepPlanner.Judge"/>), each end audited naming the rule and why; a
/// followed plan's due step replaces the rule's decision, without re-deciding; a new increase sized beyond one fast
/// step becomes a new plan. Nothing is saved here: the act phase saves a plan just before its step's intent, so a plan
/// is recorded only when its step is admitted. Without a store, or under v1, every increase is re-decided each cycle.
/// </summary>
internal sealed class PlanPhase(EnginePorts ports, EngineOptions options)
{
    public async Task<List<RuleResult>> RunAsync(CycleAudit audit, DateTimeOffset now, Evaluation evaluated, CancellationToken ct)
    {
        var results = evaluated.Results;
        if (ports.Plans is not { } store || options.Sizing != SizingPolicy.Risk || options.FastStep is not { } fastStep) return results;
        var offset = results.Count - evaluated.Rules.Count;
        var keys = evaluated.Rules.Concat(evaluated.Disabled).Where(r => r.Targets.IsSingle && !WildcardRules.IsWildcard(r.Quota)).Select(r => r.Quota).Distinct().ToList();
        if (keys.Count == 0) return results;

        IReadOnlyDictionary<QuotaKey, StepPlan> plans;
        try
        {
            plans = await store.LoadAsync(keys, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Not knowing the plans, make none: every increase is decided afresh this cycle (×2 at most), as v1 did.
            await audit.WriteAsync(AuditKind.Error, "-", null, "plan_load", $"could not read the step plans: {e.Message}; this cycle decides every increase afresh and records no plan", ct);
            return results;
        }

        if (plans.Count == 0 && !results.Any(r => r.Decision is RequestIncrease { Target: not null })) return results;
        var denials = plans.Count == 0 ? new Dictionary<QuotaKey, (DateTimeOffset, string)>() : await DenialsAsync(plans.Values.Min(p => p.UpdatedAt), ct);
        var followed = new Dictionary<QuotaKey, StepPlan>();
        foreach (var plan in plans.Values.OrderBy(p => p.Quota.ToString(), StringComparer.Ordinal))
        {
            var index = IndexOf(evaluated.Rules, plan);
            var verdict = Judge(plan, index < 0 ? null : evaluated.Rules[index], index < 0 ? null : results[offset + index], evaluated.Disabled, denials, now, fastStep);
            switch (verdict)
            {
                case FollowStep step:
                    results[offset + index] = results[offset + index] with { Decision = Step(evaluated.Rules[index], results[offset + index], plan, step, now) };
                    followed[plan.Quota] = plan;
                    break;
                case PlanCompleted or PlanCancelled:
                    await EndAsync(audit, store, plan, verdict, ct);
                    break;
                case PlanPaused:
                    followed[plan.Quota] = plan; // kept: another rule on the quota must not plan over it
                    if (index >= 0 && results[offset + index].Decision is NoAction quiet)
                        results[offset + index] = results[offset + index] with { Decision = quiet with { Reason = $"{quiet.Reason}; {verdict.Why}" } };
                    break;
            }
        }

        for (var i = offset; i < results.Count; i++)
        {
            var rule = evaluated.Rules[i - offset];
            if (results[i].Decision is not RequestIncrease wanted || wanted.Plan is not null) continue;
            if (followed.TryGetValue(wanted.Quota, out var other))
                results[i] = results[i] with { Decision = new Held(wanted.RuleId, wanted.Quota, $"{wanted.Quota} follows plan {other.Id} of rule '{other.RuleId}'; wanted {wanted.Reason}", wanted) };
            else if (wanted.Target is { } target && target > wanted.DesiredValue && results[i].Quota is { } quota)
            {
                var plan = NewPlan(audit, rule, quota, wanted, target, now, fastStep);
                results[i] = results[i] with { Decision = wanted with { Plan = plan, NewPlan = true, Reason = $"{wanted.Reason}; step 1 of {plan.Steps.Count} of plan {plan.Id} ({StepPlanner.Describe(plan)})" } };
                followed[quota.Key] = plan; // another rule on the quota waits for this plan's first step
            }
        }
        return results;
    }

    private static int IndexOf(IReadOnlyList<QuotaRule> rules, StepPlan plan)
    {
        for (var i = 0; i < rules.Count; i++)
            if (rules[i].RuleId == plan.RuleId && rules[i].Quota == plan.Quota) return i;
        return -1;
    }

    private PlanVerdict Judge(StepPlan plan, QuotaRule? rule, RuleResult? result, IReadOnlyList<QuotaRule> disabled, Dictionary<QuotaKey, (DateTimeOffset At, string Text)> denials,
        DateTimeOffset now, double fastStep)
    {
        var state = disabled.Any(r => r.RuleId == plan.RuleId && r.Quota == plan.Quota) ? "is disabled" : "was removed (or no longer names this quota)";
        if (rule is null || result is null) return StepPlanner.Judge(plan, null, state, null, null, null, null, fastStep);
        if (result is not { Decision: not Failed, Quota: { } quota, CurrentUsage: { } current, Forecast: { } forecast })
            return StepPlanner.Judge(plan, rule, state, null, null, null, null, fastStep);
        var snapshot = new QuotaSnapshot(quota, current, forecast) { Sizing = options.Sizing };
        double? need = snapshot.Quantiles is null ? null : Sizing.Need(rule, quota, Sizing.SizedUsage(rule, snapshot));
        var band = rule.Thresholds.SeverityOf(snapshot.UtilizationPercent);
        var deferred = rule.BusinessHoursOnly is { } hours && !hours.Contains(now) && band is not Severity.Emergency
            ? $"outside business hours {hours}, only emergencies act" : null;
        // Only a denial after the plan's last step was saved is the plan's: an older one came before the plan.
        var denied = denials.TryGetValue(plan.Quota, out var d) && d.At >= plan.UpdatedAt ? d.Text : null;
        return StepPlanner.Judge(plan, rule, state, quota, need, denied, deferred, fastStep);
    }

    /// <summary>The due step as the rule's increase: routed as the rule routes (auto_request, or the rest of the plan's cost over the threshold with approval_required: each step is approved).</summary>
    private RequestIncrease Step(QuotaRule rule, RuleResult result, StepPlan plan, FollowStep verdict, DateTimeOffset now)
    {
        var quota = result.Quota!; // Judge follows only an evaluated rule: Quota, CurrentUsage and Forecast are set
        var snapshot = new QuotaSnapshot(quota, result.CurrentUsage!.Value, result.Forecast!) { Sizing = options.Sizing };
        var step = plan.Steps[verdict.Index];
        var cost = options.Costs.MonthlyCost(rule.Quota, quota.Value, step);
        var rest = options.Costs.MonthlyCost(rule.Quota, quota.Value, plan.Target);
        var (route, why) = rule.Level switch
        {
            AutomationLevel.AutoRequest => (IncreaseRoute.NeedsApproval, "auto_request: a person approves each step"),
            _ when rule.ApprovalRequired && rest > rule.CostThreshold =>
                (IncreaseRoute.NeedsApproval, $"est. ${Num(cost)}/month (${Num(rest)}/month to the target) exceeds cost_threshold ${Num(rule.CostThreshold)}: approval required"),
            _ => (IncreaseRoute.FileDirectly, $"est. ${Num(cost)}/month{options.Costs.SourceNote(rule.Quota)}"),
        };
        var need = Sizing.Need(rule, quota, Sizing.SizedUsage(rule, snapshot));
        return new RequestIncrease(rule.RuleId, rule.Quota,
            $"{verdict.Why}: {Num(quota.Value)} → {Num(step)} (plan {StepPlanner.Describe(plan)}, made {plan.CreatedAt:yyyy-MM-dd HH:mm} UTC); need now {Num(need)}; {why}",
            rule.Thresholds.SeverityOf(snapshot.UtilizationPercent) ?? Severity.Warning, quota.Value, step, cost, route, snapshot.UtilizationPercent)
        {
            Target = plan.Target,
            Plan = plan with { Next = verdict.Index + 1, UpdatedAt = now },
        };
    }

    private static StepPlan NewPlan(CycleAudit audit, QuotaRule rule, QuotaInfo quota, RequestIncrease wanted, double target, DateTimeOffset now, double fastStep)
    {
        var steps = StepPlanner.Steps(quota, target, fastStep);
        // The decision's first step and the plan's are the same rounding of the same values (Sizing.FirstStep).
        return new StepPlan($"plan-{audit.RunId}-{rule.RuleId}", rule.RuleId, rule.Quota, quota.Value, steps, 1, now, now, wanted.Reason);
    }

    private static async Task EndAsync(CycleAudit audit, IStepPlanStore store, StepPlan plan, PlanVerdict verdict, CancellationToken ct)
    {
        var (action, word) = verdict is PlanCompleted ? ("plan_completed", "completed") : ("plan_cancelled", "cancelled");
        try
        {
            await store.EndAsync(plan, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The plan stays in the store; the next cycle judges it again (a cancelled plan files nothing meanwhile: its decision is the rule's own).
            await audit.WriteAsync(AuditKind.Error, plan.RuleId, plan.Quota, action, $"plan {plan.Id} for {plan.Quota} should end ({verdict.Why}) but could not be ended: {e.Message}", ct);
            return;
        }
        await audit.WriteAsync(AuditKind.StatusChange, plan.RuleId, plan.Quota, action,
            $"plan {plan.Id} for {plan.Quota} ({StepPlanner.Describe(plan)}) {word}: {verdict.Why}", ct, details: Details(plan));
    }

    /// <summary>The latest denial of each quota (a request AWS denied, an approval a person denied) since <paramref name="since"/>, in words, with when.</summary>
    private async Task<Dictionary<QuotaKey, (DateTimeOffset At, string Text)>> DenialsAsync(DateTimeOffset since, CancellationToken ct)
    {
        var denied = new Dictionary<QuotaKey, (DateTimeOffset At, string Text)>();
        foreach (var r in await ports.Requests.ListDeniedSinceAsync(since, ct))
            Keep(denied, r.Quota, r.UpdatedAt, $"AWS answered {r.Status.ToApiName()} to request {r.AwsRequestId ?? r.Id} for {Num(r.DesiredValue)} at {r.UpdatedAt:yyyy-MM-dd HH:mm} UTC");
        foreach (var a in await ports.Approvals.ListDeniedSinceAsync(since, ct))
            Keep(denied, a.Quota, a.DecidedAt ?? a.CreatedAt, $"{a.DecidedBy ?? "an approver"} denied approval {a.Id} for {Num(a.DesiredValue)} at {a.DecidedAt ?? a.CreatedAt:yyyy-MM-dd HH:mm} UTC");
        return denied;

        static void Keep(Dictionary<QuotaKey, (DateTimeOffset At, string Text)> denied, QuotaKey quota, DateTimeOffset at, string text)
        {
            if (!denied.TryGetValue(quota, out var known) || known.At < at) denied[quota] = (at, text);
        }
    }

    public static IReadOnlyDictionary<string, string> Details(StepPlan plan) => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["plan_id"] = plan.Id,
        ["steps"] = string.Join(",", plan.Steps.Select(s => s.ToString("R", System.Globalization.CultureInfo.InvariantCulture))),
        ["next"] = plan.Next.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static string Num(double v) => DecisionTable.Num(v);
}
