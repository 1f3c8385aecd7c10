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

    /// <summary>
    /// The value every account created in the organization should start with for this quota in the rule's Regions
    /// (the quota request template, <see cref="Fleet.TemplatePlan"/>); null: the rule asks for no template entry.
    /// </summary>
    public double? TemplateValue { get; init; }

    /// <summary>
    /// The rule's risk appetite (issue 16): the accepted chance that the horizon's peak exceeds what the increase is
    /// sized for. An increase is sized to the (1 − breach_risk) quantile of the forecast peak ÷ the warning threshold;
    /// the default, 0.01, sizes to the p99.
    /// </summary>
    public double BreachRisk { get; init; } = DefaultBreachRisk;

    /// <summary>What the organization's policies changed about this rule this cycle, as people read it; null: nothing (docs/governance.md).</summary>
    public string? PolicyNotes { get; init; }

    /// <summary>True for a rule over several accounts or Regions (or with a standby): only the fleet runs it, one shard at a time.</summary>
    public bool IsFleetRule => !Targets.IsSingle;

    public const double DefaultMultiplier = 1.5;
    public const double DefaultBreachRisk = 0.01;
    public const double DefaultMaxAutoIncrease = 10_000;
    public const double DefaultCostThreshold = 1_000;
    public static readonly TimeSpan DefaultForecastHorizon = TimeSpan.FromHours(168);

    /// <summary>A rule with the seed's defaults, for tests and samples.</summary>
    public static QuotaRule WithDefaults(string ruleId, QuotaKey quota, AutomationLevel level) => new(
        ruleId, quota, level, Thresholds.Default, DefaultMultiplier, DefaultMaxAutoIncrease,
        ApprovalRequired: false, BusinessHoursOnly: null, DefaultCostThreshold, DefaultForecastHorizon, Enabled: true);
}
