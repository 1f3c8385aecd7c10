using System.Collections.Concurrent;
using QuotaAutomation.Aws.Clients;

namespace QuotaAutomation.Aws.Adapters;

/// <summary>
/// The Regions an account can use (Account API <c>ListRegions</c> with <c>RegionOptStatusContains</c> ENABLED and
/// ENABLED_BY_DEFAULT), asked from the management account or a delegated administrator, and kept for
/// <paramref name="freshFor"/>: opting a Region in or out is rare and slow (hours), while <c>ListRegions</c> allows 5
/// calls a second per account (AWS Account Management quotas), so a 1,000-account fleet would spend 200 s a run asking.
/// </summary>
/// <param name="callerAccountId">
/// The account the credentials belong to (the management account): the API refuses an <c>AccountId</c> naming the
/// caller's own account, which is asked without one.
/// </param>
public sealed class AwsEnabledRegions(AccountClient account, string? callerAccountId, TimeProvider time, TimeSpan? freshFor = null)
{
    /// <summary>How long an answer is kept when no other time is given.</summary>
    public static readonly TimeSpan DefaultFreshFor = TimeSpan.FromHours(24);

    private readonly TimeSpan _freshFor = freshFor ?? DefaultFreshFor;
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, IReadOnlyList<string> Regions)> _cache = new(StringComparer.Ordinal);

    /// <summary>The account's enabled Regions, sorted; from the cache while fresh.</summary>
    public async Task<IReadOnlyList<string>> ForAsync(string accountId, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountId);
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(accountId, out var kept) && now - kept.At < _freshFor) return kept.Regions;
        var regions = new SortedSet<string>(StringComparer.Ordinal);
        string? next = null;
        do
        {
            var page = await account.ListRegionsAsync(new ListRegionsRequest
            {
                AccountId = accountId == callerAccountId ? null : accountId,
                MaxResults = 50,
                NextToken = next,
                RegionOptStatusContains = ["ENABLED", "ENABLED_BY_DEFAULT"],
            }, ct);
            foreach (var region in page.Regions ?? [])
                if (region.RegionName is { Length: > 0 } name && region.RegionOptStatus is "ENABLED" or "ENABLED_BY_DEFAULT") regions.Add(name);
            next = Paging.Next(next, page.NextToken, "ListRegions");
        }
        while (next is not null);
        IReadOnlyList<string> list = [.. regions];
        _cache[accountId] = (now, list);
        return list;
    }
}
