using System.Text.Json.Nodes;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Dynamo;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Tests.Fleet;

/// <summary>
/// Issue 14, round 4: a fleet shard lists its open requests, active approvals, recent denials and active alerts from
/// its own partition of <c>shard-state-index</c>, so what each Query returns does not grow with the fleet; the hub's
/// and the CLI's lists (<see cref="AwsBackend.State"/>) still see every shard's. What each Query returned is read at
/// the transport (<see cref="StateQueryReplies"/>): the items' <c>pk</c>, as DynamoDB sent them.
/// </summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class ShardStateOnMotoTests(MotoServer moto)
{
    private const string AccountA = "111111111111";
    private const string AccountB = "222222222222";
    private const string Region = "eu-west-1";
    private static readonly DateTimeOffset T = AwsWorld.Now;

    /// <summary>Four shards with the same kinds of state: A and B in eu-west-1, A in us-east-1, and the hub's own (no account) in eu-west-1.</summary>
    private static readonly (string? Account, string Region, string Tag)[] Shards =
        [(AccountA, Region, "a"), (AccountB, Region, "b"), (AccountA, "us-east-1", "a-use1"), (null, Region, "hub")];

    [Fact]
    public async Task ShardLists_WithOtherShardsItemsPresent_EachQueryReturnsOnlyTheShardsOwn()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        var replies = new StateQueryReplies(new SocketsHttpHandler());
        using var backend = new AwsBackend(moto.Options(replies), new AwsBackendOptions { AlertTopicArn = world.TopicArn });
        foreach (var (account, region, tag) in Shards) await WriteShardStateAsync(backend.State, account, region, tag);
        var shard = backend.State.ForShard(AccountA, Region);
        replies.Clear();

        var open = await shard.ListOpenAsync(CancellationToken.None);
        var active = await shard.ListActiveAsync(CancellationToken.None);
        var deniedRequests = await shard.ListDeniedSinceAsync(T.AddDays(-1), CancellationToken.None);
        var deniedApprovals = await ((IApprovalStore)shard).ListDeniedSinceAsync(T.AddDays(-1), CancellationToken.None);
        var alerts = await shard.ActiveAsync(CancellationToken.None);

        Assert.Equal(["REQ#a-open", "APR#a-active", "REQ#a-denied", "APR#a-denied", $"QUOTA#{Key(AccountA, Region, "a-alert")}"], replies.Keys());
        Assert.Equal(5, replies.Calls);
        Assert.Equal(["a-open"], open.Select(r => r.Id));
        Assert.Equal(["a-active"], active.Select(a => a.Id));
        Assert.Equal(["a-denied"], deniedRequests.Select(r => r.Id));
        Assert.Equal(["a-denied"], deniedApprovals.Select(a => a.Id));
        Assert.Equal([Key(AccountA, Region, "a-alert")], alerts.Keys);
    }

    [Fact]
    public async Task HubsOwnShard_ListsTheQuotasWithNoAccount_InItsRegionOnly()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        foreach (var (account, region, tag) in Shards) await WriteShardStateAsync(backend.State, account, region, tag);

        var open = await backend.State.ForShard(null, Region).ListOpenAsync(CancellationToken.None);

        Assert.Equal(["hub-open"], open.Select(r => r.Id));
    }

    [Fact]
    public async Task FleetWideLists_SeeEveryShardsItems()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        foreach (var (account, region, tag) in Shards) await WriteShardStateAsync(backend.State, account, region, tag);

        var open = await backend.State.ListOpenAsync(CancellationToken.None);
        var alerts = await backend.State.ActiveAsync(CancellationToken.None);

        Assert.Equal(["a-open", "a-use1-open", "b-open", "hub-open"], open.Select(r => r.Id).Order(StringComparer.Ordinal));
        Assert.Equal(4, alerts.Count);
    }

    [Fact]
    public async Task AClosedRequest_LeavesTheShardsLists()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        var shard = backend.State.ForShard(AccountA, Region);
        var request = new QuotaRequest("a-1", "r", Key(AccountA, Region, "a-1"), 10, 20, RequestStatus.Pending, T.AddHours(-1), T.AddHours(-1));
        await shard.TryReserveAsync(request, CancellationToken.None);

        await shard.UpdateAsync(request with { Status = RequestStatus.Approved, UpdatedAt = T }, CancellationToken.None);

        Assert.Empty(await shard.ListOpenAsync(CancellationToken.None));
        Assert.Empty(await shard.ListDeniedSinceAsync(T.AddDays(-1), CancellationToken.None));
        Assert.Equal(RequestStatus.Approved, (await shard.FindRequestAsync("a-1", CancellationToken.None))?.Status);
    }

    [Fact]
    public async Task AddShardKeys_AnOpenRequestWrittenBeforeTheShardIndex_IsListedByItsShardAfter()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        using var backend = world.Backend();
        var shard = backend.State.ForShard(AccountA, Region);
        await shard.TryReserveAsync(new QuotaRequest("old-1", "r", Key(AccountA, Region, "old-1"), 10, 20, RequestStatus.Pending, T, T), CancellationToken.None);
        await backend.Dynamo.UpdateItemAsync(new Amazon.DynamoDBv2.Model.UpdateItemRequest // as an item written before the index existed
        {
            TableName = new AwsBackendOptions().StateTable,
            Key = new() { ["pk"] = new() { S = "REQ#old-1" }, ["sk"] = new() { S = "REQ" } },
            UpdateExpression = "REMOVE shard_state",
        });
        var before = await shard.ListOpenAsync(CancellationToken.None);

        var added = await backend.State.AddShardKeysAsync(CancellationToken.None);
        var again = await backend.State.AddShardKeysAsync(CancellationToken.None);

        Assert.Empty(before);
        Assert.Equal((1, 0), (added, again));
        Assert.Equal(["old-1"], (await shard.ListOpenAsync(CancellationToken.None)).Select(r => r.Id));
    }

    private static QuotaKey Key(string? account, string region, string code) => new("ec2", $"L-{code}", region, account);

    /// <summary>An open request, an active approval, a denied request, a denied approval and an alert, each on its own quota.</summary>
    private static async Task WriteShardStateAsync(DynamoStateStore store, string? account, string region, string tag)
    {
        var ct = CancellationToken.None;
        Assert.True(await store.TryReserveAsync(new QuotaRequest($"{tag}-open", "r", Key(account, region, $"{tag}-open"), 10, 20, RequestStatus.Pending, T.AddHours(-2), T.AddHours(-2)), ct));
        var denied = new QuotaRequest($"{tag}-denied", "r", Key(account, region, $"{tag}-denied"), 10, 20, RequestStatus.Pending, T.AddHours(-3), T.AddHours(-3));
        Assert.True(await store.TryReserveAsync(denied, ct));
        await store.UpdateAsync(denied with { Status = RequestStatus.Denied, UpdatedAt = T.AddHours(-1) }, ct);
        ApprovalRequest Approval(string id) => new(id, "r", Key(account, region, id), 10, 20, 720, "why", Severity.Critical, 90, ApprovalStatus.Waiting, T.AddHours(-2));
        Assert.True(await store.TryStartAsync(Approval($"{tag}-active"), ct));
        Assert.True(await store.TryStartAsync(Approval($"{tag}-denied"), ct));
        await store.UpdateAsync(Approval($"{tag}-denied") with { Status = ApprovalStatus.Denied, DecidedBy = "bob", DecidedAt = T.AddHours(-1) }, ct);
        await store.RecordSentAsync(Key(account, region, $"{tag}-alert"), Severity.Warning, T.AddMinutes(-30), ct);
    }

    /// <summary>Counts DynamoDB Query calls on the state table and collects the <c>pk</c> of every item they returned, in order.</summary>
    private sealed class StateQueryReplies(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private readonly List<string> _keys = [];
        private readonly Lock _lock = new();

        public int Calls { get; private set; }

        public List<string> Keys() { lock (_lock) return [.. _keys]; }

        public void Clear() { lock (_lock) { _keys.Clear(); Calls = 0; } }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var target = request.Headers.TryGetValues("X-Amz-Target", out var values) ? values.Single() : "";
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            var reply = await base.SendAsync(request, cancellationToken);
            if (target != "DynamoDB_20120810.Query" || !body.Contains($"\"{new AwsBackendOptions().StateTable}\"", StringComparison.Ordinal)) return reply;
            var bytes = await reply.Content.ReadAsByteArrayAsync(cancellationToken);
            var items = JsonNode.Parse(bytes)?["Items"]?.AsArray() ?? [];
            lock (_lock)
            {
                Calls++;
                _keys.AddRange(items.Select(i => (string)i!["pk"]!["S"]!));
            }
            var copy = new ByteArrayContent(bytes);
            foreach (var header in reply.Content.Headers) copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
            reply.Content = copy;
            return reply;
        }
    }
}
