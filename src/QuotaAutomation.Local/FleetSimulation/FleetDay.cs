using QuotaAutomation.Core.Cadence;
using QuotaAutomation.Core.Fleet;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Local.FleetSimulation;

/// <summary>
/// The whole fleet's day from a few executed shard days: every planned shard replays the day of the executed sample
/// it is given (its own when it ran), shifted to its own phase in the hour. The cadence spreads a shard's calm reads
/// over the hour by a stable hash of the shard's account and Region (<see cref="ReadCadence.IsDue"/>), so a sample's
/// run in steady cycle c is the shard's run in cycle c + (the shard's phase − the sample's phase), wrapping around the
/// day (a whole number of hours: the wrap keeps every interval that divides an hour in phase). A shard's first run
/// (its backfill) is not shifted: it happens in the onboarding cycle that admits it (the fleet's plan admits at most
/// <c>newShardsPerCycle</c> new shards a cycle, in <see cref="FleetSchedule.AdmissionRank"/> order), and the day's
/// first cycle (0) is the busiest of those onboarding cycles: its new shards' backfills and the runs of the shards
/// admitted before it that are due then.
/// </summary>
public sealed class FleetDay
{
    private readonly IReadOnlyList<FleetShard> _shards;
    private readonly IReadOnlyList<ShardDay> _samples;
    private readonly int[] _sampleOf;
    private readonly int[] _shift;
    private readonly int[][] _workAt; // per sample, per cycle: the work index of its run, or -1
    private readonly int[] _slot; // per shard: the onboarding cycle that admits it

    /// <param name="shards">The plan's shards, in its order (the map's order).</param>
    /// <param name="samples">The executed shard days, all of one length.</param>
    /// <param name="sampleOf">For each shard, the sample it replays.</param>
    /// <param name="newShardsPerCycle">New shards a plan admits (<see cref="FleetSchedule.Due"/>).</param>
    public FleetDay(IReadOnlyList<FleetShard> shards, IReadOnlyList<ShardDay> samples, IReadOnlyList<int> sampleOf, DateTimeOffset start, TimeSpan every,
        int newShardsPerCycle = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(newShardsPerCycle, 1);
        ArgumentNullException.ThrowIfNull(shards);
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(sampleOf);
        if (samples.Count == 0 || samples.Any(s => s.SteadyCycles != samples[0].SteadyCycles)) throw new ArgumentException("samples of one day's length are needed", nameof(samples));
        if (sampleOf.Count != shards.Count) throw new ArgumentException("one sample per shard", nameof(sampleOf));
        _shards = shards;
        _samples = samples;
        _sampleOf = [.. sampleOf];
        SteadyCycles = samples[0].SteadyCycles;
        var perHour = Math.Max(1, (int)(TimeSpan.FromHours(1) / every));
        var samplePhase = samples.Select(s => PhaseOf(null, s.Shard.Region, start, every)).ToArray(); // as it ran: its keys carry no account id
        _shift = [.. shards.Select((s, i) => string.Equals(s.ShardId, samples[_sampleOf[i]].Shard.ShardId, StringComparison.Ordinal)
            ? 0
            : Mod(PhaseOf(s.AccountId, s.Region, start, every) - samplePhase[_sampleOf[i]], perHour))];
        var work = new List<(int Sample, ShardProfile Run)>();
        _workAt = new int[samples.Count][];
        for (var s = 0; s < samples.Count; s++)
        {
            _workAt[s] = Enumerable.Repeat(-1, SteadyCycles + 1).ToArray();
            foreach (var run in samples[s].Runs)
            {
                _workAt[s][run.Cycle] = work.Count;
                work.Add((s, run));
            }
        }
        Work = work;
        _slot = new int[shards.Count];
        var rank = 0;
        foreach (var i in Enumerable.Range(0, shards.Count).OrderBy(i => FleetSchedule.AdmissionRank(shards[i].ShardId)).ThenBy(i => shards[i].ShardId, StringComparer.Ordinal))
            _slot[i] = rank++ / newShardsPerCycle;
        OnboardingCycles = shards.Count == 0 ? 1 : _slot.Max() + 1;
        BusiestOnboarding = Enumerable.Range(0, OnboardingCycles).Select(j => (Cycle: j, Runs: Onboarding(j)))
            .MaxBy(o => (o.Runs.Sum(d => (long)Work[d.Work].Run.Calls.Count), o.Runs.Count)).Cycle; // most calls, then most runs
    }

    /// <summary>Cycles until every shard has been admitted and backfilled: ⌈shards ÷ new shards a cycle⌉.</summary>
    public int OnboardingCycles { get; }

    /// <summary>The onboarding cycle (0-based) with the most calls (then runs): what the day's cycle 0 is.</summary>
    public int BusiestOnboarding { get; }

    /// <summary>
    /// Onboarding cycle <paramref name="cycle"/>: the shards it admits, each with its sample's first run, and the shards
    /// admitted before it with their runs due then (their steady day from its start).
    /// </summary>
    public List<(int Shard, int Work)> Onboarding(int cycle)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cycle);
        var due = new List<(int, int)>();
        for (var i = 0; i < _shards.Count; i++)
        {
            var sampleCycle = _slot[i] == cycle ? 0 : _slot[i] < cycle && SteadyCycles > 0 ? 1 + Mod(cycle - 1 - _shift[i], SteadyCycles) : -1;
            if (sampleCycle >= 0 && _workAt[_sampleOf[i]][sampleCycle] is var work and >= 0) due.Add((i, work));
        }
        return due;
    }

    /// <summary>Cycles after the first.</summary>
    public int SteadyCycles { get; }

    public int Shards => _shards.Count;

    /// <summary>Every executed run of every sample: what a shard's run in a cycle replays (its index).</summary>
    public IReadOnlyList<(int Sample, ShardProfile Run)> Work { get; }

    public FleetShard Shard(int index) => _shards[index];

    /// <summary>
    /// The shards due in <paramref name="cycle"/> (plan order) and the work each replays; cycle 0 is the busiest
    /// onboarding cycle, the steady cycles after it are the day once every shard is known.
    /// </summary>
    public List<(int Shard, int Work)> DueIn(int cycle)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cycle);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(cycle, SteadyCycles);
        if (cycle == 0) return Onboarding(BusiestOnboarding);
        var due = new List<(int, int)>();
        for (var i = 0; i < _shards.Count; i++)
        {
            var sampleCycle = cycle == 0 || SteadyCycles == 0 ? cycle : 1 + Mod(cycle - 1 - _shift[i], SteadyCycles);
            var work = _workAt[_sampleOf[i]][sampleCycle];
            if (work >= 0) due.Add((i, work));
        }
        return due;
    }

    /// <summary>Which 5-minute cycle of the hour (0 at the hour) a shard's hourly reads fall in, by the cadence's own test.</summary>
    public static int PhaseOf(string? accountId, string region, DateTimeOffset start, TimeSpan every)
    {
        var probe = new QuotaKey("fleet", "phase", region, accountId);
        var perHour = Math.Max(1, (int)(TimeSpan.FromHours(1) / every));
        for (var k = 0; k < perHour; k++)
            if (ShardExecution.Cadence.IsDue(probe, TimeSpan.FromHours(1), start + k * every)) return k;
        return 0;
    }

    private static int Mod(int a, int m) => ((a % m) + m) % m;
}
