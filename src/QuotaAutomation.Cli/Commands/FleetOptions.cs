using System.CommandLine;

namespace QuotaAutomation.Cli.Commands;

/// <summary><c>run --fleet</c>'s options: the virtual organization's size (kept by the database on first use) and the shards run at once.</summary>
internal sealed class FleetOptions
{
    public Option<bool> Fleet { get; } = new("--fleet")
    {
        Description = "Run one cycle over every account and Region the rules target (plan → shards in parallel → summary): on the embedded backend a virtual organization, on --backend aws the AWS Organization",
    };

    public Option<int?> Accounts { get; } = new("--accounts")
    {
        Description = "Embedded fleet: member accounts of the virtual organization, kept by the database on first use (default 10)",
    };

    public Option<string?> Regions { get; } = new("--regions")
    {
        Description = "Embedded fleet: the organization's Regions, a count of the 17 default Regions or a list (us-east-1,eu-west-1), kept on first use (default 3)",
    };

    public Option<int> Parallel { get; } = new("--parallel")
    {
        Description = "Shards run at once (default: the processor count)",
        DefaultValueFactory = _ => Environment.ProcessorCount,
    };

    public Option<bool> AllShards { get; } = new("--all-shards")
    {
        Description = "Run every shard, not only those due (a calm shard otherwise waits for its hourly cycle; the schedule is kept beside the database)",
    };

    public Option<int> NewShardsPerCycle { get; } = new("--new-shards-per-cycle")
    {
        Description = "New shards (never run: each backfills 14 days) a fleet cycle admits; the rest wait for later cycles (default 2,000, as QA_FLEET_NEW_SHARDS_PER_CYCLE)",
        DefaultValueFactory = _ => Core.Fleet.FleetSchedule.DefaultNewShardsPerCycle,
    };

    /// <summary>
    /// Why a <c>--new-shards-per-cycle</c> value (<c>run --fleet</c>'s and <c>simulate fleet</c>'s) is refused, or null: the
    /// one check of both, bounded as the Lambda's <c>QA_FLEET_NEW_SHARDS_PER_CYCLE</c>.
    /// </summary>
    public static string? NewShardsPerCycleProblem(int value) => value is >= 1 and <= Lambda.FleetOptions.MaxNewShardsPerCycle ? null
        : string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"--new-shards-per-cycle {value} must be 1 to {Lambda.FleetOptions.MaxNewShardsPerCycle} (the bound of QA_FLEET_NEW_SHARDS_PER_CYCLE)");

    /// <summary>The first fleet-only option given, for the message when <c>--fleet</c> is missing; null when none is.</summary>
    public string? Given(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return new Option[] { Accounts, Regions, Parallel, AllShards, NewShardsPerCycle }.FirstOrDefault(o => parse.GetResult(o) is { Implicit: false })?.Name;
    }
}
