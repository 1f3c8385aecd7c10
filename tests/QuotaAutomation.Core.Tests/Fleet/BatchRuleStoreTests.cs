using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Tests.Fleet;

public sealed class BatchRuleStoreTests
{
    [Fact]
    public async Task LoadRules_ThreeShardsOfABatchAtOnce_ReadTheStoreOnce()
    {
        var store = new CountedStore();
        var batch = new BatchRuleStore(store);

        var loads = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => batch.LoadRulesAsync(CancellationToken.None)));

        Assert.Equal(1, store.Loads);
        Assert.All(loads, rules => Assert.Equal(["r1"], rules.Select(RuleParser.NameOf)));
    }

    [Fact]
    public async Task LoadRules_AfterAFailedLoad_ReadsTheStoreAgain()
    {
        var store = new CountedStore { FailFirst = true };
        var batch = new BatchRuleStore(store);
        await Assert.ThrowsAsync<InvalidOperationException>(() => batch.LoadRulesAsync(CancellationToken.None));

        var rules = await batch.LoadRulesAsync(CancellationToken.None);

        Assert.Equal(["r1"], rules.Select(RuleParser.NameOf));
        Assert.Equal(2, store.Loads);
    }

    [Fact]
    public async Task LoadRules_AfterForget_ReadsTheStoreAgain()
    {
        var store = new CountedStore();
        var batch = new BatchRuleStore(store);
        await batch.LoadRulesAsync(CancellationToken.None);

        batch.Forget();
        await batch.LoadRulesAsync(CancellationToken.None);

        Assert.Equal(2, store.Loads);
    }

    private sealed class CountedStore : IRuleStore
    {
        private int _loads;

        public bool FailFirst { get; init; }

        public int Loads => _loads;

        public async Task<IReadOnlyList<RawRule>> LoadRulesAsync(CancellationToken ct)
        {
            var n = Interlocked.Increment(ref _loads);
            await Task.Yield();
            if (FailFirst && n == 1) throw new InvalidOperationException("the rules table did not answer");
            return [new RawRule("test", new Dictionary<string, object?> { ["rule_id"] = "r1" })];
        }
    }
}
