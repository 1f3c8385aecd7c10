namespace QuotaAutomation.Core.Governance;

/// <summary>One thing a policy changed about what a rule may do: which policy won, on which field, and how.</summary>
/// <param name="Field">The rule's field or the request's part the policy overrode (<c>max_auto_increase</c>, <c>automation_level</c>, <c>value</c>, <c>route</c>).</param>
public sealed record PolicyOverride(string PolicyId, string Field, string What)
{
    public override string ToString() => $"policy '{PolicyId}': {What}";
}
