namespace QuotaAutomation.Aws.Adapters;

/// <summary>
/// Spaces one shard's requests to each service to at most <paramref name="perSecond"/>: the account's API rate
/// (<c>QA_FLEET_ACCOUNT_RATE</c>) times the shard's <c>RateShare</c>, so the shards of one account, running at once, stay
/// within the account's rate between them. One spacing per service endpoint (the request's host): Service Quotas'
/// and CloudWatch's rates are separate limits, so a GetMetricData does not wait for the slot of the utilization report's
/// poll before it (docs/fleet-waits.md). Innermost handler of the shard's clients (after signing): each retry is
/// spaced too. Clients given a transport never dispose it, so the shared inner handler outlives every shard.
/// </summary>
public sealed class AccountRateLimit(double perSecond, TimeProvider time, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private readonly Lock _lock = new();
    private readonly TimeSpan _spacing = TimeSpan.FromSeconds(1 / Math.Max(perSecond, 0.01));
    private readonly Dictionary<string, DateTimeOffset> _next = new(StringComparer.OrdinalIgnoreCase);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        TimeSpan wait;
        lock (_lock)
        {
            var service = request.RequestUri?.Host ?? "";
            var now = time.GetUtcNow();
            var next = _next.GetValueOrDefault(service, DateTimeOffset.MinValue);
            var slot = next > now ? next : now;
            _next[service] = slot + _spacing;
            wait = slot - now;
        }
        if (wait > TimeSpan.Zero) await Task.Delay(wait, time, cancellationToken);
        return await base.SendAsync(request, cancellationToken);
    }
}
