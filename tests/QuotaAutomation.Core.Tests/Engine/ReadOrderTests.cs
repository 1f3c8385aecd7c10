using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Tests.Fakes;
using static QuotaAutomation.Core.Tests.Fakes.TestRules;

namespace QuotaAutomation.Core.Tests.Engine;

/// <summary>
/// The engine reads the stored windows before the quotas: the windows need only the rules' keys, and a fleet shard's
/// utilization report (which the quotas' values wait for) is prepared meanwhile (docs/fleet-waits.md).
/// </summary>
public sealed class ReadOrderTests
{
    private sealed class OrderedHistory(IUsageHistory inner, List<string> order) : IUsageHistory
    {
        public Task AppendAsync(QuotaKey key, IReadOnlyList<UsageSample> samples, CancellationToken ct) => inner.AppendAsync(key, samples, ct);

        public Task<IReadOnlyList<UsageSample>> ReadAsync(QuotaKey key, DateTimeOffset from, DateTimeOffset until, CancellationToken ct) => inner.ReadAsync(key, from, until, ct);

        public Task AppendManyAsync(IReadOnlyDictionary<QuotaKey, IReadOnlyList<UsageSample>> samples, CancellationToken ct) => inner.AppendManyAsync(samples, ct);

        public Task<IReadOnlyDictionary<QuotaKey, IReadOnlyList<UsageSample>>> ReadManyAsync(IReadOnlyList<QuotaKey> keys, DateTimeOffset from, DateTimeOffset until, CancellationToken ct)
        {
            order.Add("windows");
            return inner.ReadManyAsync(keys, from, until, ct);
        }
    }

    private sealed class OrderedQuotas(IQuotaSource inner, List<string> order) : IQuotaSource
    {
        public Task<QuotaDictionary> GetQuotasAsync(IReadOnlyCollection<QuotaKey> keys, CancellationToken ct)
        {
            order.Add("quotas");
            return inner.GetQuotasAsync(keys, ct);
        }

        public Task<QuotaInfo?> GetQuotaAsync(QuotaKey key, CancellationToken ct) => inner.GetQuotaAsync(key, ct);
    }

    [Fact]
    public async Task RunCycle_ReadsTheStoredWindowsBeforeTheQuotas_AndDecidesAsBefore()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(EngineFixture.Start);
        var (stores, account, order) = (new InMemoryStores(), new FakeAccount(time), new List<string>());
        account.Add("ec2", "L-1216C47A", 100, _ => 90);
        stores.Rules.Add(Item("ec2-vcpu", "ec2", "L-1216C47A", "alert_only"));
        var engine = new AutomationEngine(new(stores, new OrderedQuotas(account, order), account, new OrderedHistory(stores, order), account, stores, stores, stores, stores, stores, stores),
            new TrendForecaster(), time, new EngineOptions { NewRunNonce = () => "n1" });

        var report = await engine.RunCycleAsync(CancellationToken.None);

        Assert.Equal(["windows", "quotas"], order);
        Assert.Equal("Alert", Assert.Single(report.Rules).Decision.GetType().Name);
    }
}
