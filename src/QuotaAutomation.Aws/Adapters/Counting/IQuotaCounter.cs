using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Aws.Adapters.Counting;

/// <summary>
/// A usage source for quotas with no usage metric: it counts resources through describe or list APIs
/// (<see cref="UsageSourceKind.DescribeCount"/>) or reads an API that returns usage and limit together
/// (<see cref="UsageSourceKind.AccountLimitApi"/>). One small class per source; <see cref="QuotaCounters.All"/> lists them.
/// <para>
/// A counter is called at most once per account and Region per cycle, for every quota it serves that the cycle wants
/// (<see cref="AwsUsageSource"/>): it follows every page, and its calls go through the account's clients, so the
/// fleet's per-account pacing (<see cref="AccountRateLimit"/>) and the clients' retries apply to them.
/// </para>
/// </summary>
public interface IQuotaCounter
{
    /// <summary>The calls it makes, as a failure or the coverage report names them (<c>ec2:DescribeSubnets</c>).</summary>
    string Name { get; }

    UsageSourceKind Kind { get; }

    /// <summary>The quotas it can count, and how.</summary>
    IReadOnlyList<CountedQuota> Serves { get; }

    /// <summary>
    /// Counts the <paramref name="wanted"/> quotas (a subset of <see cref="Serves"/>) in one account and Region. A quota
    /// it could not count is absent; an AWS error (access denied, throttled after retries) is thrown, and fails only
    /// this counter's quotas for this cycle.
    /// </summary>
    Task<IReadOnlyList<QuotaCount>> CountAsync(CounterScope scope, IReadOnlyCollection<CountedQuota> wanted, CancellationToken ct);
}
