using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Decisions;

/// <summary>What a cycle does with a quota's open step plan (<see cref="StepPlanner.Judge"/>): a closed set.</summary>
public abstract record PlanVerdict(string Why);

/// <summary>File the plan's step at <paramref name="Index"/> (the first step above the quota in force): the previous one was granted.</summary>
public sealed record FollowStep(int Index, string Why) : PlanVerdict(Why);

/// <summary>The quota in force reached the plan's target: the plan ends.</summary>
public sealed record PlanCompleted(string Why) : PlanVerdict(Why);

/// <summary>The plan ends unfinished: <see cref="PlanVerdict.Why"/> says why (usage no longer needs it, the rule changed, a step was denied).</summary>
public sealed record PlanCancelled(string Why) : PlanVerdict(Why);

/// <summary>The plan stays as it is and nothing is filed this cycle (the rule failed to evaluate, or business hours defer it).</summary>
public sealed record PlanPaused(string Why) : PlanVerdict(Why);

/// <summary>
/// Step plans (issue 16), pure: an increase to more than <see cref="Sizing.FastStep"/> × the quota is planned once as
/// steps of at most that multiple, the last the target, and followed as each is granted instead of re-decided every
/// cycle. Which step is due is read from the quota in force (the first step above it), not from a counter, so a
/// cycle that ended between saving a plan and filing its step files that step again rather than skipping it.
/// </summary>
public static class StepPlanner
{
    /// <summary>
    /// The values to ask for, ascending, from the quota's value to <paramref name="target"/>: each at most
    /// <paramref name="fastStep"/> × the one before (whole units for counts, rounded down as <see cref="Sizing.FirstStep"/>
    /// does), the last the target. One value when the target is within one step.
    /// </summary>
    public static IReadOnlyList<double> Steps(QuotaInfo quota, double target, double fastStep)
    {
        ArgumentNullException.ThrowIfNull(quota);
        if (!(fastStep > 1)) throw new ArgumentOutOfRangeException(nameof(fastStep), fastStep, "a step must multiply by more than 1");
        var steps = new List<double>();
        var at = quota;
        while (at.Value > 0 && target > fastStep * at.Value)
        {
            var next = Sizing.FirstStep(at, target, fastStep);
            if (next <= at.Value) break; // a value too small to step up (0.004 × 2 in cents): ask for the target
            steps.Add(next);
            at = at with { Value = next };
        }
        steps.Add(target);
        return steps;
    }

    /// <summary>
    /// What this cycle does with <paramref name="plan"/>. Checked in order: the rule is gone or disabled (cancel), it
    /// failed to evaluate this cycle (pause), it no longer increases (cancel), the target is reached (complete), a step
    /// was denied (cancel), the need is unknown (pause), the need is at or below the quota in force (cancel), the due step is above the rule's cap or
    /// more than one fast step above the quota in force (cancel), business hours defer it (pause); else follow.
    /// </summary>
    /// <param name="rule">The plan's rule as parsed this cycle; null when it is gone or disabled (<paramref name="ruleState"/> says which).</param>
    /// <param name="quota">The quota as read this cycle; null when the rule failed to evaluate.</param>
    /// <param name="need">This cycle's need (<see cref="Sizing.Need"/>); null when the forecast has no quantiles (or the rule failed to evaluate).</param>
    /// <param name="denied">A denial of the quota's request or approval since the plan's last step, in words; null when none.</param>
    /// <param name="deferred">Why the rule acts on nothing now though it could (outside its business hours, not an emergency); null otherwise.</param>
    public static PlanVerdict Judge(StepPlan plan, QuotaRule? rule, string ruleState, QuotaInfo? quota, double? need, string? denied, string? deferred, double fastStep)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (rule is null) return new PlanCancelled($"rule '{plan.RuleId}' {ruleState}");
        if (quota is null) return new PlanPaused($"rule '{rule.RuleId}' could not be evaluated this cycle: the plan waits");
        if (rule.Level is AutomationLevel.MonitorOnly or AutomationLevel.AlertOnly)
            return new PlanCancelled($"rule '{rule.RuleId}' is {rule.Level.ToRuleName()} now: it asks for no increase");
        if (quota.Value >= plan.Target)
            return new PlanCompleted($"{quota.Key} is {Num(quota.Value)}, at or above the plan's target {Num(plan.Target)}");
        if (denied is not null) return new PlanCancelled($"a step was denied: {denied}");
        // A forecast with no quantiles (it failed this cycle) says nothing of the risk: neither cancel nor file on it.
        if (need is null) return new PlanPaused($"the forecast of {quota.Key} has no quantiles this cycle, so the need cannot be judged: the plan waits");
        if (need <= quota.Value)
            return new PlanCancelled($"usage no longer needs it: the need is {Num(need.Value)} ({Sizing.LevelName(rule)} of the peak ÷ warning {Num(rule.Thresholds.Warning)}%), at or below the quota in force {Num(quota.Value)}");
        var index = Enumerable.Range(0, plan.Steps.Count).First(i => plan.Steps[i] > quota.Value); // the target is above the quota
        var step = plan.Steps[index];
        if (step > Sizing.Cap(rule))
            return new PlanCancelled($"step {index + 1} ({Num(step)}) is above the rule's cap: max_auto_increase {Num(rule.MaxAutoIncrease)}");
        if (quota.Value <= 0 || step > fastStep * quota.Value)
            return new PlanCancelled($"the quota in force {Num(quota.Value)} is below the plan's steps (planned from {Num(plan.StartValue)}): step {index + 1} ({Num(step)}) would be more than ×{Num(fastStep)}");
        if (deferred is not null) return new PlanPaused($"step {index + 1} of plan {plan.Id} deferred: {deferred}");
        return new FollowStep(index, index == 0
            ? $"step 1 of {plan.Steps.Count} of plan {plan.Id}"
            : $"step {index + 1} of {plan.Steps.Count} of plan {plan.Id}: step {index} ({Num(plan.Steps[index - 1])}) was granted");
    }

    /// <summary>The plan's steps as one line: <c>100 → 200 → 400 → 1,000</c>.</summary>
    public static string Describe(StepPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return string.Join(" → ", plan.Steps.Prepend(plan.StartValue).Select(Num));
    }

    private static string Num(double v) => DecisionTable.Num(v);
}
