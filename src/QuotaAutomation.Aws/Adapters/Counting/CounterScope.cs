using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Adapters.Counting;

/// <summary>
/// Where a counter counts: one account (null for the caller's own) and Region, through that account's clients. A global
/// service's counter (<see cref="Core.Usage.CountScope.Account"/>) is asked in the Region its quotas name (us-east-1).
/// </summary>
public sealed record CounterScope(AwsClients Clients, string? AccountId, string Region)
{
    /// <summary>A key in this account and Region, for the per-account client getters of <see cref="AwsClients"/>.</summary>
    public QuotaKey Probe(string serviceCode) => new(serviceCode, "-", Region, AccountId);
}
