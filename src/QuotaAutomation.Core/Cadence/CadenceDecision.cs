namespace QuotaAutomation.Core.Cadence;

/// <summary>Why a quota is read in detail as often as it is.</summary>
public enum CadenceReason
{
    /// <summary>An event named the quota: read now.</summary>
    Woken,
    /// <summary>No history yet, or none recent: the detailed read fills the gap.</summary>
    Backfill,
    /// <summary>
    /// Its 24 h peak is within <see cref="ReadCadence.NearPoints"/> of the warning threshold, its last hour at or above
    /// the warning, and a breach of the quota's value soon (the last two hours' trend or the daily peak's growth reaches
    /// it within <see cref="ReadCadence.BreachSoon"/>), or no history of yesterday (a new quota).
    /// </summary>
    NearThreshold,
    /// <summary>Near its warning threshold, and a sample of the last hour stood at ≥ 2× the 24 h median.</summary>
    Spike,
    /// <summary>The recent trend reaches the warning threshold within a day.</summary>
    BreachAhead,
    /// <summary>Far from the threshold and calm.</summary>
    Calm,
    /// <summary>
    /// Near the warning threshold but steady: below it and not rising towards it, or at or above it within yesterday's
    /// range and not trending to the quota's value within <see cref="ReadCadence.BreachSoon"/>; no spike. Sampled every
    /// cycle (from the utilization report), read in detail every <see cref="ReadCadence.SteadyDetail"/>.
    /// </summary>
    NearSteady,
    /// <summary>
    /// At or above the warning threshold and above yesterday's peak (a level it did not have), but no breach of the
    /// quota's value within <see cref="ReadCadence.BreachSoon"/> (neither the last two hours' trend nor the daily peak's
    /// growth reaches it), no spike. Sampled every cycle (the decisions act on the report's sample), read in detail every
    /// <see cref="ReadCadence.SteadyDetail"/>.
    /// </summary>
    AboveWarningRising,
    /// <summary>
    /// A spike (a sample of the last hour at ≥ 2× the 24 h median) that stayed far from the warning threshold: its 24 h
    /// peak, the spike included, more than <see cref="ReadCadence.NearPoints"/> below it (on a small count, often one or
    /// two units). Sampled every cycle for the spike's hour (a rise into the near band is seen in the next cycle's
    /// report, and is then <see cref="Spike"/>), read in detail every <see cref="ReadCadence.SteadyDetail"/>.
    /// </summary>
    FarSpike,
}

/// <summary>
/// A quota needs a sample every <paramref name="Every"/> (what its shard's runs follow), for <paramref name="Reason"/>,
/// and a detailed read every <see cref="DetailEvery"/>: the same interval, except for a quota sampled every cycle from
/// the report and read in detail less often (<see cref="CadenceReason.NearSteady"/>,
/// <see cref="CadenceReason.AboveWarningRising"/>, <see cref="CadenceReason.FarSpike"/>).
/// </summary>
public sealed record CadenceDecision(TimeSpan Every, CadenceReason Reason)
{
    /// <summary>How often the quota is read in detail (GetMetricData); at least <see cref="Every"/>.</summary>
    public TimeSpan DetailEvery { get; init; } = Every;
}
