using Microsoft.Extensions.Time.Testing;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Tests.Fakes;
using static QuotaAutomation.Core.Tests.Fakes.TestRules;

namespace QuotaAutomation.Core.Tests.Engine;

/// <summary>
/// The alert cool-down is read from the store before each alert. Found by the reliability suite (a throttled
/// DynamoDB GetItem of the alert state, after its retries, ended a whole cycle at a 30 % fault rate).
/// </summary>
public sealed class AlertCoolDownReadTests
{
    [Fact]
    public async Task RunCycle_CoolDownReadFails_AlertIsStillSent_AndTheCycleFinishesForTheOtherRules()
    {
        var time = new FakeTimeProvider(EngineFixture.Start);
        var account = new FakeAccount(time);
        var stores = new InMemoryStores();
        var alerts = new CoolDownUnreadable(stores);
        account.Add("vpc", "L-F678F1CE", 5, _ => 4.6);
        account.Add("ec2", "L-1216C47A", 256, _ => 250);
        stores.Rules.Add(Item("vpcs", "vpc", "L-F678F1CE", "alert_only"));
        stores.Rules.Add(Item("ec2-vcpu", "ec2", "L-1216C47A", "full_auto"));
        var engine = new AutomationEngine(new(stores, account, account, stores, account, stores, stores, stores, alerts, stores, stores),
            new TrendForecaster(), time, new EngineOptions { NewRunNonce = () => "n1" });

        var report = await engine.RunCycleAsync(CancellationToken.None);

        Assert.Equal([("ec2-vcpu", "request_increase", ActionOutcome.Done), ("vpcs", "notify", ActionOutcome.Done)],
            report.Actions.Select(a => (a.RuleId, a.Action, a.Outcome)).Order());
        Assert.Equal("cycle_end", stores.Audit[^1].Action);
    }

    /// <summary>The store's alert state, whose cool-down read fails (throttled after its retries).</summary>
    private sealed class CoolDownUnreadable(IAlertLog inner) : IAlertLog
    {
        public Task<DateTimeOffset?> LastSentAsync(QuotaKey quota, Severity severity, CancellationToken ct) =>
            throw new InvalidOperationException("ProvisionedThroughputExceededException: GetItem ALERT#Critical");

        public Task RecordSentAsync(QuotaKey quota, Severity severity, DateTimeOffset at, CancellationToken ct) => inner.RecordSentAsync(quota, severity, at, ct);

        public Task<IReadOnlyDictionary<QuotaKey, Severity>> ActiveAsync(CancellationToken ct) => inner.ActiveAsync(ct);

        public Task ClearAsync(QuotaKey quota, CancellationToken ct) => inner.ClearAsync(quota, ct);
    }
}
