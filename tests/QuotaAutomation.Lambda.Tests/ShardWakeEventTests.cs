using System.Text.Json.Nodes;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Lambda.Tests;

/// <summary>
/// With the fleet on, a quota event wakes its account and Region's shard (SQLite's wakes here, the embedded backend's)
/// instead of running a cycle of the hub; with it off, the same events run the hub's cycle as before (LambdaHandlerTests).
/// </summary>
public sealed class ShardWakeEventTests : EmbeddedFunctionTests
{
    private const string Hub = "123456789012"; // the payloads' own account
    private const string Member = "111111111111";

    private static string Payload(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Payloads", name));

    private static string FromMember(string payload) => payload.Replace($"\"account\": \"{Hub}\"", $"\"account\": \"{Member}\"", StringComparison.Ordinal);

    private Task<JsonObject> InvokeOnFleetAsync(string payload) =>
        new LambdaApp(new LambdaServices(Backend.Ports, Backend.Events, Backend.Requests.FindApprovalAsync, Backend.Clock, new EngineOptions(), TimeSpan.FromSeconds(60),
            new LambdaLog(Logs, Backend.Clock, "quota-automation-test"),
            Fleet: new FleetServices(new NoOrganization(), new NoStore(), (_, _) => throw new InvalidOperationException("no shard runs in these tests"), _ => Task.FromResult(Hub),
                null, "us-east-1", AlertRoutes.None) { Wakes = Backend.Wakes })).HandleAsync(payload, CancellationToken.None);

    [Fact]
    public async Task AwsHealthBreachFromAMember_WakesItsShard_AndAuditsIt_WithoutAHubCycle()
    {
        var reply = await InvokeOnFleetAsync(FromMember(Payload("health-threshold-breach.json")));

        Assert.Equal(("ok", $"{Member}/us-east-1", "AWS Health threshold breach"), ((string?)reply["status"], (string?)reply["shard_woken"], (string?)reply["trigger"]));
        var taken = await Backend.Wakes.TakeAsync(CancellationToken.None);
        Assert.Equal(["ec2/*"], Assert.Single(taken, w => w.Key == $"{Member}/us-east-1").Value);
        var audited = Assert.Single(await Backend.Audit.QueryAsync(null, AuditKind.Decision, 10, CancellationToken.None), a => a.Action == "shard_woken");
        Assert.Equal($"quota_threshold_exceeded '97c1eb90-0f16-f3d5-b0d6-d6b8d6614315' from account {Member} in us-east-1 woke shard {Member}/us-east-1: ec2/* read in detail at the next fleet run", audited.Message);
        Assert.Empty(await Backend.Audit.QueryAsync(null, AuditKind.Cycle, 10, CancellationToken.None));
    }

    [Fact]
    public async Task OwnThresholdEventNamingAMembersQuota_WakesThatShard_WithTheQuota()
    {
        var payload = Payload("quota-threshold-exceeded.json").Replace("\"region\": \"us-east-1\" }", $"\"region\": \"eu-west-1\", \"account_id\": \"{Member}\" }}", StringComparison.Ordinal);

        var reply = await InvokeOnFleetAsync(payload);

        Assert.Equal($"{Member}/eu-west-1", (string?)reply["shard_woken"]);
        Assert.Equal(["elasticloadbalancing/L-53DA6B97"], (await Backend.Wakes.TakeAsync(CancellationToken.None))[$"{Member}/eu-west-1"]);
    }

    [Fact]
    public async Task TheHubsOwnEvent_WithTheFleetOn_WakesTheHubsShard()
    {
        var reply = await InvokeOnFleetAsync(Payload("quota-threshold-exceeded.json"));

        Assert.Equal($"{Hub}/us-east-1", (string?)reply["shard_woken"]);
        Assert.Equal(["elasticloadbalancing/L-53DA6B97"], (await Backend.Wakes.TakeAsync(CancellationToken.None))[$"{Hub}/us-east-1"]);
    }

    [Theory]
    [InlineData("\"resources\": [\"Service: ec2 | Quota Name: Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances | Utilization: 80.0%\"]", "\"resources\": [\"Quota Name: VPCs\", 7]",
        "quota_threshold_exceeded '97c1eb90-0f16-f3d5-b0d6-d6b8d6614315': resources[0] 'Quota Name: VPCs' must be 'Service: {service code} | Quota Name: …'; resources[1] (not a string) must be 'Service: {service code} | Quota Name: …'")]
    [InlineData("\"eventRegion\": \"us-east-1\"", "\"eventRegion\": \"Mars\"",
        "quota_threshold_exceeded '97c1eb90-0f16-f3d5-b0d6-d6b8d6614315': detail.eventRegion 'Mars' must be a Region such as 'us-east-1'")]
    [InlineData("\"account\": \"111111111111\"", "\"account\": \"11\"",
        "quota_threshold_exceeded '97c1eb90-0f16-f3d5-b0d6-d6b8d6614315': account '11' must be a 12-digit account id")]
    public async Task AMalformedEvent_IsRefusedNamingTheField_AndWakesNothing(string from, string to, string error)
    {
        var reply = await InvokeOnFleetAsync(FromMember(Payload("health-threshold-breach.json")).Replace(from, to, StringComparison.Ordinal));

        Assert.Equal(("error", error), ((string?)reply["status"], (string?)reply["error"]));
        Assert.Empty(await Backend.Wakes.TakeAsync(CancellationToken.None));
        Assert.Contains(await Backend.Audit.QueryAsync(null, AuditKind.Error, 5, CancellationToken.None), a => a.Action == "invocation_rejected" && a.Message == error);
    }

    private sealed class NoOrganization : IOrganization
    {
        public Task<Organization> ReadAsync(CancellationToken ct) => throw new InvalidOperationException("no organization is read in these tests");
    }

    private sealed class NoStore : IShardStore
    {
        public string Bucket => "none";

        public Task PutTextAsync(string key, string text, CancellationToken ct) => throw new InvalidOperationException("no plan is written in these tests");

        public Task<string?> GetTextAsync(string bucket, string key, CancellationToken ct) => throw new InvalidOperationException("no plan is read in these tests");
    }
}
