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
}
