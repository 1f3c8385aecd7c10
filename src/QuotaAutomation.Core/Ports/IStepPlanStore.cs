using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Ports;

/// <summary>
/// An increase larger than one fast step, planned once (issue 16): the values to ask for in order (each at most ×2 the
/// one before, the last the target), and which is next. Followed step by step as each is granted, instead of
/// re-deciding every cycle; ended when completed or cancelled (usage no longer needs it, the rule changed, a step was
/// denied).
/// </summary>
/// <param name="Id">Ours, stable for the plan's life; the audit records of its steps carry it.</param>
/// <param name="Steps">The values to request, ascending; the last is the target.</param>
/// <param name="Next">The index in <paramref name="Steps"/> of the step to file next; <c>Steps.Count</c> when all are filed.</param>
public sealed record StepPlan(
    string Id,
    string RuleId,
    QuotaKey Quota,
    double StartValue,
    IReadOnlyList<double> Steps,
    int Next,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string Reason)
{
    public double Target => Steps[^1];

    public bool Completed => Next >= Steps.Count;
}

/// <summary>Open step plans, at most one per quota. Written before a step's intent, so a crash between them leaves the plan to follow.</summary>
public interface IStepPlanStore
{
    /// <summary>
    /// The open plans of <paramref name="quotas"/> (one per quota at most). A stored item that does not read as a plan is
    /// not returned: the store audits it (naming the item and field) and drops it, so the quota is decided afresh.
    /// </summary>
    Task<IReadOnlyDictionary<QuotaKey, StepPlan>> LoadAsync(IReadOnlyCollection<QuotaKey> quotas, CancellationToken ct);

    /// <summary>Every open plan (the CLI's listing).</summary>
    Task<IReadOnlyList<StepPlan>> ListAsync(CancellationToken ct);

    /// <summary>
    /// Creates the quota's plan, or replaces it with the same plan (same <see cref="StepPlan.Id"/>) moved on. A different
    /// plan for a quota that has one is refused with an <see cref="InvalidOperationException"/> (a conditional write: two
    /// cycles cannot both plan one quota): end the old plan first to make a new one.
    /// </summary>
    Task SaveAsync(StepPlan plan, CancellationToken ct);

    /// <summary>Ends the quota's plan (completed or cancelled; the audit says which and why). Ending a plan that is gone is not an error.</summary>
    Task EndAsync(StepPlan plan, CancellationToken ct);
}
