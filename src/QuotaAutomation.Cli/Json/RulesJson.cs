using System.Text.Json.Serialization;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Cli.Json;

/// <summary><c>rules list --output json</c>: each stored rule with every setting as the engine reads it (defaults applied), named as in a rules file.</summary>
internal sealed record RulesDocument(IReadOnlyList<RuleDocument> Rules);

/// <param name="Valid">False for a rule the engine rejects; <paramref name="Error"/> then says why and the settings are absent.</param>
/// <param name="BusinessHours">The window when <c>business_hours_only</c> is set (e.g. <c>Mon,Tue,Wed,Thu,Fri 09:00-18:00 UTC</c>), else absent.</param>
internal sealed record RuleDocument(
    string RuleId,
    bool Valid,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ServiceCode = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? QuotaCode = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Region = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AccountId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AutomationLevel = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? ThresholdWarning = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? ThresholdCritical = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? ThresholdEmergency = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? AutoIncreaseMultiplier = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? MaxAutoIncrease = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? ApprovalRequired = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? BusinessHoursOnly = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? BusinessHours = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? CostThreshold = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? ForecastHorizonHours = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? BreachRisk = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Enabled = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Approvers = null)
{
    public static RuleDocument Of(RawRule raw)
    {
        var parsed = RuleParser.Parse(raw);
        if (!parsed.Success) return new RuleDocument(RuleParser.NameOf(raw), false, parsed.Error);
        var r = parsed.Value;
        return new RuleDocument(r.RuleId, true, null, r.Quota.ServiceCode, r.Quota.QuotaCode, r.Quota.Region, r.Quota.AccountId, r.Level.ToRuleName(),
            r.Thresholds.Warning, r.Thresholds.Critical, r.Thresholds.Emergency, r.IncreaseMultiplier, r.MaxAutoIncrease, r.ApprovalRequired,
            r.BusinessHoursOnly is not null, r.BusinessHoursOnly?.ToString(), r.CostThreshold, r.ForecastHorizon.TotalHours, r.BreachRisk, r.Enabled, r.Approvers);
    }
}
