namespace QuotaAutomation.Core.Decisions;

/// <summary>The threshold band a quota's utilisation is in; higher is more urgent.</summary>
public enum Severity
{
    Warning = 1,
    Critical = 2,
    Emergency = 3,
}
