namespace QuotaAutomation.Cli.Json;

/// <summary><c>plans --output json</c>: the open step plans, oldest first, and the stored items that do not read as plans.</summary>
internal sealed record PlansDocument(IReadOnlyList<PlanDocument> Plans, IReadOnlyList<UnreadablePlanDocument> Unreadable);

/// <param name="Quota">The quota's key as the audit writes it (<c>ec2/L-1216C47A@us-east-1</c>, <c>…#account</c> for a member account's).</param>
/// <param name="StartValue">The quota when the plan was made.</param>
/// <param name="Steps">The values to request, ascending; the last is <paramref name="Target"/>.</param>
/// <param name="Next">The index in <paramref name="Steps"/> of the step to file next (0 is the first); <c>steps.length</c> when every step is filed.</param>
/// <param name="NextValue">That step's value; null when every step is filed.</param>
internal sealed record PlanDocument(string Id, string RuleId, string Quota, double StartValue, IReadOnlyList<double> Steps, int Next, double? NextValue, double Target,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string Reason);

/// <param name="Item">The item as its store names it (table and key).</param>
/// <param name="Field">The first field found wrong.</param>
internal sealed record UnreadablePlanDocument(string Item, string Field, string Problem, string? RuleId, string? Quota);
