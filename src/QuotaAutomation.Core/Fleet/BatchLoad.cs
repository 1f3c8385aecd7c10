namespace QuotaAutomation.Core.Fleet;

/// <summary>
/// One read shared by a batch of shards: the first load calls the store, every later one in the batch, concurrent or
/// not, gets the same answer. A load that fails is not kept: the next shard of the batch reads again.
/// </summary>
public sealed class BatchLoad<T>(Func<CancellationToken, Task<T>> load)
{
    private readonly Lock _lock = new();
    private Task<T>? _kept;

    public async Task<T> GetAsync(CancellationToken ct)
    {
        Task<T> kept;
        lock (_lock) kept = _kept is { IsFaulted: false, IsCanceled: false } k ? k : _kept = load(ct);
        return await kept.WaitAsync(ct);
    }

    /// <summary>Forgets what was read, so the next load reads the store again (a new batch on the same store).</summary>
    public void Forget()
    {
        lock (_lock) _kept = null;
    }
}
