using System.Text.Json;
using QuotaAutomation.Core.Fleet;

namespace QuotaAutomation.Core.Tests.Fleet;

public sealed class FleetShardJsonTests
{
    [Fact]
    public void AShard_RoundTripsAsOneJsonLine()
    {
        var shard = new FleetShard("run-1", "222222222222/eu-west-1", "222222222222", "eu-west-1", ["a", "b"], 0.5,
            [new ParityLink("dr", "ec2", "L-1216C47A", "222222222222", "us-east-1", 1.5, 14)]);

        var line = FleetShardJson.Write(shard);

        Assert.Equal("""{"fleet_run_id":"run-1","shard_id":"222222222222/eu-west-1","account_id":"222222222222","region":"eu-west-1","rule_ids":["a","b"],"rate_share":0.5,"parity":[{"rule_id":"dr","service_code":"ec2","quota_code":"L-1216C47A","primary_account_id":"222222222222","primary_region":"us-east-1","factor":1.5,"peak_window_days":14}]}""", line);
        var back = FleetShardJson.Read(JsonDocument.Parse(line).RootElement, "Items[0]").Value;
        Assert.Equal(shard with { RuleIds = back.RuleIds, Parity = back.Parity }, back);
        Assert.Equal(shard.RuleIds, back.RuleIds);
        Assert.Equal(shard.Parity, back.Parity);
    }

    [Fact]
    public void AWokenShard_RoundTripsItsWokenQuotas()
    {
        var shard = new FleetShard("run-1", "222222222222/eu-west-1", "222222222222", "eu-west-1", ["a"], 1, Woken: ["ec2/L-1216C47A", "cloudtrail/*"]);

        var line = FleetShardJson.Write(shard);

        Assert.Equal("""{"fleet_run_id":"run-1","shard_id":"222222222222/eu-west-1","account_id":"222222222222","region":"eu-west-1","rule_ids":["a"],"rate_share":1,"woken":["ec2/L-1216C47A","cloudtrail/*"]}""", line);
        var back = FleetShardJson.Read(JsonDocument.Parse(line).RootElement, "Items[0]").Value;
        Assert.Equal(shard.Woken, back.Woken);
    }

    [Fact]
    public void AShardsTableShare_RoundTrips_AndAnItemWithoutOne_HasTheWholeTable()
    {
        var shard = new FleetShard("run-1", "222222222222/eu-west-1", "222222222222", "eu-west-1", ["a"], 1, TableShare: 1 / 22_194.0);

        var line = FleetShardJson.Write(shard);
        var back = FleetShardJson.Read(JsonDocument.Parse(line).RootElement, "Items[0]").Value;
        var old = FleetShardJson.Read(JsonDocument.Parse(line.Replace(",\"table_share\":4.5057E-05", "", StringComparison.Ordinal)).RootElement, "Items[0]").Value;

        Assert.Equal("""{"fleet_run_id":"run-1","shard_id":"222222222222/eu-west-1","account_id":"222222222222","region":"eu-west-1","rule_ids":["a"],"rate_share":1,"table_share":4.5057E-05}""", line);
        Assert.Equal(0.000045057, back.TableShare);
        Assert.Equal(1, old.TableShare);
    }

    [Fact]
    public void AShardsParents_RoundTrip_AndABadOneIsNamed()
    {
        var shard = new FleetShard("run-1", "222222222222/eu-west-1", "222222222222", "eu-west-1", ["a"], 1) { Parents = ["r-ab12", "ou-ab12-prod0001"] };

        var line = FleetShardJson.Write(shard);
        var back = FleetShardJson.Read(JsonDocument.Parse(line).RootElement, "Items[0]").Value;
        var bad = FleetShardJson.Read(JsonDocument.Parse(line.Replace("\"r-ab12\"", "\"123456789012\"", StringComparison.Ordinal)).RootElement, "Items[0]");

        Assert.EndsWith(""","rate_share":1,"parents":["r-ab12","ou-ab12-prod0001"]}""", line, StringComparison.Ordinal);
        Assert.Equal(shard.Parents, back.Parents);
        Assert.Equal("Items[0]: parents[0] must be a root or OU id ('r-…', 'ou-…'), not '123456789012'", bad.Error);
        Assert.Null(FleetShardJson.Read(JsonDocument.Parse(line.Replace(""","parents":["r-ab12","ou-ab12-prod0001"]""", "", StringComparison.Ordinal)).RootElement, "Items[0]").Value.Parents);
    }

    [Theory]
    [InlineData("""{"fleet_run_id":"r","shard_id":"222222222222/us-east-1","account_id":"222222222222","region":"us-east-1","rule_ids":["a"],"rate_share":1,"table_share":0}""",
        "Items[2]: table_share is not a number in (0, 1]")]
    [InlineData("[]", "Items[2] must be a shard object, not array")]
    [InlineData("""{"fleet_run_id":"r","shard_id":"1/x","account_id":"1","region":"Mars","rule_ids":"a","rate_share":2}""",
        "Items[2]: account_id '1' must be a 12-digit account id; region 'Mars' must be a Region such as 'us-east-1'; rule_ids is missing or not a list; rate_share is missing or not a number in (0, 1]")]
    [InlineData("""{"fleet_run_id":"r","shard_id":"222222222222/us-west-2","account_id":"222222222222","region":"us-east-1","rule_ids":[1],"rate_share":1}""",
        "Items[2]: shard_id '222222222222/us-west-2' must be '222222222222/us-east-1'; rule_ids has a number, not a rule id")]
    public void ABadItem_IsNamedFieldByField(string json, string error)
    {
        Assert.Equal(error, FleetShardJson.Read(JsonDocument.Parse(json).RootElement, "Items[2]").Error);
    }

    [Theory]
    [InlineData("""{"fleet_run_id":"r","shard_id":"111111111111/us-east-1","account_id":"111111111111","region":"us-east-1","rule_ids":["a"],"rate_share":1,"woken":["ec2/L-1216C47A","vpc/L-F678F1CE","ec2",7]}""",
        "shard 111111111111/us-east-1: woken[2] must be a '{service}/{quota code}' string, not 'ec2'; woken[3] must be a '{service}/{quota code}' string, not a number")]
    [InlineData("""{"fleet_run_id":"r","shard_id":"111111111111/us-east-1","account_id":"111111111111","region":"us-east-1","rule_ids":["a"],"rate_share":1,"woken":"ec2/L-1216C47A"}""",
        "shard 111111111111/us-east-1: woken must be a list of '{service}/{quota code}' strings")]
    public void ABadWokenList_IsNamedEntryByEntry(string json, string error)
    {
        Assert.Equal(error, FleetShardJson.Read(JsonDocument.Parse(json).RootElement, "shard 111111111111/us-east-1").Error);
    }
}
