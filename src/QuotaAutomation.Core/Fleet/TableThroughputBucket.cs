namespace QuotaAutomation.Core.Fleet;

/// <summary>
/// A shard's side of a hub table's throughput: request units refilled at <see cref="UnitsPerSecond"/>, holding at most
/// one second's worth. A call waits until the bucket owes nothing, then takes its units, which may leave it owing (a
/// BatchWriteItem of 25 rows is more than a small share's second): the next call waits for the debt to refill. Calls
/// that find the bucket owing queue in the order they asked. Pure arithmetic on a time the caller gives: the DynamoDB
/// adapter passes its <c>TimeProvider</c>'s, <c>simulate fleet</c> its virtual clock's, so both pace alike.
/// </summary>
/// <remarks>
/// Why a debt and not "wait until there are enough tokens": a call larger than the bucket would wait forever, and a
/// Query's units are known only from its reply (<see cref="Debit"/> after it).
/// </remarks>
public sealed class TableThroughputBucket
{
    private readonly Lock _lock = new();
    private double _units;
    private TimeSpan _at;

    /// <param name="unitsPerSecond">The table's units a second times the shard's <see cref="FleetShard.TableShare"/>.</param>
    public TableThroughputBucket(double unitsPerSecond)
    {
        if (!double.IsFinite(unitsPerSecond) || unitsPerSecond <= 0)
            throw new ArgumentOutOfRangeException(nameof(unitsPerSecond), unitsPerSecond, "request units per second must be a number above 0");
        UnitsPerSecond = unitsPerSecond;
        _units = unitsPerSecond; // full: one second's worth
        _at = TimeSpan.MinValue;
    }

    public double UnitsPerSecond { get; }

    /// <summary>
    /// Takes <paramref name="units"/> for a call wanted at <paramref name="now"/> (time since any fixed origin, the same
    /// for every call); returns how long the call must wait before it is sent.
    /// </summary>
    public TimeSpan Take(TimeSpan now, double units)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(units);
        lock (_lock)
        {
            Refill(now);
            var wait = _units >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_units / UnitsPerSecond);
            _units -= units;
            return wait;
        }
    }

    /// <summary>Takes units a call used that were known only after it (a Query page's): later calls wait for them.</summary>
    public void Debit(TimeSpan now, double units)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(units);
        lock (_lock)
        {
            Refill(now);
            _units -= units;
        }
    }

    private void Refill(TimeSpan now)
    {
        if (_at == TimeSpan.MinValue) _at = now;
        if (now <= _at) return;
        _units = Math.Min(UnitsPerSecond, _units + (now - _at).TotalSeconds * UnitsPerSecond);
        _at = now;
    }
}
