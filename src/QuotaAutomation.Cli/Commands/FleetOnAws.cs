using System.CommandLine;
using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Cli.Commands;

/// <summary>
/// <c>run --fleet --backend aws</c>: the same plan → shards → summary as the Lambda's state machine, in this process:
/// the AWS Organization's accounts, the rules table, and each shard through <see cref="ShardCycle"/> on the AWS ports
/// (a member account's calls are signed with its member role, so a missing role fails that shard alone).
/// </summary>
internal static class FleetOnAws
{
    public static async Task<int> RunAsync(CliApp app, ParseResult parse, int parallel, int cycles, bool allShards, int newShardsPerCycle, CancellationToken ct)
    {
        using var aws = app.OpenAws(parse);
        var organization = aws.Organization();
        var hub = (await aws.Sts.GetCallerArnAsync(ct)).Split(':')[4]; // arn:partition:sts::ACCOUNT:…
        var runner = new ShardCycle(aws.Ports, app.Forecaster(parse), app.RealTime, app.EngineOptions(parse), hub);
        var fleet = new FleetCycle(organization, aws.Rules, runner);
        var settings = new FleetSettings(null, hub, aws.Region);
        // In this process only (the Lambda's schedule is in its fleet bucket): the first cycle runs every shard, later --cycles the due ones.
        var schedule = new FleetRunSchedule(null, NoShardWakes.Instance, Core.Cadence.ReadCadence.Default.Cycle, allShards, newShardsPerCycle);
        var runs = new List<FleetRunReport>(cycles);
        for (var i = 0; i < cycles; i++)
        {
            var at = app.RealTime.GetUtcNow();
            runs.Add(await FleetRun.RunOneAsync(app, fleet, settings, FleetRun.FleetRunId(at), at, parallel, schedule, ct));
        }
        return FleetRun.Write(app, parse, "aws", runs);
    }
}
