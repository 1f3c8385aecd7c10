namespace QuotaAutomation.Core.Rules;

/// <summary>How far a rule lets the engine go on its own (the seed's five levels).</summary>
public enum AutomationLevel
{
    /// <summary>Record usage and forecasts; never alert or request.</summary>
    MonitorOnly,
    /// <summary>Alert at every threshold; never request.</summary>
    AlertOnly,
    /// <summary>Ask a person to approve an increase at critical and emergency; nothing is filed before that.</summary>
    AutoRequest,
    /// <summary>File increases at critical and emergency; approval only when costly and <c>approval_required</c>.</summary>
    AutoApprove,
    /// <summary>As <see cref="AutoApprove"/>, and a pre-emptive increase already at warning.</summary>
    FullAuto,
}
