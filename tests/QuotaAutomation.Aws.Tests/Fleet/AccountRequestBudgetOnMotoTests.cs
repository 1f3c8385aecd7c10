using System.Collections.Concurrent;
using Amazon.DynamoDBv2;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Dynamo;
using QuotaAutomation.Aws.Tests.Fakes;

namespace QuotaAutomation.Aws.Tests.Fleet;

/// <summary>
/// AWS's 20 open requests per account, shared by the account's shards through one DynamoDB item and a conditional
/// UpdateItem. DynamoDB applies each UpdateItem atomically; moto 5.2.1 does not: it checks the condition, then creates
/// or changes the item, with no lock between (moto/dynamodb/models/__init__.py, update_item), so two concurrent
/// requests can both pass the check, or both create the item and lose one write (seen: the first run here lost a key).
/// The tests therefore pass one request at a time to moto (<see cref="OneAtATime"/>), which gives each request
/// DynamoDB's atomicity while the shards' steps still interleave in any order.
/// </summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class AccountRequestBudgetOnMotoTests(MotoServer moto) : IDisposable
{
    private Owned<DynamoAccountRequestBudget>? _shared;

    private const string Account = "222222222222";
    private const int Limit = 20;
    private static readonly string[] Regions = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1", "ap-northeast-1", "sa-east-1", "ca-central-1"];

    /// <summary>One shard's steps: reserve quota <c>Quota</c> of its Region (true) or release one it holds (false).</summary>
    private sealed record Step(bool Reserve, int Quota);

    private static Gen<Step[][]> Schedules() =>
        from shards in Gen.Choose(4, Regions.Length)
        from steps in Gen.ArrayOf(
            Gen.ArrayOf(from reserve in Gen.Frequency((3, Gen.Constant(true)), (1, Gen.Constant(false))) from quota in Gen.Choose(0, 5) select new Step(reserve, quota)),
            shards)
        select steps.Select(s => s.Take(10).ToArray()).ToArray();

    [Property(MaxTest = 10, Replay = "(20261130,15)")]
    public Property ConcurrentShardsOfOneAccount_NeverHoldMoreThanTwenty()
    {
        var budget = _shared = BudgetAsync().GetAwaiter().GetResult(); // FsCheck runs the cases after this returns: disposed with the test
        var run = 0;
        return Prop.ForAll(Arb.From(Schedules()), schedule =>
        {
            var account = $"2{Interlocked.Increment(ref run):D11}"; // a fresh account per case: no reset between cases
            var (held, peak, denied) = RunAsync(budget.Value, account, schedule).GetAwaiter().GetResult();
            Assert.True(peak <= Limit, $"peak {peak} open requests");
            return (held <= Limit).Classify(denied > 0, "the limit refused some");
        });
    }

    [Fact]
    public async Task TryReserve_SameKeyAgainAtTheLimit_Idempotent_AndANewKeyRefused()
    {
        using var budget = await BudgetAsync();
        for (var i = 0; i < Limit; i++) Assert.True(await budget.Value.TryReserveAsync(Account, $"ec2/L-{i}@us-east-1#{Account}", Limit, CancellationToken.None));

        var again = await budget.Value.TryReserveAsync(Account, $"ec2/L-0@us-east-1#{Account}", Limit, CancellationToken.None);
        var another = await budget.Value.TryReserveAsync(Account, $"ec2/L-99@us-east-1#{Account}", Limit, CancellationToken.None);
        var otherAccount = await budget.Value.TryReserveAsync("333333333333", $"ec2/L-99@us-east-1#333333333333", Limit, CancellationToken.None);

        Assert.Equal((true, false, true), (again, another, otherAccount));
        Assert.Equal(Limit, (await budget.Value.OpenAsync(Account, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Release_FreesTheSlot_AndReleasingAgainIsHarmless()
    {
        using var budget = await BudgetAsync();
        for (var i = 0; i < Limit; i++) await budget.Value.TryReserveAsync(Account, $"k{i}", Limit, CancellationToken.None);

        await budget.Value.ReleaseAsync(Account, "k3", CancellationToken.None);
        await budget.Value.ReleaseAsync(Account, "k3", CancellationToken.None);
        await budget.Value.ReleaseAsync(Account, "never-held", CancellationToken.None);
        var reserved = await budget.Value.TryReserveAsync(Account, "k-new", Limit, CancellationToken.None);

        Assert.True(reserved);
        Assert.DoesNotContain("k3", await budget.Value.OpenAsync(Account, CancellationToken.None));
    }

    /// <summary>
    /// Runs every shard's steps at once. A shard counts a key as held only after its reservation succeeded and stops
    /// counting it before releasing, so the keys held are always a subset of the item's set: their count is a lower
    /// bound of what the budget lets through, checked after every reservation.
    /// </summary>
    private static async Task<(int Held, int Peak, int Denied)> RunAsync(DynamoAccountRequestBudget budget, string account, Step[][] schedule)
    {
        var held = new ConcurrentDictionary<string, bool>();
        var peak = 0;
        var denied = 0;
        await Task.WhenAll(schedule.Select((steps, shard) => Task.Run(async () =>
        {
            var mine = new List<string>();
            foreach (var step in steps)
            {
                if (step.Reserve)
                {
                    var key = $"ec2/L-{step.Quota}@{Regions[shard]}#{account}";
                    if (await budget.TryReserveAsync(account, key, Limit, CancellationToken.None))
                    {
                        if (held.TryAdd(key, true)) mine.Add(key);
                        var now = held.Count;
                        int seen;
                        do seen = Volatile.Read(ref peak);
                        while (now > seen && Interlocked.CompareExchange(ref peak, now, seen) != seen);
                    }
                    else Interlocked.Increment(ref denied);
                }
                else if (mine.Count > 0)
                {
                    var key = mine[step.Quota % mine.Count];
                    mine.Remove(key);
                    held.TryRemove(key, out _);
                    await budget.ReleaseAsync(account, key, CancellationToken.None);
                }
            }
        })));
        var open = await budget.OpenAsync(account, CancellationToken.None);
        Assert.Equal(held.Keys.Order(StringComparer.Ordinal), open.Order(StringComparer.Ordinal)); // nothing lost, nothing left over
        return (open.Count, peak, denied);
    }

    private async Task<Owned<DynamoAccountRequestBudget>> BudgetAsync()
    {
        await moto.ResetAsync();
        var backend = new AwsBackend(moto.Options(new OneAtATime(new SocketsHttpHandler())), new AwsBackendOptions());
        await backend.InitAsync(CancellationToken.None);
        return new Owned<DynamoAccountRequestBudget>(new DynamoAccountRequestBudget(backend.Dynamo, backend.Options.StateTable), backend);
    }

    public void Dispose() => _shared?.Dispose();

    private sealed class Owned<T>(T value, IDisposable owner) : IDisposable
    {
        public T Value => value;

        public void Dispose() => owner.Dispose();
    }
}
