using System.Collections;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Fleet;

/// <summary>
/// A shard in the fleet's schedule: when it next needs a cycle (null: the next fleet cycle) and the fingerprint of what
/// it ran (its rule ids, its parity links and the content of its rules), so a changed shard runs at once.
/// </summary>
public sealed record ScheduledShard(string ShardId, DateTimeOffset? NextDue, string Fingerprint);

/// <summary>
/// Which planned shards a fleet cycle runs. A shard is due when the schedule does not know it, its fingerprint changed
/// (a rule added, removed or edited by hand, a parity link changed), its next due is unknown or within half a cycle of
/// now, or an event woke it. The others wait: a far and calm shard runs about hourly (its quotas' read cadence,
/// <see cref="Cadence.ReadCadence"/>), not every cycle. Pure: the caller reads and writes the schedule
/// (<see cref="FleetScheduleJson"/>) and takes the wakes.
/// </summary>
public sealed class FleetSchedule
{
    /// <summary>
    /// <c>QA_FLEET_NEW_SHARDS_PER_CYCLE</c> when unset: a new shard backfills its quotas' 14 days in its first run, and
    /// 2,000 of them in one cycle stay under the usage table's on-demand write ceiling (40,000 units a second).
    /// </summary>
    public const int DefaultNewShardsPerCycle = 2000;

    private readonly Dictionary<string, ScheduledShard> _shards;

    public FleetSchedule(IEnumerable<ScheduledShard> shards)
    {
        ArgumentNullException.ThrowIfNull(shards);
        _shards = new Dictionary<string, ScheduledShard>(StringComparer.Ordinal);
        foreach (var shard in shards) _shards[shard.ShardId] = shard;
    }

    /// <summary>No schedule yet (the first fleet cycle, or one that could not be read): every shard is due.</summary>
    public static FleetSchedule Empty { get; } = new([]);

    public IReadOnlyDictionary<string, ScheduledShard> Shards => _shards;

    /// <summary>The plan's shards as schedule entries: their fingerprints, next due unknown.</summary>
    /// <param name="rules">The stored rules by rule id, as the plan read them.</param>
    public static IReadOnlyList<ScheduledShard> Planned(IReadOnlyList<FleetShard> shards, IReadOnlyDictionary<string, RawRule> rules)
    {
        ArgumentNullException.ThrowIfNull(shards);
        ArgumentNullException.ThrowIfNull(rules);
        return shards.Select(s => new ScheduledShard(s.ShardId, null, Fingerprint(s, rules))).ToList();
    }

    /// <summary>
    /// The shards this cycle runs, in plan order, each with the quotas its wake named (<see cref="FleetShard.Woken"/>).
    /// At most <paramref name="newShardsPerCycle"/> of them are new (no entry: never run), the first in
    /// <see cref="AdmissionRank"/> order; the other new shards stay out of the schedule until a later plan admits them
    /// (<see cref="NewDeferred"/>), whatever wakes or <paramref name="all"/> say: each new shard backfills 14 days.
    /// </summary>
    /// <param name="planned">The shards' entries (<see cref="Planned"/>), by shard id.</param>
    /// <param name="wakes">Shard id → quota ids (<c>{service}/{quota code}</c>) events named since the last plan.</param>
    /// <param name="cycle">How often fleet cycles run: a shard due within half of it runs now rather than a cycle late.</param>
    /// <param name="all">Every known shard, whatever the schedule says.</param>
    public IReadOnlyList<FleetShard> Due(IReadOnlyList<FleetShard> shards, IReadOnlyList<ScheduledShard> planned,
        IReadOnlyDictionary<string, IReadOnlyList<string>> wakes, DateTimeOffset now, TimeSpan cycle, bool all = false, int newShardsPerCycle = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(shards);
        ArgumentNullException.ThrowIfNull(planned);
        ArgumentNullException.ThrowIfNull(wakes);
        ArgumentOutOfRangeException.ThrowIfLessThan(newShardsPerCycle, 1);
        var fingerprints = planned.ToDictionary(p => p.ShardId, p => p.Fingerprint, StringComparer.Ordinal);
        var horizon = now + cycle / 2;
        var admitted = New(shards).OrderBy(s => AdmissionRank(s.ShardId)).ThenBy(s => s.ShardId, StringComparer.Ordinal)
            .Take(newShardsPerCycle).Select(s => s.ShardId).ToHashSet(StringComparer.Ordinal);
        var due = new List<FleetShard>();
        foreach (var shard in shards)
        {
            if (!_shards.ContainsKey(shard.ShardId) && !admitted.Contains(shard.ShardId)) continue; // new, and not admitted this plan
            var woken = wakes.GetValueOrDefault(shard.ShardId) ?? [];
            var run = all || woken.Count > 0
                || !_shards.TryGetValue(shard.ShardId, out var entry)
                || entry.Fingerprint != fingerprints.GetValueOrDefault(shard.ShardId)
                || entry.NextDue is not { } next || next <= horizon;
            if (!run) continue;
            due.Add(woken.Count == 0 ? shard
                : shard with { Woken = [.. (shard.Woken ?? []).Concat(woken).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)] });
        }
        return due;
    }

    /// <summary>New shards (never run) a plan with <paramref name="newShardsPerCycle"/> leaves for later plans.</summary>
    public int NewDeferred(IReadOnlyList<FleetShard> shards, int newShardsPerCycle)
    {
        ArgumentNullException.ThrowIfNull(shards);
        return Math.Max(0, New(shards).Count() - newShardsPerCycle);
    }

    private IEnumerable<FleetShard> New(IReadOnlyList<FleetShard> shards) => shards.Where(s => !_shards.ContainsKey(s.ShardId));

    /// <summary>
    /// The order new shards are admitted in: FNV-1a (64 bits) of the shard id, stable across processes and .NET versions,
    /// so an organization onboards spread over its accounts and Regions rather than account by account.
    /// </summary>
    public static ulong AdmissionRank(string shardId)
    {
        ArgumentNullException.ThrowIfNull(shardId);
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(shardId)) hash = unchecked((hash ^ b) * 1099511628211UL);
        return hash;
    }

    /// <summary>
    /// The schedule after a cycle: a shard that ran takes its result's next due (null when it failed or was partial: it
    /// runs next cycle) and its planned fingerprint; a planned shard that did not run keeps its entry; a shard no longer
    /// planned is dropped.
    /// </summary>
    public FleetSchedule After(IReadOnlyList<ScheduledShard> planned, IEnumerable<ShardResult> results)
    {
        ArgumentNullException.ThrowIfNull(planned);
        ArgumentNullException.ThrowIfNull(results);
        var ran = new Dictionary<string, ShardResult>(StringComparer.Ordinal);
        foreach (var result in results) ran[result.ShardId] = result;
        var next = new List<ScheduledShard>();
        foreach (var shard in planned)
        {
            if (ran.TryGetValue(shard.ShardId, out var result)) next.Add(shard with { NextDue = result.NextDue });
            else if (_shards.TryGetValue(shard.ShardId, out var kept)) next.Add(kept);
        }
        return new FleetSchedule(next);
    }

    /// <summary>
    /// SHA-256 (hex, first 128 bits) of the shard's rule ids, parity links and each rule's stored item (attributes in
    /// ordinal order, values by type): the same in every process and .NET version, unlike <c>string.GetHashCode</c>.
    /// </summary>
    public static string Fingerprint(FleetShard shard, IReadOnlyDictionary<string, RawRule> rules)
    {
        ArgumentNullException.ThrowIfNull(shard);
        ArgumentNullException.ThrowIfNull(rules);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("rules");
            foreach (var id in shard.RuleIds.Order(StringComparer.Ordinal))
            {
                json.WriteStartObject();
                json.WriteString("rule_id", id);
                json.WritePropertyName("item");
                if (rules.TryGetValue(id, out var raw)) WriteMap(json, raw.Attributes.Select(a => (a.Key, a.Value)));
                else json.WriteNullValue();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("parity");
            foreach (var link in (shard.Parity ?? []).OrderBy(l => l.RuleId, StringComparer.Ordinal))
                json.WriteStringValue(string.Create(CultureInfo.InvariantCulture,
                    $"{link.RuleId}|{link.ServiceCode}|{link.QuotaCode}|{link.PrimaryAccountId}|{link.PrimaryRegion}|{link.Factor:R}|{link.PeakWindowDays:R}"));
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()).AsSpan(0, 16));
    }

    private static void WriteMap(Utf8JsonWriter json, IEnumerable<(string Key, object? Value)> entries)
    {
        json.WriteStartObject();
        foreach (var (key, value) in entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            json.WritePropertyName(key);
            WriteValue(json, value);
        }
        json.WriteEndObject();
    }

    /// <summary>Each value tagged by its kind, so "85" and 85 differ (a person changed the item) and nothing is lost.</summary>
    private static void WriteValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null: json.WriteNullValue(); break;
            case string s: json.WriteStringValue("s:" + s); break;
            case bool b: json.WriteStringValue(b ? "b:true" : "b:false"); break;
            case double or float or decimal or long or int or short or byte or ulong or uint or ushort or sbyte:
                json.WriteStringValue("n:" + Convert.ToString(value is double d ? d.ToString("R", CultureInfo.InvariantCulture) : value, CultureInfo.InvariantCulture));
                break;
            case IDictionary map:
                WriteMap(json, map.Keys.Cast<object>().Select(k => (Convert.ToString(k, CultureInfo.InvariantCulture) ?? "", map[k])));
                break;
            case IEnumerable list:
                json.WriteStartArray();
                foreach (var item in list) WriteValue(json, item);
                json.WriteEndArray();
                break;
            default: json.WriteStringValue($"{value.GetType().Name}:{Convert.ToString(value, CultureInfo.InvariantCulture)}"); break;
        }
    }
}
