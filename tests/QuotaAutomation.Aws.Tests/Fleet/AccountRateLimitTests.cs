using System.Net;
using Microsoft.Extensions.Time.Testing;
using QuotaAutomation.Aws.Adapters;

namespace QuotaAutomation.Aws.Tests.Fleet;

/// <summary>A shard's spacing of its member-account requests: per service endpoint, at its share of the account's rate.</summary>
public sealed class AccountRateLimitTests
{
    /// <summary>Answers at once and records the fake clock's time of each request.</summary>
    private sealed class ClockedHandler(TimeProvider time) : HttpMessageHandler
    {
        public List<(string Host, DateTimeOffset At)> Sent { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Sent) Sent.Add((request.RequestUri!.Host, time.GetUtcNow()));
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }

    [Fact]
    public async Task Send_SpacesEachServicesRequests_NotOneServiceBehindAnother()
    {
        var clock = new FakeTimeProvider();
        var inner = new ClockedHandler(clock);
        using var client = new HttpClient(new AccountRateLimit(perSecond: 1, clock, inner));
        var start = clock.GetUtcNow();

        var sends = new[] { "servicequotas", "monitoring", "servicequotas" }
            .Select(service => client.GetAsync(new Uri($"https://{service}.eu-west-1.amazonaws.com/"))).ToList();
        for (var step = 0; step < 10 && !sends.All(s => s.IsCompleted); step++) // bounded: fails below rather than hangs
        {
            await Task.Delay(1);
            clock.Advance(TimeSpan.FromMilliseconds(500));
        }

        Assert.True(sends.All(s => s.IsCompleted), "not every request was sent within 5 s of the fake clock");
        Assert.Equal(
            [("servicequotas.eu-west-1.amazonaws.com", 0.0), ("monitoring.eu-west-1.amazonaws.com", 0.0), ("servicequotas.eu-west-1.amazonaws.com", 1.0)],
            inner.Sent.OrderBy(s => s.At).Select(s => (s.Host, (s.At - start).TotalSeconds)));
        foreach (var send in sends) (await send).Dispose();
    }
}
