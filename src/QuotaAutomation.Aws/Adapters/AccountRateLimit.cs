namespace QuotaAutomation.Aws.Adapters;

/// <summary>
/// Spaces one shard's requests to at most <paramref name="perSecond"/>: the account's API rate (Service Quotas,
/// CloudWatch) times the shard's <c>RateShare</c>, so the shards of one account, running at once, stay within the
/// account's rate between them. Innermost handler of the shard's clients (after signing): each retry is spaced too.
/// Clients given a transport never dispose it, so the shared inner handler outlives every shard.
/// </summary>
public sealed class AccountRateLimit(double perSecond, TimeProvider time, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private readonly Lock _lock = new();
    private readonly TimeSpan _spacing = TimeSpan.FromSeconds(1 / Math.Max(perSecond, 0.01));
    private DateTimeOffset _next = DateTimeOffset.MinValue;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        TimeSpan wait;
        lock (_lock)
        {
            var now = time.GetUtcNow();
            var slot = _next > now ? _next : now;
            _next = slot + _spacing;
            wait = slot - now;
        }
        if (wait > TimeSpan.Zero) await Task.Delay(wait, time, cancellationToken);
        return await base.SendAsync(request, cancellationToken);
    }
}
