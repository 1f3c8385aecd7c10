using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Governance;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Tests.Engine;
using static QuotaAutomation.Core.Tests.Fakes.TestRules;

namespace QuotaAutomation.Core.Tests.Governance;

/// <summary>
/// Policies read from a store every cycle (the Lambda's DynamoDB table): valid items govern as a file's do; one invalid
/// item, or a store that cannot be read, fails closed (every quota alert-only), audited with the policy and field named.
/// </summary>
public class StoredPolicyEngineTests
{
    private sealed class Store(Func<IReadOnlyList<RawPolicy>> read) : IPolicyStore
    {
        public int Reads { get; private set; }

        public Task<IReadOnlyList<RawPolicy>> LoadPoliciesAsync(CancellationToken ct)
        {
            Reads++;
            return Task.FromResult(read());
        }
    }

    private static RawPolicy Policy(params (string Name, object? Value)[] attributes) =>
        new("policies item", attributes.ToDictionary(a => a.Name, a => a.Value));

    private static async Task<(QuotaDecision Decision, EngineFixture Fixture)> DecideAsync(IPolicyStore store, EngineOptions? options = null)
    {
        // 97 of 100: emergency, a full_auto rule files ×2 (200) at once.
        var f = new EngineFixture(options, policies: store);
        f.Account.Add("vpc", "L-F678F1CE", 100, _ => 97);
        f.Stores.Rules.Add(Item("vpcs", "vpc", "L-F678F1CE", "full_auto"));
        var report = await f.Engine.RunCycleAsync(CancellationToken.None);
        return (report.Rules.Single().Decision, f);
    }

    [Fact]
    public async Task AStoredCap_GovernsTheRule_AndIsReadEveryCycle()
    {
        var store = new Store(() => [Policy(("policy_id", "vpc-cap"), ("service_code", "vpc"), ("max_value", "150"))]);

        var (decision, f) = await DecideAsync(store);

        var filed = Assert.IsType<RequestIncrease>(decision);
        Assert.Equal(150, filed.DesiredValue);
        Assert.Contains("policy 'vpc-cap': caps vpc/L-F678F1CE@us-east-1 at 150", filed.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(f.Stores.Audit, r => r.Kind == AuditKind.PolicyRejected);
        f.Time.Advance(TimeSpan.FromMinutes(5));
        await f.Engine.RunCycleAsync(CancellationToken.None);
        Assert.Equal(2, store.Reads);
    }

    [Fact]
    public async Task StoredAndFilePolicies_BothApply_TheLowerCapWins()
    {
        var store = new Store(() => [Policy(("policy_id", "table-cap"), ("max_value", 180))]);

        var (decision, _) = await DecideAsync(store, new EngineOptions { Policies = [new QuotaPolicy("file-cap", "vpc", "*", ["*"], []) { MaxValue = 160 }] });

        var filed = Assert.IsType<RequestIncrease>(decision);
        Assert.Equal(160, filed.DesiredValue);
        Assert.Contains("policy 'file-cap'", filed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OneInvalidItem_MakesEveryQuotaAlertOnly_AndIsAuditedByPolicyAndField()
    {
        var store = new Store(() =>
        [
            Policy(("policy_id", "vpc-cap"), ("service_code", "vpc"), ("max_value", "150")),
            Policy(("policy_id", "steps"), ("max_stpe", 2)),
        ]);

        var (decision, f) = await DecideAsync(store);

        var alert = Assert.IsType<Alert>(decision);
        Assert.Equal(Severity.Emergency, alert.Severity);
        Assert.Contains($"policy '{QuotaPolicy.InvalidId}': never raises", alert.Reason, StringComparison.Ordinal);
        var rejected = Assert.Single(f.Stores.Audit, r => r.Kind == AuditKind.PolicyRejected);
        Assert.Equal("policy_rejected", rejected.Action);
        Assert.Contains("policy 'steps'", rejected.Message, StringComparison.Ordinal);
        Assert.Contains("max_stpe is not a policy attribute (did you mean max_step?)", rejected.Message, StringComparison.Ordinal);
        Assert.Contains("every quota is alert-only", rejected.Message, StringComparison.Ordinal);
        // Its alert still goes out: the rule's emergency reaches the topic.
        Assert.Single(f.Stores.Sent);
    }

    [Fact]
    public async Task AStoreThatCannotBeRead_FailsClosed_AndTheCycleGoesOn()
    {
        var store = new Store(() => throw new TimeoutException("Scan timed out"));

        var (decision, f) = await DecideAsync(store);

        Assert.Contains($"policy '{QuotaPolicy.UnreadableId}': never raises", Assert.IsType<Alert>(decision).Reason, StringComparison.Ordinal);
        var unreadable = Assert.Single(f.Stores.Audit, r => r.Kind == AuditKind.PolicyRejected);
        Assert.Equal("policies_unreadable", unreadable.Action);
        Assert.Contains("TimeoutException: Scan timed out", unreadable.Message, StringComparison.Ordinal);
        Assert.Contains(f.Stores.Audit, r => r.Action == "cycle_end");
    }

    [Fact]
    public async Task AnEmptyStore_LeavesTheRuleAsWritten()
    {
        var (decision, _) = await DecideAsync(new Store(() => []));

        Assert.Equal(200, Assert.IsType<RequestIncrease>(decision).DesiredValue);
    }
}
