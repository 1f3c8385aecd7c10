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
                $"usage was drawn per account, Region and quota by the {Profile(o.Usage)}; the shards fell into {report.Strata.Count} strata: {string.Join("; ", report.Strata.Select(s => $"{s.Name} {s.Shards:#,0} shards, {s.Samples} sampled"))}"),
            string.Create(CultureInfo.InvariantCulture,
                $"the fleet's planner (FleetPlanner) expanded {o.Quotas} rules (account_id '*', region '*') over the virtual organization of {o.Accounts:#,0} accounts and {o.Regions} Regions into {report.Shards:#,0} shards; the summary step's code (FleetSummary) folded the busiest cycle's shard results"),
            string.Create(CultureInfo.InvariantCulture,
                $"the fleet's shard code (ShardCycle: ScopedRuleStore, then the unchanged AutomationEngine with the trend forecaster and the adaptive read cadence) ran {report.Executed.Count} of {report.Shards:#,0} shards ({(o.SamplesPerShape <= 0 ? "all of them" : $"up to {o.SamplesPerShape} per stratum, {report.Strata.Count} strata")}), each on its own embedded backend with the shard's {o.Quotas} simulated quotas and rules: the first cycle (every quota backfills 14 days), then {o.SteadyCycles:#,0} cycles 5 minutes apart, running in those its previous run's NextDue made due (none given: every cycle)"),
            "usage was read as the embedded backend reads it: quotas whose detailed read the cadence made due by GetMetricData, the others from the simulated account's utilization report; counted as the AWS adapter calls AWS for each (StartQuotaUtilizationReport, GetQuotaUtilizationReport until ready, GetMetricData per 500 metrics)",
            "every other port call of every run was turned into the AWS calls the AWS adapters make for it (src/QuotaAutomation.Local/FleetSimulation/AwsCallMap.cs), in order and with the overlaps the engine had; every run counted as on a cold container (its whole usage window read)",
        ];
    }

    /// <summary>The usage profile in words, with its parameters.</summary>
    public static string Profile(UsageMix m) => m.EveryRegionHome
        ? string.Create(CultureInfo.InvariantCulture, $"uniform stress profile (--utilization): every Region busy, base usage uniform in {m.BusyLow:0.##%}–{m.BusyHigh:0.##%} of the quota")
        : string.Create(CultureInfo.InvariantCulture,
            $"organization profile (docs/fleet-usage-profile.md): home Regions the fleet's first for {m.FirstRegionShare:0.##%} of accounts, plus 0/1/2… more weighted {string.Join("/", m.ExtraHomeRegionWeights.Select(w => w.ToString(CultureInfo.InvariantCulture)))}; in a home Region {m.HotShare:0.##%} of quotas hot (base {m.HotLow:0.##%}–{m.HotHigh:0.##%}), the rest {m.BusyLow:0.##%}–{m.BusyHigh:0.##%} skewed low (u^{m.BusySkew}); elsewhere 0–{m.IdleHigh:0.##%}");

    public static IReadOnlyList<string> Modelled(FleetSimulationReport report) =>
    [
        report.Executed.Count < report.Shards
            ? "shards that did not run the engine replay the day of an executed shard of their own stratum (same rules on the same quotas, home or other Region, as many quotas near a threshold), chosen by a stable hash of the shard id, shifted to their own phase in the hour (the cadence's stable hash of account and Region); the first cycle unshifted"
            : "every shard replays its own executed day",
        string.Create(CultureInfo.InvariantCulture,
            $"cycles on a virtual clock: the first, the busiest (most calls) and {report.ModelledCycles} in all: plan (Organizations pages, S3 shard list), Distributed Map (MaxConcurrency, ItemBatcher, child start rate and overhead), Lambda (concurrency, cold starts), API latencies per service, AWS's rate limits as token buckets, retries with exponential backoff and jitter, summary (ResultWriter, S3)"),
        "DynamoDB request units from modelled item sizes; the engine's own compute time per rule; latencies, child start rate, STS rate and the report's readiness by its first poll, 2 s after its start: assumed (src/QuotaAutomation.Local/FleetSimulation/FleetCycleOptions.cs and CountedUsageSource.cs say which)",
        "the bill: the steady cycles' counted calls, request units and metrics, their child executions, transitions, AssumeRoles and S3 requests, and the modelled cycles' Lambda and Express GB-seconds (per shard run for cycles not modelled), × the days in an average month (30.44), at the list prices of src/QuotaAutomation.Cli/Fleet/aws-list-prices.json (no free tier)",
    ];
}
