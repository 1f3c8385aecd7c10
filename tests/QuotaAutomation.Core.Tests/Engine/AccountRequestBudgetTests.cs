using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
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
/// The account's 20 open requests, shared by concurrently running shards of the account through
/// <see cref="IAccountRequestBudget"/>. Each shard here has its own request store (it sees only its own Region's
/// requests, the worst case for counting), all share one strict fake account that refuses, and records, any request
/// over AWS's limits.
/// </summary>
public sealed class AccountRequestBudgetTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static readonly string[] Regions =
    [
        "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1", "eu-west-1", "eu-west-2", "eu-west-3",
        "eu-central-1", "eu-north-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    ];

    /// <summary>An in-memory budget with DynamoDB's semantics: per account a set of quota keys, reserved atomically.</summary>
    internal sealed class SharedBudget : IAccountRequestBudget
    {
        private readonly Lock _lock = new();
        private readonly Dictionary<string, HashSet<string>> _open = [];

        public Task<bool> TryReserveAsync(QuotaKey quota, int limit, CancellationToken ct)
        {
            lock (_lock)
            {
                var open = _open.TryGetValue(quota.AccountOrSelf, out var set) ? set : _open[quota.AccountOrSelf] = [];
                return Task.FromResult(open.Contains(quota.ToString()) || open.Count < limit && open.Add(quota.ToString()));
            }
        }

        public Task ReleaseAsync(QuotaKey quota, CancellationToken ct)
        {
            lock (_lock) _open.GetValueOrDefault(quota.AccountOrSelf)?.Remove(quota.ToString());
            return Task.CompletedTask;
        }

        public IReadOnlyList<string> Open(string account) { lock (_lock) return [.. _open.GetValueOrDefault(account) ?? [], ]; }
    }

    private sealed record Shard(AutomationEngine Engine, InMemoryStores Stores);

    private static List<Shard> Shards(FakeAccount account, FakeTimeProvider time, IAccountRequestBudget budget, int regions, int quotasPerRegion)
    {
        var shards = new List<Shard>();
        foreach (var region in Regions.Take(regions))
        {
            var stores = new InMemoryStores();
            for (var q = 0; q < quotasPerRegion; q++)
            {
                account.Add("ec2", $"L-{q}", 100, _ => 95, region);
                stores.Rules.Add(Item($"r-{region}-{q}", "ec2", $"L-{q}", "full_auto", ("region", region)));
            }
            var ports = new EnginePorts(stores, account, account, stores, account, stores, stores, stores, stores, stores, stores, budget);
            shards.Add(new Shard(new AutomationEngine(ports, new TrendForecaster(), time, new EngineOptions { NewRunNonce = () => region }), stores));
        }
        return shards;
    }

    private static async Task RunAllAsync(IEnumerable<Shard> shards) =>
        await Task.WhenAll(shards.Select(s => Task.Run(() => s.Engine.RunCycleAsync(CancellationToken.None))));

    [Property(MaxTest = 15, Replay = "(20261130,17)")]
    public Property ConcurrentShardsOfOneAccount_NeverOpenMoreThanTwenty() => Prop.ForAll(
        Arb.From(from regions in Gen.Choose(8, Regions.Length) from quotas in Gen.Choose(1, 3) from cycles in Gen.Choose(1, 3) select (regions, quotas, cycles)),
        scenario =>
        {
            var time = new FakeTimeProvider(Start);
            var account = new FakeAccount(time);
            var budget = new SharedBudget();
            var shards = Shards(account, time, budget, scenario.regions, scenario.quotas);

            for (var c = 0; c < scenario.cycles; c++)
            {
                RunAllAsync(shards).GetAwaiter().GetResult();
                time.Advance(TimeSpan.FromMinutes(5));
            }

            var open = account.Requests.Where(r => r.Status.IsOpen()).Select(r => r.Quota.ToString()).Order(StringComparer.Ordinal).ToList();
            Assert.Empty(account.Violations);
            Assert.Equal(open, budget.Open("self").Order(StringComparer.Ordinal));
            return open.Count <= 20;
        });

    [Fact]
    public async Task RunCycle_BudgetFull_HoldsTheIncreaseAndSaysWhy()
    {
        var time = new FakeTimeProvider(Start);
        var account = new FakeAccount(time);
        var budget = new SharedBudget();
        for (var i = 0; i < 20; i++) await budget.TryReserveAsync(new QuotaKey("ec2", $"L-other-{i}", "eu-west-1"), 20, CancellationToken.None);
        var shard = Assert.Single(Shards(account, time, budget, 1, 1));

        var report = await shard.Engine.RunCycleAsync(CancellationToken.None);

        Assert.Empty(account.Requests);
        Assert.Equal("skipped: 20 requests already open in account self across its Regions (AWS limit, shared by its fleet shards); ec2/L-0@us-east-1 waits",
            $"{Assert.Single(report.Actions).Outcome.ToString().ToLowerInvariant()}: {report.Actions[0].Detail}");
        Assert.Empty(shard.Stores.Requests); // no reservation left behind
    }

    [Fact]
    public async Task RunCycle_RequestEnds_ItsSlotIsReleased()
    {
        var time = new FakeTimeProvider(Start);
        var account = new FakeAccount(time);
        var budget = new SharedBudget();
        var shard = Assert.Single(Shards(account, time, budget, 1, 1));
        await shard.Engine.RunCycleAsync(CancellationToken.None);
        Assert.Equal(["ec2/L-0@us-east-1"], budget.Open("self"));

        account.Decide("fake-1", approve: true);
        time.Advance(TimeSpan.FromMinutes(5));
        await shard.Engine.RunCycleAsync(CancellationToken.None);

        Assert.Empty(budget.Open("self"));
    }

    [Fact]
    public async Task RunCycle_AwsRefusesTheFiling_ItsSlotIsReleased()
    {
        var time = new FakeTimeProvider(Start);
        var account = new FakeAccount(time) { Fail = (op, _) => op == "RequestServiceQuotaIncrease" ? new QuotaServiceException(QuotaServiceException.QuotaExceeded, "refused") : null };
        var budget = new SharedBudget();
        var shard = Assert.Single(Shards(account, time, budget, 1, 1));

        await shard.Engine.RunCycleAsync(CancellationToken.None);

        Assert.Empty(budget.Open("self"));
    }
}
