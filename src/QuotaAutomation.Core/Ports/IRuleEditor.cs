namespace QuotaAutomation.Core.Ports;

/// <summary>
/// Where people change rules (<c>rules import|delete|disable|enable</c>): the stored items by their key, and a set of
/// writes and deletes applied together. Items are kept as typed; the engine parses them at each cycle.
/// </summary>
public interface IRuleEditor : IRuleStore
{
    /// <summary>Every stored item by its key (<c>rule_id</c>).</summary>
    Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>>> LoadByIdAsync(CancellationToken ct);

    /// <summary>
    /// Writes <paramref name="puts"/> (insert or replace by key), then removes <paramref name="deletes"/>. SQLite does
    /// both in one transaction; DynamoDB item by item, writes first, so a failure part way never empties the table.
    /// </summary>
    Task ApplyAsync(IReadOnlyList<KeyValuePair<string, IReadOnlyDictionary<string, object?>>> puts, IReadOnlyList<string> deletes, CancellationToken ct);

    /// <summary>Sets <c>enabled</c> on stored items, leaving every other attribute exactly as stored.</summary>
    Task SetEnabledAsync(IReadOnlyList<string> ruleIds, bool enabled, CancellationToken ct);
}
