using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Actions;

/// <summary>
/// AWS's limits on open quota increase requests (Service Quotas docs): one per quota, two per Region,
/// twenty per account. Configurable because AWS may change them.
/// </summary>
public sealed record RequestLimits(int PerQuota, int PerRegion, int PerAccount)
{
    public static RequestLimits Aws { get; } = new(1, 2, 20);
}

/// <summary>
/// What is already in flight: requests open at AWS, quotas waiting on a person's approval, and quotas whose last
/// increase was refused recently (by a person or by AWS), with why, so the engine does not ask again at once.
/// </summary>
public sealed record InFlight(
    IReadOnlyCollection<QuotaKey> OpenRequests,
    IReadOnlyCollection<QuotaKey> AwaitingApproval,
    IReadOnlyDictionary<QuotaKey, string>? RecentlyDenied = null)
{
    public static InFlight None { get; } = new([], []);
}

/// <summary>
/// Chooses which wanted increases may go ahead this cycle. Pure. Invariants (property-tested): never a second request
/// for a quota with one open or awaiting approval; never more open than <see cref="RequestLimits"/> allow per quota,
/// Region and account; when limits bind, the most urgent (severity, then utilisation) go first.
/// </summary>
public static class RequestAdmission
{
    /// <returns>The decisions in their original order, with each increase that may not go ahead replaced by <see cref="Held"/>.</returns>
    public static IReadOnlyList<QuotaDecision> Admit(IReadOnlyList<QuotaDecision> decisions, InFlight inFlight, RequestLimits limits)
    {
        ArgumentNullException.ThrowIfNull(decisions);
        ArgumentNullException.ThrowIfNull(inFlight);
        ArgumentNullException.ThrowIfNull(limits);

        var perQuota = new Dictionary<QuotaKey, int>();
        var perRegion = new Dictionary<(string, string), int>();
        var perAccount = new Dictionary<string, int>();
        foreach (var key in inFlight.OpenRequests)
        {
            Increment(perQuota, key);
            Increment(perRegion, (key.AccountOrSelf, key.Region));
            Increment(perAccount, key.AccountOrSelf);
        }
        foreach (var key in inFlight.AwaitingApproval) Increment(perQuota, key);

        var result = decisions.ToArray();
        var byUrgency = result
            .Select((decision, index) => (decision, index))
            .Where(x => x.decision is RequestIncrease)
            .OrderByDescending(x => ((RequestIncrease)x.decision).Severity)
            .ThenByDescending(x => ((RequestIncrease)x.decision).UtilizationPercent)
            .ThenBy(x => x.decision.RuleId, StringComparer.Ordinal)
            .ToList();

        foreach (var (decision, index) in byUrgency)
        {
            var wanted = (RequestIncrease)decision;
            var key = wanted.Quota;
            var region = (key.AccountOrSelf, key.Region);
            var why = inFlight.RecentlyDenied?.GetValueOrDefault(key) is { } denied ? denied
                : Count(perQuota, key) >= limits.PerQuota
                ? $"a request or approval for {key} is already open"
                : wanted.Route == IncreaseRoute.NeedsApproval ? null // files nothing yet: takes no Region or account slot
                : Count(perRegion, region) >= limits.PerRegion ? $"{limits.PerRegion} requests already open in {key.Region} (AWS limit)"
                : Count(perAccount, key.AccountOrSelf) >= limits.PerAccount ? $"{limits.PerAccount} requests already open in account {key.AccountOrSelf} (AWS limit)"
                : null;
            if (why is not null)
            {
                result[index] = new Held(wanted.RuleId, key, $"{why}; wanted {wanted.Reason}", wanted);
                continue;
            }
            Increment(perQuota, key);
            if (wanted.Route == IncreaseRoute.FileDirectly)
            {
                Increment(perRegion, region);
                Increment(perAccount, key.AccountOrSelf);
            }
        }
        return result;
    }

    private static int Count<TKey>(Dictionary<TKey, int> counts, TKey key) where TKey : notnull =>
        counts.GetValueOrDefault(key);

    private static void Increment<TKey>(Dictionary<TKey, int> counts, TKey key) where TKey : notnull =>
        counts[key] = counts.GetValueOrDefault(key) + 1;
}
