namespace QuotaAutomation.Core.Rules;

/// <summary>The names people type for <see cref="AutomationLevel"/> (<c>full_auto</c>), used wherever a level is shown back to them.</summary>
public static class AutomationLevelNames
{
    /// <summary>The rule attribute's spelling: <c>monitor_only</c>, <c>alert_only</c>, <c>auto_request</c>, <c>auto_approve</c>, <c>full_auto</c>.</summary>
    public static string ToRuleName(this AutomationLevel level) => level switch
    {
        AutomationLevel.MonitorOnly => "monitor_only",
        AutomationLevel.AlertOnly => "alert_only",
        AutomationLevel.AutoRequest => "auto_request",
        AutomationLevel.AutoApprove => "auto_approve",
        AutomationLevel.FullAuto => "full_auto",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "not an automation level"),
    };
}
