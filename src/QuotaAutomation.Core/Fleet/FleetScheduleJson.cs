using System.Globalization;
using System.Text;
using System.Text.Json;
using QuotaAutomation.Core.Common;

namespace QuotaAutomation.Core.Fleet;

/// <summary>
/// The fleet's schedule as the object <c>schedule.json</c> (in the fleet bucket on AWS, the embedded fleet folder):
/// <c>{"version":1,"shards":[{"shard_id","next_due","fingerprint"}]}</c>, <c>next_due</c> ISO 8601 UTC or null.
/// Reading is total: a schedule that cannot be read makes every shard it loses due, with a message; it never throws.
/// </summary>
public static class FleetScheduleJson
{
    /// <summary>Where the schedule lives, beside the runs' folders (<c>fleet/{run}/…</c>).</summary>
    public const string Key = "fleet/schedule.json";

    public static string Write(FleetSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return Write(schedule.Shards.Values.OrderBy(s => s.ShardId, StringComparer.Ordinal));
    }

    /// <summary>Entries as a schedule object (also the plan's list of planned shards and their fingerprints).</summary>
    public static string Write(IEnumerable<ScheduledShard> shards)
    {
        ArgumentNullException.ThrowIfNull(shards);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("version", 1);
            json.WriteStartArray("shards");
            foreach (var shard in shards)
            {
                json.WriteStartObject();
                json.WriteString("shard_id", shard.ShardId);
                if (shard.NextDue is { } due) json.WriteString("next_due", Iso(due));
                else json.WriteNull("next_due");
                json.WriteString("fingerprint", shard.Fingerprint);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>
    /// The schedule in <paramref name="text"/>; null text (no object yet) is the empty schedule without a problem. A
    /// document that is not a schedule gives the empty schedule; a bad entry is left out (its shard is due); either way
    /// <c>Problem</c> says what and where.
    /// </summary>
    /// <param name="name">How messages name the object, e.g. <c>s3://bucket/fleet/schedule.json</c>.</param>
    public static (FleetSchedule Schedule, string? Problem) Read(string? text, string name)
    {
        if (text is null) return (FleetSchedule.Empty, null);
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(text);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            return (FleetSchedule.Empty, $"{name} is not JSON ({e.Message}): every shard is due this cycle");
        }
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("shards", out var list) || list.ValueKind != JsonValueKind.Array)
            return (FleetSchedule.Empty, $"{name} has no shards list: every shard is due this cycle");
        var shards = new List<ScheduledShard>();
        var bad = new List<string>();
        var i = 0;
        foreach (var item in list.EnumerateArray())
        {
            var at = $"shards[{i++}]";
            var id = Text(item, "shard_id");
            var fingerprint = Text(item, "fingerprint");
            var dueRead = TryNextDue(item, out var due);
            if (id is null) bad.Add($"{at}: shard_id is missing or not a string");
            else if (fingerprint is null) bad.Add($"{at} ({Echo.Of(id)}): fingerprint is missing or not a string");
            else if (!dueRead) bad.Add($"{at} ({Echo.Of(id)}): next_due must be an ISO 8601 time or null");
            else shards.Add(new ScheduledShard(id, due, fingerprint));
        }
        var problem = bad.Count == 0 ? null
            : $"{name}: {bad.Count} entr{(bad.Count == 1 ? "y" : "ies")} unreadable, {(bad.Count == 1 ? "its shard is" : "their shards are")} due this cycle: {string.Join("; ", bad.Take(5))}{(bad.Count > 5 ? "; …" : "")}";
        return (new FleetSchedule(shards), problem);
    }

    /// <summary>A time as the schedule and the shard step's <c>next_due</c> write it: ISO 8601, UTC, to the tick.</summary>
    public static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>An ISO 8601 time with its offset (or Z); null when the text is not one.</summary>
    public static DateTimeOffset? ParseIso(string? text) =>
        text is { Length: >= 20 and <= 40 } && text.Contains('T', StringComparison.Ordinal)
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t : null;

    /// <summary>False when next_due is there and not a time; <paramref name="due"/> null when it is null or absent (run next cycle).</summary>
    private static bool TryNextDue(JsonElement item, out DateTimeOffset? due)
    {
        due = null;
        if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("next_due", out var value) || value.ValueKind == JsonValueKind.Null) return true;
        due = ParseIso(JsonStrings.Read(value));
        return due is not null;
    }

    private static string? Text(JsonElement item, string field) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(field, out var value) && JsonStrings.Read(value) is { Length: > 0 and <= 256 } s ? s : null;
}
