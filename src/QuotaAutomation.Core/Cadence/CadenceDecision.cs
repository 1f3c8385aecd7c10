namespace QuotaAutomation.Core.Cadence;

/// <summary>Why a quota is read in detail as often as it is.</summary>
public enum CadenceReason
{
    /// <summary>An event named the quota: read now.</summary>
    Woken,
    /// <summary>No history yet, or none recent: the detailed read fills the gap.</summary>
    Backfill,
    /// <summary>
    /// Its 24 h peak is within <see cref="ReadCadence.NearPoints"/> of the warning threshold, and its last hour at or above
    /// the warning but not steady there: above yesterday's peak, trending to the quota's value within
    /// <see cref="ReadCadence.BreachSoon"/>, or no history of yesterday.
    /// </summary>
    NearThreshold,
    /// <summary>A sample of the last hour stood at ≥ 2× the 24 h median.</summary>
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
}

/// <summary>
/// A quota needs a sample every <paramref name="Every"/> (what its shard's runs follow), for <paramref name="Reason"/>,
/// and a detailed read every <see cref="DetailEvery"/>: the same interval, except for a quota near its threshold but
/// steady, sampled every cycle from the report and read in detail less often.
/// </summary>
public sealed record CadenceDecision(TimeSpan Every, CadenceReason Reason)
{
    /// <summary>How often the quota is read in detail (GetMetricData); at least <see cref="Every"/>.</summary>
    public TimeSpan DetailEvery { get; init; } = Every;
}
