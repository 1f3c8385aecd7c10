namespace QuotaAutomation.Core.Cadence;

/// <summary>Why a quota is read in detail as often as it is.</summary>
public enum CadenceReason
{
    /// <summary>An event named the quota: read now.</summary>
    Woken,
    /// <summary>No history yet, or none recent: the detailed read fills the gap.</summary>
    Backfill,
    /// <summary>Its 24 h peak is within <see cref="ReadCadence.NearPoints"/> of the warning threshold.</summary>
    NearThreshold,
    /// <summary>A sample of the last hour stood at ≥ 2× the 24 h median.</summary>
    Spike,
    /// <summary>The recent trend reaches the warning threshold within a day.</summary>
    BreachAhead,
    /// <summary>Far from the threshold and calm.</summary>
    Calm,
}

/// <summary>A quota's detailed reads are due every <paramref name="Every"/>, for <paramref name="Reason"/>.</summary>
public sealed record CadenceDecision(TimeSpan Every, CadenceReason Reason);
