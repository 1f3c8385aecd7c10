using QuotaAutomation.Core.Audit;
using QuotaAutomation.Lambda;

namespace QuotaAutomation.Lambda.Tests;

/// <summary>The fleet state machine's payloads (HELPERS.md's contract), as the parser reads them; bad ones named field by field.</summary>
public sealed class FleetInvocationTests : EmbeddedFunctionTests
{
    private static string Payload(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Payloads", name));

    [Fact]
    public void Parse_Plan_WithItsRunId()
    {
        var plan = Assert.IsType<FleetPlanStep>(InvocationParser.Parse(Payload("fleet-plan.json")).Value);

        Assert.Equal(("fleet_plan", "fleet-20261130T120000Z"), (plan.Kind, plan.FleetRunId));
    }

    [Fact]
    public void Parse_PlanWithoutRunId_TheHandlerNamesTheRun() =>
        Assert.Null(Assert.IsType<FleetPlanStep>(InvocationParser.Parse("""{"fleet":"plan"}""").Value).FleetRunId);

    [Fact]
    public void Parse_ShardBatch_EveryItemAShard()
    {
        var batch = Assert.IsType<FleetShardBatch>(InvocationParser.Parse(Payload("fleet-shard.json")).Value);

        Assert.Equal(["111111111111/us-east-1", "111111111111/eu-west-1"], batch.Shards.Select(s => s.ShardId));
        Assert.Equal([0.5, 0.5], batch.Shards.Select(s => s.RateShare));
        Assert.Empty(batch.BadItems);
    }

    [Fact]
    public void Parse_ShardBatchWithABadItem_TheOthersStillRun_AndTheBadOneIsNamed()
    {
        var payload = Payload("fleet-shard.json").Replace("\"rate_share\":0.5}]", "\"rate_share\":7}]", StringComparison.Ordinal);

        var batch = Assert.IsType<FleetShardBatch>(InvocationParser.Parse(payload).Value);

        Assert.Equal(["111111111111/us-east-1"], batch.Shards.Select(s => s.ShardId));
        var bad = Assert.Single(batch.BadItems);
        Assert.Equal(("111111111111/eu-west-1", "fleet shard batch of run 'fleet-20261130T120000Z': Items[1]: rate_share is missing or not a number in (0, 1]"), (bad.ShardId, bad.Error));
    }

    [Fact]
    public void Parse_ItemOfAnotherRun_IsABadItem()
    {
        var payload = Payload("fleet-shard.json").Replace("{\"fleet_run_id\":\"fleet-20261130T120000Z\",\"shard_id\":\"111111111111/eu-west-1\"", "{\"fleet_run_id\":\"fleet-other\",\"shard_id\":\"111111111111/eu-west-1\"", StringComparison.Ordinal);

        var bad = Assert.Single(Assert.IsType<FleetShardBatch>(InvocationParser.Parse(payload).Value).BadItems);

        Assert.Equal("fleet shard batch of run 'fleet-20261130T120000Z': Items[1]: fleet_run_id 'fleet-other' is not the batch's 'fleet-20261130T120000Z'", bad.Error);
    }

    [Theory]
    [InlineData("""{"fleet":"sweep"}""", "fleet step: fleet must be one of plan, shard, summary")]
    [InlineData("""{"fleet":7,"fleet_run_id":"r1"}""", "fleet step of run 'r1': fleet must be one of plan, shard, summary")]
    [InlineData("""{"fleet":"plan","fleet_run_id":"a b"}""", "fleet plan 'a b': fleet_run_id must be letters, digits, '.', ':', '_' or '-', at most 80")]
    [InlineData("""{"fleet":"shard","Items":[]}""", "fleet shard: BatchInput.fleet_run_id is missing or not a run id")]
    [InlineData("""{"fleet":"shard","Items":[],"BatchInput":{"fleet_run_id":"r1"}}""", "fleet shard batch of run 'r1': Items is empty")]
    [InlineData("""{"fleet":"shard","Items":{},"BatchInput":{"fleet_run_id":"r1"}}""", "fleet shard batch of run 'r1': Items is missing or not a list")]
    [InlineData("""{"fleet":"summary","map":{}}""", "fleet summary: fleet_run_id is missing")]
    [InlineData("""{"fleet":"summary","fleet_run_id":"r1","map":"s3://x"}""", "fleet summary 'r1': map is missing or not the Map state's output (an object with ResultWriterDetails, or the results)")]
    public void Parse_Malformed_NamesTheStepAndField(string payload, string error) => Assert.Equal(error, InvocationParser.Parse(payload).Error);

    [Fact]
    public async Task Handle_FleetOnAFunctionWithoutFleet_RejectedNamingTheSetting_AndAudited()
    {
        var reply = await App.HandleAsync(Payload("fleet-plan.json"), CancellationToken.None);

        Assert.Equal("fleet_plan 'fleet-20261130T120000Z' failed: this function is not set up for fleet runs: QA_FLEET_BUCKET is missing", (string?)reply["error"]);
        Assert.Contains(await Backend.Audit.QueryAsync(null, AuditKind.Error, 5, CancellationToken.None),
            a => a.Action == "invocation_rejected" && a.Message == (string?)reply["error"]);
    }
}
