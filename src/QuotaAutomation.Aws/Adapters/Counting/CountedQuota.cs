using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Aws.Adapters.Counting;

/// <summary>A quota a counter serves: its Service Quotas codes, what one count covers, and what is counted (plural, for "vpc-0abc has 198 of 200 subnets").</summary>
public sealed record CountedQuota(string ServiceCode, string QuotaCode, CountScope Scope, string Counted)
{
    public bool Is(string serviceCode, string quotaCode) =>
        string.Equals(ServiceCode, serviceCode, StringComparison.Ordinal) && string.Equals(QuotaCode, quotaCode, StringComparison.Ordinal);
}
