using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Aws.Adapters.Counting;

/// <summary>
/// One count of a quota in one account and Region. <paramref name="Fullest"/> is set for a per-resource quota (its
/// usage is that resource's); <paramref name="Limit"/> is the limit an account-limit API returned with the usage (the
/// applied value still comes from Service Quotas; this one is shown beside it).
/// </summary>
public sealed record QuotaCount(CountedQuota Quota, double Used, FullestResource? Fullest = null, double? Limit = null);
