using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Cli.Commands;

/// <summary>
/// <c>run --fleet</c>'s schedule of due shards, chosen and merged by the same code as the Lambda's plan and summary
/// steps (<see cref="ScheduledPlan.Select"/>, <see cref="FleetSchedule.After"/>). On the embedded backend it is kept
/// in the database's fleet folder (<c>{database}.fleet/schedule.json</c>), so later runs go on from it; on
/// <c>--backend aws</c> it lives for the process's <c>--cycles</c> (the first cycle runs every shard).
/// <c>--all-shards</c> runs every known shard whatever it says; <c>--new-shards-per-cycle</c> caps the new ones a cycle admits.
/// </summary>
internal sealed class FleetRunSchedule(string? file, IShardWakes wakes, TimeSpan cycle, bool all, int newShardsPerCycle = FleetSchedule.DefaultNewShardsPerCycle)
{
    private FleetSchedule? _schedule;

    /// <summary>The embedded backend's schedule file beside its database.</summary>
    public static string FileFor(string databasePath) => Path.Combine(Path.GetFullPath(databasePath) + ".fleet", "schedule.json");

    /// <summary>Why the stored schedule could not be read (every shard it lost runs this cycle); null when it could.</summary>
    public string? Problem { get; private set; }

    public async Task<ScheduledPlan> SelectAsync(FleetCyclePlan planned, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(planned);
        if (_schedule is null)
        {
            var text = file is not null && File.Exists(file) ? await File.ReadAllTextAsync(file, ct) : null;
            (_schedule, var problem) = FleetScheduleJson.Read(text, file ?? "schedule");
            Problem = problem;
        }
        return ScheduledPlan.Select(planned.Plan, planned.Rules, _schedule, await wakes.TakeAsync(ct), now, cycle, all, newShardsPerCycle);
    }

    public async Task SaveAsync(ScheduledPlan selected, IReadOnlyList<ShardResult> results, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(selected);
        _schedule = (_schedule ?? FleetSchedule.Empty).After(selected.Planned, results);
        if (file is null) return;
        Directory.CreateDirectory(Path.GetDirectoryName(file)!); // FileFor gives a path in a folder
        var temporary = file + ".tmp";
        await File.WriteAllTextAsync(temporary, FleetScheduleJson.Write(_schedule), ct);
        File.Move(temporary, file, overwrite: true); // a run killed mid-write leaves the old schedule, not half of one
    }
}
