using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Rules;

/// <summary>
/// A validated automation rule. Build one with <see cref="RuleParser"/>; its invariants
/// (ordered thresholds, multiplier &gt; 1, positive cap and horizon) hold for every instance it returns.
/// </summary>
/// <param name="Approvers">ARN patterns of who may decide this rule's approvals (replacing <c>QA_APPROVERS</c>); null: the global list.</param>
public sealed record QuotaRule(
    string RuleId,
    QuotaKey Quota,
    AutomationLevel Level,
    Thresholds Thresholds,
    double IncreaseMultiplier,
    double MaxAutoIncrease,
    bool ApprovalRequired,
    BusinessHours? BusinessHoursOnly,
    double CostThreshold,
    TimeSpan ForecastHorizon,
    bool Enabled,
    IReadOnlyList<string>? Approvers = null)
{
    /// <summary>Where the rule applies; a rule built in code applies to its quota key's account and Region.</summary>
    public RuleTargets Targets { get; init; } = RuleTargets.Exactly(Quota.Region, Quota.AccountId);

    /// <summary>True for a rule over several accounts or Regions (or with a standby): only the fleet runs it, one shard at a time.</summary>
    public bool IsFleetRule => !Targets.IsSingle;

    public const double DefaultMultiplier = 1.5;
    public const double DefaultMaxAutoIncrease = 10_000;
    public const double DefaultCostThreshold = 1_000;
    public static readonly TimeSpan DefaultForecastHorizon = TimeSpan.FromHours(168);

    /// <summary>A rule with the seed's defaults, for tests and samples.</summary>
    public static QuotaRule WithDefaults(string ruleId, QuotaKey quota, AutomationLevel level) => new(
        ruleId, quota, level, Thresholds.Default, DefaultMultiplier, DefaultMaxAutoIncrease,
        ApprovalRequired: false, BusinessHoursOnly: null, DefaultCostThreshold, DefaultForecastHorizon, Enabled: true);
}
