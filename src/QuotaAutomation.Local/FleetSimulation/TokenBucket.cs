namespace QuotaAutomation.Local.FleetSimulation;

/// <summary>
/// AWS's side of a rate limit on the virtual clock: <see cref="Rate.Burst"/> tokens, refilled at
/// <see cref="Rate.PerSecond"/>; a request that finds too few is throttled and takes none.
/// </summary>
public sealed class TokenBucket(Rate rate)
{
    private double _tokens = rate.Burst;
    private double _at;

    public bool TryTake(double seconds, double tokens)
    {
        if (seconds > _at)
        {
            _tokens = Math.Min(rate.Burst, _tokens + (seconds - _at) * rate.PerSecond);
            _at = seconds;
        }
        if (_tokens + 1e-9 < tokens) return false;
        _tokens -= tokens;
        return true;
    }
}

/// <summary>
/// The caller's side: a shard keeps to its share of an account's rate by spacing its requests, so a request waits
/// for its turn instead of being throttled.
/// </summary>
public sealed class Pacer(double perSecond)
{
    private double _next;

    /// <summary>When a request wanted at <paramref name="seconds"/> may go.</summary>
    public double Reserve(double seconds)
    {
        var at = Math.Max(seconds, _next);
        _next = at + 1 / perSecond;
        return at;
    }
}
