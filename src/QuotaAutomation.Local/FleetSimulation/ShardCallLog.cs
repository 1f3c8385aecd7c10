namespace QuotaAutomation.Local.FleetSimulation;

/// <summary>
/// A recorded call and when it could start: after the call before it started and after <see cref="WaitsFor"/> (the
/// calls that ended between the previous call's start and this one's) ended. For an engine that awaits each call in
/// turn that is a chain; calls the engine runs concurrently keep their overlap.
/// </summary>
public sealed record RecordedCall(int Index, ApiCall Call, IReadOnlyList<int> WaitsFor)
{
    /// <summary>
    /// Sent as soon as <see cref="WaitsFor"/> have ended, without waiting for the call before it to be sent: the first
    /// call after work the shard started in the background (<see cref="ReportInBackground"/>).
    /// </summary>
    public bool AfterWaitsOnly { get; init; }
}

/// <summary>
/// The AWS calls of one shard's cycle in the order the engine started them, with what each waited for. A port call
/// becomes its AWS calls when it ends (their number and size depend on what it returned); its position is where it began.
/// </summary>
public sealed class ShardCallLog
{
    private readonly Lock _lock = new();
    private readonly List<Slot> _slots = [];
    private readonly List<int> _endedSinceLastStart = [];

    private sealed class Slot(IReadOnlyList<int> waitsFor)
    {
        public IReadOnlyList<int> WaitsFor { get; } = waitsFor;

        public IReadOnlyList<ApiCall> Calls { get; set; } = [];
    }

    /// <summary>Forgets what was recorded (calls still in flight must have ended).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _slots.Clear();
            _endedSinceLastStart.Clear();
        }
    }

    /// <summary>Marks a port call's start; returns its slot for <see cref="End"/>.</summary>
    public int Begin()
    {
        lock (_lock)
        {
            _slots.Add(new Slot([.. _endedSinceLastStart]));
            _endedSinceLastStart.Clear();
            return _slots.Count - 1;
        }
    }

    public void End(int slot, IReadOnlyList<ApiCall> calls)
    {
        lock (_lock)
        {
            _slots[slot].Calls = calls;
            _endedSinceLastStart.Add(slot);
        }
    }

    /// <summary>
    /// The AWS calls in order. A port call that makes several AWS calls (pages, batches) makes them one after another;
    /// one that makes none (served from memory) passes its waits on to the next.
    /// </summary>
    public IReadOnlyList<RecordedCall> Calls()
    {
        lock (_lock)
        {
            var calls = new List<RecordedCall>();
            var lastCallOfSlot = new Dictionary<int, int>();
            var carried = new List<int>();
            for (var s = 0; s < _slots.Count; s++)
            {
                var waits = _slots[s].WaitsFor.SelectMany(w => lastCallOfSlot.TryGetValue(w, out var c) ? [c] : Array.Empty<int>()).Concat(carried).Distinct().ToList();
                if (_slots[s].Calls.Count == 0)
                {
                    carried = waits;
                    continue;
                }
                carried = [];
                foreach (var call in _slots[s].Calls)
                {
                    calls.Add(new RecordedCall(calls.Count, call, waits));
                    waits = [calls.Count - 1];
                }
                lastCallOfSlot[s] = calls.Count - 1;
            }
            return calls;
        }
    }
}
