using System.Globalization;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Dynamo;

/// <summary>
/// The text of a shard usage row (<see cref="DynamoShardHistory"/>): its partition <c>shard#{account}#{region}</c> and
/// its field <c>v</c>, every quota's value at the row's time as <c>{service}/{code}={value}</c> joined by <c>;</c>,
/// values in invariant culture and round-trip form, entries sorted by quota so the same values make the same row.
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

    /// <summary>
    /// Field <c>v</c>: a stored row's entries (empty: no row) with <paramref name="ours"/> over them, sorted by quota.
    /// Other quotas' entries are kept as stored text, unread, so a fragment this code cannot decode is not destroyed by it.
    /// </summary>
    public static string Merge(string stored, IReadOnlyDictionary<string, string> ours) =>
        string.Join(';', stored.Split(';').Where(f => f.Length > 0 && !ours.ContainsKey(Id(f)))
            .Concat(ours.Select(e => $"{e.Key}={e.Value}"))
            .OrderBy(Id, StringComparer.Ordinal));

    /// <summary>
    /// Field <c>v</c> of an hourly row: the stored row's entries with <paramref name="peaks"/> merged in, each quota keeping
    /// the higher of its stored and new value (an hourly row is a maximum: merging twice, or in any order, gives the same
    /// row). A stored entry that does not decode gives way to a new value for its quota; other entries are kept as stored.
    /// </summary>
    public static string MergeMax(string stored, IReadOnlyDictionary<string, double> peaks)
    {
        ArgumentNullException.ThrowIfNull(peaks);
        var merged = peaks.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var kept = new List<string>();
        foreach (var fragment in stored.Split(';'))
        {
            if (fragment.Length == 0) continue;
            var id = Id(fragment);
            if (!merged.TryGetValue(id, out var peak)) kept.Add(fragment);
            else if (fragment.Length > id.Length
                && double.TryParse(fragment.AsSpan(id.Length + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                && value > peak)
                merged[id] = value;
        }
        return string.Join(';', kept.Concat(merged.Select(e => $"{e.Key}={Value(e.Value)}")).OrderBy(Id, StringComparer.Ordinal));
    }

    /// <summary>
    /// Every entry of a row that decodes, for compacting rows into an hour's maxima. An entry that does not decode (or a
    /// quota named twice) is left out: the hour keeps the maximum of the values it has.
    /// </summary>
    public static Dictionary<string, double> DecodeAll(string v)
    {
        var ids = v.Split(';').Where(f => f.Contains('=', StringComparison.Ordinal)).Select(Id).ToHashSet(StringComparer.Ordinal);
        return Decode(v, ids, new Dictionary<string, string>(StringComparer.Ordinal));
    }

    /// <summary>The quota a fragment names: what comes before its <c>=</c> (all of it when it has none).</summary>
    private static string Id(string fragment) => fragment.IndexOf('=', StringComparison.Ordinal) is var eq and >= 0 ? fragment[..eq] : fragment;

    /// <summary>
    /// The values of the <paramref name="wanted"/> quotas in one row's <c>v</c>. Only wanted entries are decoded: a
    /// corrupt entry fails the quota it names and no other. A fragment with no <c>=</c> (a truncated or hand-edited row)
    /// names no quota for sure, so it fails every wanted quota whose name it begins (the ones it may have been).
    /// </summary>
    /// <param name="failures">Filled with each wanted quota the row cannot give a value for, and why.</param>
    public static Dictionary<string, double> Decode(string v, IReadOnlySet<string> wanted, Dictionary<string, string> failures)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var fragment in v.Split(';'))
        {
            if (fragment.Length == 0) continue;
            var eq = fragment.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                foreach (var id in wanted.Where(id => id.StartsWith(fragment, StringComparison.Ordinal)))
                    failures.TryAdd(id, $"quota '{id}': entry '{fragment}' has no '=' (cut short?) and may be this quota's");
                continue;
            }
            var name = fragment[..eq];
            if (!wanted.Contains(name)) continue;
            if (values.ContainsKey(name) || failures.ContainsKey(name))
                failures[name] = $"quota '{name}': more than one entry";
            else if (double.TryParse(fragment.AsSpan(eq + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                values[name] = value;
            else
                failures[name] = $"quota '{name}': entry '{fragment}': '{fragment[(eq + 1)..]}' is not a number";
        }
        foreach (var name in failures.Keys) values.Remove(name);
        return values;
    }
}
