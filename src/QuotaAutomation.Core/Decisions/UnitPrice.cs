namespace QuotaAutomation.Core.Decisions;

/// <summary>
/// What one unit of a quota costs per hour when it is used, and what that unit is. <paramref name="Key"/> is a service
/// code (<c>ec2</c>: every quota of the service) or <c>service/QuotaCode</c> (<c>lambda/L-B99A9384</c>: that quota).
/// </summary>
public sealed record UnitPrice(string Key, double UsdPerUnitHour, string Unit, string Source);
