using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Time.Testing;
using QuotaAutomation.Aws.Adapters;
using QuotaAutomation.Aws.Dynamo;
using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Lambda;

namespace QuotaAutomation.Aws.Tests.Fleet;

/// <summary>
/// Shard wakes in the state table on moto: wakes of one shard merge into one string set, a take returns and removes
/// them, and a wake that lands between a take's read and its removal stays for the next take. The race is made
/// deterministic at the HTTP transport: before the take's first removal request of the given operation reaches moto,
/// another client (its own connection) wakes the same shard.
/// </summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class ShardWakesOnMotoTests(MotoServer moto)
{
    private const string Shard = "111111111111/us-east-1";
    private static readonly FakeTimeProvider Time = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Take_TwoWakesOfOneShard_MergedIntoOneStringSet_AndRemoved()
    {
        using var backend = await BackendAsync(new OneAtATime(new SocketsHttpHandler())); // concurrent, each request whole (moto's UpdateItem is not atomic)
        var wakes = new DynamoShardWakes(backend.Dynamo, backend.Options.StateTable, Time);
        await Task.WhenAll(
            wakes.WakeAsync("111111111111", "us-east-1", ["ec2/L-1216C47A", "vpc/L-F678F1CE"], CancellationToken.None),
            wakes.WakeAsync("111111111111", "us-east-1", ["ec2/L-1216C47A", "lambda/L-B99A9384"], CancellationToken.None));
        await wakes.WakeAsync("222222222222", "eu-west-1", [], CancellationToken.None);
        var item = (await backend.Dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = backend.Options.StateTable,
            Key = new() { ["pk"] = new AttributeValue { S = DynamoShardWakes.Partition }, ["sk"] = new AttributeValue { S = Shard } },
        })).Item;

        var taken = await wakes.TakeAsync(CancellationToken.None);
        var again = await wakes.TakeAsync(CancellationToken.None);

        Assert.Equal(["ec2/L-1216C47A", "lambda/L-B99A9384", "vpc/L-F678F1CE"], item["quotas"].SS.Order(StringComparer.Ordinal));
        Assert.Equal(Time.GetUtcNow().AddDays(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), item["ttl"].N);
        Assert.Equal([Shard, "222222222222/eu-west-1"], taken.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["ec2/L-1216C47A", "lambda/L-B99A9384", "vpc/L-F678F1CE"], taken[Shard]);
        Assert.Empty(taken["222222222222/eu-west-1"]); // woken with no quota named: the shard runs, nothing extra in detail
        Assert.Empty(again);
    }

    [Theory]
    [InlineData("UpdateItem")] // between the read and removing the read quotas from the set
    [InlineData("DeleteItem")] // between emptying the set and deleting the item
    public async Task Take_WakeArrivingMidTake_KeptForTheNextTake(string before)
    {
        AwsBackend? other = null;
        var interrupt = new WakeBefore(before, () => new DynamoShardWakes(other!.Dynamo, other.Options.StateTable, Time) // set below, before any take
            .WakeAsync("111111111111", "us-east-1", ["ec2/L-0263D0A3"], CancellationToken.None));
        using var backend = await BackendAsync(interrupt);
        using var second = other = new AwsBackend(moto.Options(), new AwsBackendOptions());
        var wakes = new DynamoShardWakes(backend.Dynamo, backend.Options.StateTable, Time);
        await wakes.WakeAsync("111111111111", "us-east-1", ["ec2/L-1216C47A"], CancellationToken.None);

        var first = await wakes.TakeAsync(CancellationToken.None);
        var next = await wakes.TakeAsync(CancellationToken.None);
        var last = await wakes.TakeAsync(CancellationToken.None);

        Assert.True(interrupt.Fired, $"no {before} request was sent");
        Assert.Equal(["ec2/L-1216C47A"], first[Shard]);
        Assert.Equal(["ec2/L-0263D0A3"], next[Shard]);
        Assert.Empty(last);
    }

    [Fact]
    public async Task Handler_WithTheFleetOn_WakesAMembersShardInTheStateTable_OnItsAwsHealthBreach()
    {
        await moto.ResetAsync();
        var settings = LambdaSettings.FromEnvironment(new Dictionary<string, string?>
        {
            ["QA_RULES_TABLE"] = "quota-automation-rules", ["QA_POLICIES_TABLE"] = "quota-automation-policies", ["QA_USAGE_TABLE"] = "quota-automation-usage", ["QA_AUDIT_TABLE"] = "quota-automation-audit",
            ["QA_STATE_TABLE"] = "quota-automation-state", ["QA_EVENTS_TABLE"] = "quota-automation-events", ["QA_ALERT_TOPIC_ARN"] = "arn:aws:sns:us-east-1:123456789012:alerts",
            ["QA_TIME_BUDGET_SECONDS"] = "60", ["AWS_REGION"] = "us-east-1", ["QA_FORECASTER"] = "trend", ["QA_FLEET_BUCKET"] = "qa-fleet",
        }.GetValueOrDefault).Value;
        using var backend = new AwsBackend(moto.Options(), settings.Backend);
        await backend.InitAsync(CancellationToken.None);
        var app = Handler.Build(moto.Options(), settings, Time, new LambdaLog(TextWriter.Null, Time, "quota-automation"), new NoOrganization());

        var reply = await app.HandleAsync("""
            {"version":"0","id":"97c1eb90-0f16-f3d5-b0d6-d6b8d6614315","detail-type":"AWS Health Event","source":"aws.health","account":"111111111111",
             "time":"2026-11-30T11:59:00Z","region":"us-east-1","resources":["Service: ec2 | Quota Name: Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances | Utilization: 80.0%"],
             "detail":{"service":"SERVICEQUOTAS","eventTypeCode":"AWS_SERVICEQUOTAS_THRESHOLD_BREACH","eventTypeCategory":"accountNotification","eventRegion":"us-east-1"}}
            """, CancellationToken.None);
        var taken = await new DynamoShardWakes(backend.Dynamo, backend.Options.StateTable, Time).TakeAsync(CancellationToken.None);

        Assert.Equal(("ok", Shard), ((string?)reply["status"], (string?)reply["shard_woken"]));
        Assert.Equal(["ec2/*"], taken[Shard]);
    }

    private sealed class NoOrganization : Core.Fleet.IOrganization
    {
        public Task<Core.Fleet.Organization> ReadAsync(CancellationToken ct) => throw new InvalidOperationException("no organization is read by an event");
    }

    private async Task<AwsBackend> BackendAsync(HttpMessageHandler? transport)
    {
        await moto.ResetAsync();
        var backend = new AwsBackend(moto.Options(transport), new AwsBackendOptions());
        await backend.InitAsync(CancellationToken.None);
        return backend;
    }

    /// <summary>Runs <paramref name="wake"/> once, just before the first request of a take's removal operation is sent.</summary>
    private sealed class WakeBefore(string operation, Func<Task> wake) : DelegatingHandler(new SocketsHttpHandler())
    {
        public bool Fired { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var target = request.Headers.TryGetValues("X-Amz-Target", out var values) ? values.Single() : "";
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken); // buffered: still sent whole below
            var removal = operation == "UpdateItem" ? body.Contains("DELETE #quotas", StringComparison.Ordinal) : body.Contains("attribute_not_exists(#quotas)", StringComparison.Ordinal);
            if (!Fired && target.EndsWith("." + operation, StringComparison.Ordinal) && removal)
            {
                Fired = true;
                await wake();
            }
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
