using QuotaAutomation.Core.Fleet;

namespace QuotaAutomation.Core.Tests.Fleet;

public sealed class FleetScheduleJsonTests
{
    private const string Name = "s3://fleet-bucket/fleet/schedule.json";
    private static readonly DateTimeOffset Due = new(2026, 11, 30, 13, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ASchedule_IsWrittenAsOneObject_AndReadBack()
    {
        var schedule = new FleetSchedule([new ScheduledShard("222222222222/eu-west-1", null, "bb"), new ScheduledShard("111111111111/us-east-1", Due, "aa")]);

        var text = FleetScheduleJson.Write(schedule);
        var (read, problem) = FleetScheduleJson.Read(text, Name);

        Assert.Equal("""{"version":1,"shards":[{"shard_id":"111111111111/us-east-1","next_due":"2026-11-30T13:00:00.0000000Z","fingerprint":"aa"},{"shard_id":"222222222222/eu-west-1","next_due":null,"fingerprint":"bb"}]}""", text);
        Assert.Null(problem);
        Assert.Equal(schedule.Shards.Values.OrderBy(s => s.ShardId, StringComparer.Ordinal), read.Shards.Values.OrderBy(s => s.ShardId, StringComparer.Ordinal));
    }

    [Fact]
    public void NoObjectYet_IsTheEmptySchedule_WithoutAMessage()
    {
        var (schedule, problem) = FleetScheduleJson.Read(null, Name);

        Assert.Empty(schedule.Shards);
        Assert.Null(problem);
    }

    [Theory]
    [InlineData("{not json", "s3://fleet-bucket/fleet/schedule.json is not JSON ('n' is an invalid start of a property name. Expected a '\"'. LineNumber: 0 | BytePositionInLine: 1.): every shard is due this cycle")]
    [InlineData("[]", "s3://fleet-bucket/fleet/schedule.json has no shards list: every shard is due this cycle")]
    [InlineData("""{"shards":{}}""", "s3://fleet-bucket/fleet/schedule.json has no shards list: every shard is due this cycle")]
    public void ACorruptSchedule_IsEmpty_EveryShardDue_WithAMessage(string text, string message)
    {
        var (schedule, problem) = FleetScheduleJson.Read(text, Name);

        Assert.Empty(schedule.Shards);
        Assert.Equal(message, problem);
    }

    [Fact]
    public void ABadEntry_IsLeftOut_AndNamed_TheOthersKept()
    {
        var text = """
            {"shards":[{"shard_id":"111111111111/us-east-1","next_due":"2026-11-30T13:00:00Z","fingerprint":"aa"},
            {"shard_id":"222222222222/us-east-1","next_due":"tomorrow","fingerprint":"bb"},
            {"shard_id":"333333333333/us-east-1","next_due":null},
            {"next_due":null,"fingerprint":"dd"}, 7]}
            """;

        var (schedule, problem) = FleetScheduleJson.Read(text, Name);

        Assert.Equal([new ScheduledShard("111111111111/us-east-1", Due, "aa")], schedule.Shards.Values);
        Assert.Equal("s3://fleet-bucket/fleet/schedule.json: 4 entries unreadable, their shards are due this cycle: shards[1] (222222222222/us-east-1): next_due must be an ISO 8601 time or null; shards[2] (333333333333/us-east-1): fingerprint is missing or not a string; shards[3]: shard_id is missing or not a string; shards[4]: shard_id is missing or not a string", problem);
    }
}
