namespace QuotaAutomation.Core.Fleet;

/// <summary>
/// A rule running in a shard as a failover standby: its quota there is kept at the primary's peak over
/// <paramref name="PeakWindowDays"/> × <paramref name="Factor"/>.
/// </summary>
public sealed record ParityLink(string RuleId, string ServiceCode, string QuotaCode, string PrimaryAccountId, string PrimaryRegion, double Factor, double PeakWindowDays);
