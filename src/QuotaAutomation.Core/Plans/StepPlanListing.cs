using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Core.Plans;

/// <summary>
/// Everything a step-plan store holds, as the <c>plans</c> command shows it: the open plans, and the items that do not
/// read as plans (named, so a person can see what a cycle will drop).
/// </summary>
public sealed record StepPlanListing(IReadOnlyList<StepPlan> Plans, IReadOnlyList<UnreadableStepPlan> Unreadable)
{
    /// <summary>A store's items as read (each a plan or an unreadable item), the plans oldest first.</summary>
    public static StepPlanListing Of(IEnumerable<(StepPlan? Plan, UnreadableStepPlan? Unreadable)> read)
    {
        var items = read.ToList();
        return new StepPlanListing(
            items.Select(r => r.Plan).OfType<StepPlan>().OrderBy(p => p.CreatedAt).ThenBy(p => p.Quota.ToString(), StringComparer.Ordinal).ToList(),
            items.Select(r => r.Unreadable).OfType<UnreadableStepPlan>().ToList());
    }
}
