namespace QuotaAutomation.Local.Simulation;

/// <summary>The embedded backend's time: it moves only when a cycle advances it, so a simulated day takes seconds.</summary>
public sealed class VirtualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by)
    {
        if (by < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(by), by, "time only moves forward");
        _now += by;
    }

    /// <summary>Moves to a time the database's clock reached (another process on the file may have moved it further).</summary>
    public void MoveTo(DateTimeOffset to)
    {
        if (to < _now) throw new ArgumentOutOfRangeException(nameof(to), to, $"time only moves forward (the clock is at {_now:O})");
        _now = to;
    }
}
