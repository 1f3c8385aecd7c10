using QuotaAutomation.Core.Governance;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Local.Storage;

/// <summary>Policies in SQLite, stored as typed as the rules are (<see cref="SqliteRuleStore"/>): the embedded twin of the DynamoDB policies table.</summary>
public sealed class SqlitePolicyStore(SqliteDatabase db, TimeProvider time) : IPolicyEditor
{
    private readonly SqliteItemTable _items = new(db, time, "policies", "policy_id");

    public async Task<IReadOnlyList<RawPolicy>> LoadPoliciesAsync(CancellationToken ct) =>
        (await _items.ReadAllAsync(ct)).Select(r => new RawPolicy($"policies row '{r.Id}'", r.Item)).ToList();

    public Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>>> LoadByIdAsync(CancellationToken ct) => _items.LoadByIdAsync(ct);

    /// <summary>Each item is stored with its <c>policy_id</c>, as the DynamoDB table keys it.</summary>
    public Task ApplyAsync(IReadOnlyList<KeyValuePair<string, IReadOnlyDictionary<string, object?>>> puts, IReadOnlyList<string> deletes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(puts);
        return _items.ApplyAsync(puts.Select(p => KeyValuePair.Create(p.Key,
            (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>(p.Value, StringComparer.Ordinal) { ["policy_id"] = p.Key })).ToList(), deletes, ct);
    }
}
