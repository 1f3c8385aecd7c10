using System.Globalization;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Dynamo;

/// <summary>
/// The text of a shard usage row (<see cref="DynamoShardHistory"/>, docs/fleet-rows.md): its partition
/// <c>shard#{account}#{region}</c> and its fields. A <b>compact</b> row (written since issue 14 round 5) has <c>k</c>, the
/// id of its <see cref="ShardKeyList"/>, and <c>v</c>, the values at that list's positions joined by <c>;</c> (an empty
/// position: no value at that time), in invariant culture and shortest round-trip form; <c>x</c>, when present, maps a
/// quota (or a name prefix ending in <c>*</c>, or <c>*</c>: every quota) to why its value here is unknown. An
/// <b>old</b> row (rounds 3 and 4) has no <c>k</c>, and <c>v</c> is <c>{service}/{code}={value}</c> joined by <c>;</c>.
/// </summary>
internal static class ShardRow
{
    public static string ShardId(QuotaKey key) => $"shard#{key.AccountOrSelf}#{key.Region}";

    /// <summary>The quota's name inside its shard's row: the account and Region are the row's partition.</summary>
    public static string EntryId(QuotaKey key) => $"{key.ServiceCode}/{key.QuotaCode}";

    /// <summary>
    /// Refuses a key whose codes would corrupt a row: <c>=</c>, <c>;</c> and <c>/</c> separate a row's parts, and
    /// <c>#</c> the partition's. Service Quotas' service and quota codes never contain them.
    /// </summary>
    public static void Validate(QuotaKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Check(key, "service code", key.ServiceCode, "=;/");
        Check(key, "quota code", key.QuotaCode, "=;/");
        Check(key, "Region", key.Region, "#");
        if (key.AccountId is { } account) Check(key, "account id", account, "#");
    }

    private static void Check(QuotaKey key, string field, string value, string separators)
    {
        if (value.Length == 0) throw new ArgumentException($"Quota '{key}': its {field} is empty; a shard usage row cannot name it.", nameof(key));
        var bad = value.IndexOfAny(separators.ToCharArray());
        if (bad < 0) return;
        var role = value[bad] switch
        {
            '=' => "between a quota and its value",
            ';' => "between entries",
            '/' => "between service and quota code",
            _ => "between the account and Region of the row's partition",
        };
        throw new ArgumentException($"Quota '{key}': its {field} '{value}' contains '{value[bad]}', which a shard usage row uses {role}; service and quota codes never contain '=', ';' or '/'.", nameof(key));
    }

    public static string Value(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Field <c>v</c> of a compact row: each of the list's quotas' value in order, empty where it has none.</summary>
    public static string Encode(ShardKeyList list, IReadOnlyDictionary<string, double> values)
    {
        ArgumentNullException.ThrowIfNull(list);
        ArgumentNullException.ThrowIfNull(values);
        return string.Join(';', list.Ids.Select(id => values.TryGetValue(id, out var value) ? Value(value) : ""));
    }

    /// <summary>
    /// The values of a compact row's <c>v</c> for the <paramref name="wanted"/> quotas (null: all). A position that is not a
    /// number fails the quota it holds and no other. A <c>v</c> with more or fewer positions than its list has quotas
    /// (a value added or lost by hand) can trust no position: it fails every wanted quota of the list.
    /// </summary>
    /// <param name="failures">Filled with each quota (or name prefix ending in <c>*</c>) the row cannot give a value for, and why.</param>
    public static Dictionary<string, double> DecodeCompact(string v, ShardKeyList list, long listId, IReadOnlySet<string>? wanted, Dictionary<string, string> failures)
    {
        ArgumentNullException.ThrowIfNull(v);
        ArgumentNullException.ThrowIfNull(list);
        ArgumentNullException.ThrowIfNull(failures);
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        var positions = list.Count == 0 && v.Length == 0 ? [] : v.Split(';');
        if (positions.Length != list.Count)
        {
            foreach (var id in list.Ids.Where(id => wanted?.Contains(id) ?? true))
                failures.TryAdd(id, $"{positions.Length} values for the {list.Count} quotas of key list {listId}: no position can be trusted");
            return values;
        }
        for (var i = 0; i < positions.Length; i++)
        {
            var id = list.Ids[i];
            if (positions[i].Length == 0 || !(wanted?.Contains(id) ?? true)) continue;
            if (double.TryParse(positions[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) values[id] = value;
            else failures.TryAdd(id, $"value '{positions[i]}' at position {i + 1} of key list {listId} is not a number");
        }
        return values;
    }

    /// <summary>
    /// The carried failures (a row's <c>x</c>) that concern the <paramref name="wanted"/> quotas: a key that is a quota names
    /// it, one ending in <c>*</c> every quota whose name begins with the rest, <c>*</c> every quota.
    /// </summary>
    public static IEnumerable<(string Id, string Why)> Carried(IReadOnlyDictionary<string, string> carried, IEnumerable<string> wanted)
    {
        ArgumentNullException.ThrowIfNull(carried);
        foreach (var id in wanted)
            foreach (var (key, why) in carried)
                if (key == id || (key.EndsWith('*') && id.StartsWith(key[..^1], StringComparison.Ordinal)))
                {
                    yield return (id, why);
                    break;
                }
    }

    /// <summary>
    /// Every entry of an old row that decodes, for merging and compacting; each one that does not is in
    /// <paramref name="failures"/> under its quota, or under its prefix and <c>*</c> when it has no <c>=</c> (a row cut short
    /// names no quota for sure), so a rewrite carries it rather than drop it.
    /// </summary>
    public static Dictionary<string, double> DecodeAll(string v, Dictionary<string, string> failures)
    {
        ArgumentNullException.ThrowIfNull(v);
        ArgumentNullException.ThrowIfNull(failures);
        var ids = v.Split(';').Where(f => f.Contains('=', StringComparison.Ordinal)).Select(Id).ToHashSet(StringComparer.Ordinal);
        foreach (var fragment in v.Split(';').Where(f => f.Length > 0 && !f.Contains('=', StringComparison.Ordinal)))
            failures.TryAdd(fragment + "*", $"entry '{fragment}' has no '=' (cut short?) and may be this quota's");
        var scoped = new Dictionary<string, string>(StringComparer.Ordinal);
        var values = Decode(v, ids, scoped);
        foreach (var (id, why) in scoped.Where(f => !f.Key.EndsWith('*'))) failures.TryAdd(id, why);
        return values;
    }

    /// <summary>The quota a fragment names: what comes before its <c>=</c> (all of it when it has none).</summary>
    private static string Id(string fragment) => fragment.IndexOf('=', StringComparison.Ordinal) is var eq and >= 0 ? fragment[..eq] : fragment;

    /// <summary>
    /// The values of the <paramref name="wanted"/> quotas in an old row's <c>v</c>. Only wanted entries are decoded: a
    /// corrupt entry fails the quota it names and no other. A fragment with no <c>=</c> (a truncated or hand-edited row)
    /// names no quota for sure, so it fails every wanted quota whose name it begins (the ones it may have been).
    /// </summary>
    /// <param name="failures">Filled with each wanted quota the row cannot give a value for, and why.</param>
    public static Dictionary<string, double> Decode(string v, IReadOnlySet<string> wanted, Dictionary<string, string> failures)
    {
        ArgumentNullException.ThrowIfNull(v);
        ArgumentNullException.ThrowIfNull(wanted);
        ArgumentNullException.ThrowIfNull(failures);
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var fragment in v.Split(';'))
        {
            if (fragment.Length == 0) continue;
            var eq = fragment.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                foreach (var id in wanted.Where(id => id.StartsWith(fragment, StringComparison.Ordinal)))
                    failures.TryAdd(id, $"entry '{fragment}' has no '=' (cut short?) and may be this quota's");
                continue;
            }
            var name = fragment[..eq];
            if (!wanted.Contains(name)) continue;
            if (values.ContainsKey(name) || failures.ContainsKey(name))
                failures[name] = "more than one entry";
            else if (double.TryParse(fragment.AsSpan(eq + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                values[name] = value;
            else
                failures[name] = $"entry '{fragment}': '{fragment[(eq + 1)..]}' is not a number";
        }
        foreach (var name in failures.Keys) values.Remove(name);
        return values;
    }
}
