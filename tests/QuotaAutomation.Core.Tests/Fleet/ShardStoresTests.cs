using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Tests.Fakes;

namespace QuotaAutomation.Core.Tests.Fleet;

public sealed class ShardStoresTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private static QuotaRequest Open(string id, QuotaKey quota) => new(id, "r", quota, 10, 20, RequestStatus.Pending, At, At);

    [Fact]
    public async Task AShard_FollowsOnlyItsOwnAccountAndRegionsRequests_WhileEveryWriteReachesTheStore()
    {
        var stores = new InMemoryStores();
        var mine = new QuotaKey("ec2", "L-1216C47A", "eu-west-1", "222222222222");
        await stores.TryReserveAsync(Open("mine", mine), CancellationToken.None);
        await stores.TryReserveAsync(Open("other-region", mine with { Region = "us-east-1" }), CancellationToken.None);
        await stores.TryReserveAsync(Open("other-account", mine with { AccountId = "333333333333" }), CancellationToken.None);
        await stores.TryReserveAsync(Open("hub", mine with { AccountId = null }), CancellationToken.None);
        var shard = new ShardRequestStore(stores, key => key.Region == "eu-west-1" && (key.AccountId ?? "111111111111") == "222222222222");

        Assert.Equal(["mine"], (await shard.ListOpenAsync(CancellationToken.None)).Select(r => r.Id));
        Assert.True(await shard.TryReserveAsync(Open("new", mine with { QuotaCode = "L-34B43A08" }), CancellationToken.None));
        Assert.Equal(5, (await stores.ListOpenAsync(CancellationToken.None)).Count);
    }
}
