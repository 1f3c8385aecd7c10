using System.Text;
using System.Text.Json;
using QuotaAutomation.Core.Common;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Fleet;

/// <summary>
/// A shard as one JSON line (what the plan writes to S3 and the Distributed Map's <c>ItemReader</c> hands to each
/// batch), and back. Reading is total: an item the Map sends is input like any other, and a bad one is named field by field.
/// </summary>
public static class FleetShardJson
{
    public static string Write(FleetShard shard)
    {
        ArgumentNullException.ThrowIfNull(shard);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("fleet_run_id", shard.FleetRunId);
            json.WriteString("shard_id", shard.ShardId);
            json.WriteString("account_id", shard.AccountId);
            json.WriteString("region", shard.Region);
            json.WriteStartArray("rule_ids");
            foreach (var id in shard.RuleIds) json.WriteStringValue(id);
            json.WriteEndArray();
            json.WriteNumber("rate_share", Math.Round(shard.RateShare, 6));
            if (shard.TableShare < 1) json.WriteNumber("table_share", Math.Round(shard.TableShare, 9)); // 1e-9: a share of 100,000 shards keeps 4 digits
            if (shard.Parity is { Count: > 0 } parity)
            {
                json.WriteStartArray("parity");
                foreach (var link in parity)
                {
                    json.WriteStartObject();
                    json.WriteString("rule_id", link.RuleId);
                    json.WriteString("service_code", link.ServiceCode);
                    json.WriteString("quota_code", link.QuotaCode);
                    json.WriteString("primary_account_id", link.PrimaryAccountId);
                    json.WriteString("primary_region", link.PrimaryRegion);
                    json.WriteNumber("factor", link.Factor);
                    json.WriteNumber("peak_window_days", link.PeakWindowDays);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }
            if (shard.Parents is { } parents)
            {
                json.WriteStartArray("parents");
                foreach (var id in parents) json.WriteStringValue(id);
                json.WriteEndArray();
            }
            if (shard.Woken is { Count: > 0 } woken)
            {
                json.WriteStartArray("woken");
                foreach (var id in woken) json.WriteStringValue(id);
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Shards as JSON lines, one per line, ending with a newline.</summary>
    public static string WriteLines(IEnumerable<FleetShard> shards) =>
        string.Concat((shards ?? throw new ArgumentNullException(nameof(shards))).Select(s => Write(s) + "\n"));

    /// <param name="name">How messages name the item, e.g. "Items[3]".</param>
    public static Result<FleetShard> Read(JsonElement item, string name)
    {
        if (item.ValueKind != JsonValueKind.Object) return Result.Fail<FleetShard>($"{name} must be a shard object, not {item.ValueKind.ToString().ToLowerInvariant()}");
        var problems = new List<string>();
        var runId = Text(item, "fleet_run_id", problems, IsRunId, "letters, digits, '.', ':', '_' or '-', at most 80");
        var account = Text(item, "account_id", problems, RuleTargets.IsAccountId, "a 12-digit account id");
        var region = Text(item, "region", problems, RegionName.IsValid, "a Region such as 'us-east-1'");
        var shardId = Text(item, "shard_id", problems, _ => true, "");
        if (shardId is not null && account is not null && region is not null && shardId != FleetShard.IdOf(account, region))
            problems.Add($"shard_id '{Echo.Of(shardId)}' must be '{FleetShard.IdOf(account, region)}'");
        var ruleIds = new List<string>();
        if (!item.TryGetProperty("rule_ids", out var ids) || ids.ValueKind != JsonValueKind.Array) problems.Add("rule_ids is missing or not a list");
        else
            foreach (var id in ids.EnumerateArray())
                if (JsonStrings.Read(id) is { Length: > 0 and <= 128 } s) ruleIds.Add(s); // Read, not GetString: a lone surrogate must not throw
                else problems.Add($"rule_ids has {Describe(id)}, not a rule id");
        var share = item.TryGetProperty("rate_share", out var r) && r.ValueKind == JsonValueKind.Number && r.TryGetDouble(out var d) && d > 0 && d <= 1 ? d : (double?)null;
        if (share is null) problems.Add("rate_share is missing or not a number in (0, 1]");
        var tableShare = TableShare(item, problems);
        var parity = Parity(item, problems);
        var woken = Woken(item, problems);
        var parents = Parents(item, problems);
        return problems.Count > 0
            ? Result.Fail<FleetShard>($"{name}: {string.Join("; ", problems)}")
            : Result.Ok(new FleetShard(runId!, shardId!, account!, region!, ruleIds, share!.Value, parity, woken, tableShare) { Parents = parents }); // all set when no problem
    }

    /// <summary>The shard's share of the usage table: absent is 1 (a line written before plans shared the table out).</summary>
    private static double TableShare(JsonElement item, List<string> problems)
    {
        if (!item.TryGetProperty("table_share", out var value)) return 1;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var share) && share > 0 && share <= 1) return share;
        problems.Add("table_share is not a number in (0, 1]");
        return 1;
    }

    /// <summary>The account's root and OU ids (<see cref="FleetShard.Parents"/>): absent or null is not known.</summary>
    private static List<string>? Parents(JsonElement item, List<string> problems)
    {
        if (!item.TryGetProperty("parents", out var list) || list.ValueKind == JsonValueKind.Null) return null;
        if (list.ValueKind != JsonValueKind.Array)
        {
            problems.Add("parents must be a list of root and OU ids ('r-…', 'ou-…')");
            return null;
        }
        var ids = new List<string>();
        var index = 0;
        foreach (var id in list.EnumerateArray())
        {
            if (JsonStrings.Read(id) is { Length: <= 128 } s && RuleTargets.IsOrganizationalUnit(s)) ids.Add(s);
            else problems.Add($"parents[{index}] must be a root or OU id ('r-…', 'ou-…'), not {Describe(id)}");
            index++;
        }
        return ids;
    }

    /// <summary>The quotas an event woke (<see cref="ShardWakeIds"/>): absent, null or empty is none.</summary>
    private static List<string>? Woken(JsonElement item, List<string> problems)
    {
        if (!item.TryGetProperty("woken", out var list) || list.ValueKind == JsonValueKind.Null) return null;
        if (list.ValueKind != JsonValueKind.Array)
        {
            problems.Add($"woken must be a list of {ShardWakeIds.Shape} strings");
            return null;
        }
        var ids = new List<string>();
        var index = 0;
        foreach (var id in list.EnumerateArray())
        {
            if (JsonStrings.Read(id) is { } s && ShardWakeIds.IsQuotaId(s)) ids.Add(s);
            else problems.Add($"woken[{index}] must be a {ShardWakeIds.Shape} string, not {Describe(id)}");
            index++;
        }
        return ids.Count == 0 ? null : ids;
    }

    private static List<ParityLink>? Parity(JsonElement item, List<string> problems)
    {
        if (!item.TryGetProperty("parity", out var list) || list.ValueKind == JsonValueKind.Null) return null;
        if (list.ValueKind != JsonValueKind.Array)
        {
            problems.Add("parity must be a list");
            return null;
        }
        var links = new List<ParityLink>();
        foreach (var link in list.EnumerateArray())
        {
            var before = problems.Count;
            var rule = Text(link, "rule_id", problems, _ => true, "", "parity.");
            var service = Text(link, "service_code", problems, _ => true, "", "parity.");
            var quota = Text(link, "quota_code", problems, _ => true, "", "parity.");
            var account = Text(link, "primary_account_id", problems, RuleTargets.IsAccountId, "a 12-digit account id", "parity.");
            var region = Text(link, "primary_region", problems, RegionName.IsValid, "a Region", "parity.");
            var factor = Number(link, "factor", 1, 10, problems);
            var days = Number(link, "peak_window_days", 1, 90, problems);
            if (problems.Count == before) links.Add(new ParityLink(rule!, service!, quota!, account!, region!, factor!.Value, days!.Value));
        }
        return links.Count == 0 ? null : links;
    }

    private static string? Text(JsonElement item, string field, List<string> problems, Func<string, bool> valid, string expectation, string prefix = "")
    {
        if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty(field, out var value) || JsonStrings.Read(value) is not { Length: > 0 } text)
        {
            problems.Add($"{prefix}{field} is missing or not a string");
            return null;
        }
        if (valid(text)) return text;
        problems.Add($"{prefix}{field} '{Echo.Of(text)}' must be {expectation}");
        return null;
    }

    private static double? Number(JsonElement item, string field, double min, double max, List<string> problems)
    {
        if (item.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d) && d >= min && d <= max) return d;
        problems.Add($"parity.{field} is missing or not a number between {min} and {max}");
        return null;
    }

    private static string Describe(JsonElement value) => value.ValueKind == JsonValueKind.String ? $"'{Echo.Of(JsonStrings.Read(value))}'" : $"a {value.ValueKind.ToString().ToLowerInvariant()}";

    private static bool IsRunId(string text) => text.Length <= 80 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or ':' or '_' or '-');

    /// <summary>A Region's shape (lower-case letters, digits and at least two '-', at most 32), for names that arrive as settings or items.</summary>
}
