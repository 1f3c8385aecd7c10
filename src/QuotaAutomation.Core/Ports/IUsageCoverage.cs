using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Core.Ports;

/// <summary>A quota of an account and Region, and how it is observed (<see cref="UsageSourceKind.None"/>: not at all).</summary>
/// <param name="SourceName">The source within its kind: the metric (<c>AWS/Usage ResourceCount</c>), the counter (<c>ec2:DescribeSubnets</c>), the Trusted Advisor check.</param>
public sealed record ObservableQuota(QuotaKey Key, string QuotaName, UsageSourceKind Source, string? SourceName);

/// <summary>
/// Which quotas of an account and Region some usage source observes: what a wildcard rule (<c>service_code: "*"</c>,
/// <c>quota_code: "*"</c>) expands to each cycle, and what <c>quota-automation quotas coverage</c> lists.
/// </summary>
public interface IUsageCoverage
{
    /// <param name="accountId">Null for the caller's own account.</param>
    /// <param name="serviceCode">One service's quotas, or null for every service's.</param>
    /// <param name="includeUnobserved">Also list the quotas nothing observes (<see cref="UsageSourceKind.None"/>): the coverage report wants them, a wildcard does not.</param>
    Task<IReadOnlyList<ObservableQuota>> ListAsync(string? accountId, string region, string? serviceCode, bool includeUnobserved, CancellationToken ct);
}
