using System.Globalization;
using QuotaAutomation.Local.FleetSimulation;

namespace QuotaAutomation.Cli.Commands;

/// <summary>What <c>simulate fleet</c> executed and what it modelled, in words, for the table and the JSON alike.</summary>
internal static class FleetText
{
    public static IReadOnlyList<string> Executed(FleetSimulationReport report)
    {
        var o = report.Options;
        return
        [
            string.Create(CultureInfo.InvariantCulture,
                $"the fleet's planner (FleetPlanner) expanded {o.Quotas} rules (account_id '*', region '*') over the virtual organization of {o.Accounts:#,0} accounts and {o.Regions} Regions into {report.Shards:#,0} shards; the summary step's code (FleetSummary) folded every shard's result"),
            string.Create(CultureInfo.InvariantCulture,
                $"the fleet's shard code (ShardCycle: ScopedRuleStore, then the unchanged AutomationEngine with the trend forecaster) ran {report.ExecutedShards} of {report.Shards:#,0} shards ({(o.SamplesPerShape <= 0 ? "all of them" : $"up to {o.SamplesPerShape} per shape, {report.Shapes} shape(s)")}), each on its own embedded backend with the shard's {o.Quotas} simulated quotas and rules: a first cycle to fill 14 days of history, then the counted steady-state cycle 5 minutes later"),
            "every port call of the counted cycle was turned into the AWS calls the AWS adapters make for it (src/QuotaAutomation.Local/FleetSimulation/AwsCallMap.cs), in order and with the overlaps the engine had",
            $"the counted cycle's usage history was read {(o.WarmHistory ? "through the window cached by the first cycle (a warm container)" : "with a cold cache: the whole 14-day window per quota, as a fleet Lambda that ran other shards since")}",
        ];
    }

    public static IReadOnlyList<string> Modelled(FleetSimulationReport report)
    {
        var o = report.Options;
        var lines = new List<string>
        {
            report.ExecutedShards < report.Shards
                ? "shards that did not run the engine replay the calls of an executed shard of their shape (same rules on the same quotas), the samples in turn"
                : "every shard replays its own executed calls",
            "the cycle on a virtual clock: plan (Organizations pages, S3 shard list), Distributed Map (MaxConcurrency, ItemBatcher, child start rate and overhead), Lambda (concurrency, cold starts), API latencies per service, AWS's rate limits as token buckets, retries with exponential backoff and jitter, summary (ResultWriter, S3)",
            "DynamoDB request units from modelled item sizes; the engine's own compute time per rule; latencies, child start rate and STS rate: assumed (src/QuotaAutomation.Local/FleetSimulation/FleetCycleOptions.cs says which)",
        };
        if (o.Usage == UsageMode.Report)
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"usage from Service Quotas' utilization report (Start + 2 × GetQuotaUtilizationReport per shard, ready by the second poll: assumed), GetMetricData for {o.CadenceShare:P0} of the quotas (adaptive cadence share)"));
        else if (o.CadenceShare < 1)
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"adaptive cadence: GetMetricData reads {o.CadenceShare:P0} of the quotas each cycle"));
        lines.Add("the bill: the cycle's quantities × the cycles in 30 days × the list prices of src/QuotaAutomation.Cli/Fleet/aws-list-prices.json (no free tier)");
        return lines;
    }
}
