namespace QuotaAutomation.Core.Ports;

/// <summary>A policy store people change (<c>policy import|delete</c>); the engine only reads (<see cref="IPolicyStore"/>).</summary>
public interface IPolicyEditor : IPolicyStore
{
    /// <summary>Every stored item by <c>policy_id</c>, as typed.</summary>
    Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>>> LoadByIdAsync(CancellationToken ct);

    /// <summary>Writes the items (by id) and deletes the ids, writes first.</summary>
    Task ApplyAsync(IReadOnlyList<KeyValuePair<string, IReadOnlyDictionary<string, object?>>> puts, IReadOnlyList<string> deletes, CancellationToken ct);
}
