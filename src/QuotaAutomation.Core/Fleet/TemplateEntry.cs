namespace QuotaAutomation.Core.Fleet;

/// <summary>
/// One increase in the organization's quota request template: every account created in the organization afterwards
/// has <see cref="DesiredValue"/> requested for the quota in <see cref="Region"/>.
/// </summary>
/// <param name="RuleId">The rule that asks for it; null for an entry read from AWS.</param>
public sealed record TemplateEntry(string ServiceCode, string QuotaCode, string Region, double DesiredValue, string? RuleId = null)
{
    /// <summary>What identifies an entry in the template: one per quota and Region.</summary>
    public (string ServiceCode, string QuotaCode, string Region) Key => (ServiceCode, QuotaCode, Region);

    public override string ToString() => $"{ServiceCode}/{QuotaCode}@{Region}";
}
