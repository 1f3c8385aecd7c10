using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Core.Plans;

/// <summary>
/// Everything a step-plan store holds, as the <c>plans</c> command shows it: the open plans, and the items that do not
/// read as plans (named, so a person can see what a cycle will drop).
/// </summary>
public sealed record StepPlanListing(IReadOnlyList<StepPlan> Plans, IReadOnlyList<UnreadableStepPlan> Unreadable);
