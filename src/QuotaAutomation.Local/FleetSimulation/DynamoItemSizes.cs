using System.Globalization;
using System.Text;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Local.FleetSimulation;

/// <summary>
/// The size DynamoDB bills an item at, for the items the AWS adapters write, built the way they build them
/// (src/QuotaAutomation.Aws/Dynamo): each attribute's name plus its value, strings in UTF-8 bytes, numbers about one byte
/// per two significant digits plus one (docs.aws.amazon.com, DynamoDB item sizes). Request units follow from these
/// (<see cref="Core.Fleet.Costs.BillingUnits"/>): a write unit per 1 KB, a read unit per 4 KB.
/// </summary>
public static class DynamoItemSizes
{
    /// <summary>An epoch-seconds number (10 digits).</summary>
    private const int Seconds = 6;

    /// <summary>A per-quota lock item (<c>QUOTA#key</c> / <c>OPEN_REQUEST</c>, <c>holder</c> = the request id): about 120 bytes.</summary>
    public const int LockItem = 120;

    /// <summary>The samples a head holds at most: <see cref="AwsCallMap.HeadSpan"/> of 5-minute samples.</summary>
    public const int HeadSamples = 24;

    /// <summary>A usage sample item: <c>quota</c>, <c>ts</c>, <c>value</c>, <c>ttl</c>.</summary>
    public static int Sample(QuotaKey key, double value)
    {
        ArgumentNullException.ThrowIfNull(key);
        return "quota".Length + Utf8(key.ToString()) + "ts".Length + Seconds + "value".Length + Number(value) + "ttl".Length + Seconds;
    }

    /// <summary>A quota's head item (<c>ts</c> 0): <c>complete_after</c> and <c>samples</c>, <see cref="HeadSamples"/> <c>seconds:value</c> pairs.</summary>
    public static int Head(QuotaKey key, double typicalValue)
    {
        ArgumentNullException.ThrowIfNull(key);
        var pair = 10 + 1 + Text(typicalValue).Length + 1;
        return "quota".Length + Utf8(key.ToString()) + "ts".Length + 1 + "complete_after".Length + Seconds
            + "samples".Length + HeadSamples * pair - 1 + "ttl".Length + Seconds;
    }

    /// <summary>A key-list id: 52 bits of a SHA-256, about 16 digits.</summary>
    private const int KeyListId = 9;

    /// <summary>
    /// A fleet shard's compact usage row (DynamoShardHistory, docs/fleet-rows.md): <c>quota</c> = <c>shard#{account}#{region}</c>,
    /// <c>ts</c>, <c>k</c> = its key list's id, <c>v</c> = the values at the list's <paramref name="listLength"/> positions
    /// (empty where a quota has none), <c>ttl</c>.
    /// </summary>
    public static int ShardRow(string account, string region, int listLength, IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var v = values.Sum(value => Text(value).Length) + Math.Max(0, listLength - 1);
        return "quota".Length + Utf8($"shard#{account}#{region}") + "ts".Length + Seconds + "k".Length + KeyListId + "v".Length + v + "ttl".Length + Seconds;
    }

    /// <summary>A shard's key-list item: <c>quota</c> = <c>keys#{account}#{region}</c>, <c>ts</c> = the id, <c>q</c> = <c>{service}/{code}</c> joined by <c>;</c>.</summary>
    public static int ShardKeyList(string account, string region, IEnumerable<QuotaKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var q = keys.Sum(k => Utf8(k.ServiceCode) + 1 + Utf8(k.QuotaCode) + 1) - 1;
        return "quota".Length + Utf8($"keys#{account}#{region}") + "ts".Length + KeyListId + "q".Length + Math.Max(0, q);
    }

    /// <summary>
    /// An audit item as DynamoAuditLog writes it: no <c>rule_id</c> for rule <c>-</c>, a cycle end's
    /// <c>reconciled_through</c>; <paramref name="shardIndexed"/>: with its <c>shard</c> attribute (<c>{account}#{region}</c>).
    /// </summary>
    public static int Audit(AuditRecord record, bool shardIndexed)
    {
        ArgumentNullException.ThrowIfNull(record);
        var size = Attr("id", record.Id) + Attr("run_id", record.RunId) + "ts".Length + Seconds
            + Attr("at", record.Timestamp.ToString("O", CultureInfo.InvariantCulture)) + Attr("kind", record.Kind.ToString()) + Attr("rule_id", record.RuleId == "-" ? null : record.RuleId)
            + Attr("action", record.Action) + Attr("message", record.Message) + "ttl".Length + Seconds
            + Attr("quota", record.Quota?.ToString()) + Attr("action_id", record.ActionId)
            + (record.Details is null ? 0 : "details".Length + StoredDetails.Encode(record.Details).Bytes) // over 1 KB of JSON: gzip'd, as the adapter stores it
            + (ReconciledThrough.Of(record) is null ? 0 : ReconciledThrough.Key.Length + Seconds);
        return shardIndexed ? size + Attr("shard", ShardOf(record)) : size;
    }

    /// <summary>What DynamoDB stores per item, and per index entry, besides its attributes (DynamoDB Developer Guide, "Item sizes and formats").</summary>
    public const int StorageOverhead = 100;

    /// <summary>
    /// The bytes an audit record keeps stored while it lives (its TTL): the item and its index entries, each with
    /// <see cref="StorageOverhead"/>. An index entry holds the index's keys, the table's key (<c>id</c>) and the projected
    /// attributes (docs/fleet-auditw.md): <c>kind-ts-index</c> (INCLUDE <c>run_id</c>, <c>action</c>, <c>action_id</c>) always,
    /// <c>rule_id-ts-index</c> (KEYS_ONLY) unless of rule <c>-</c>, <c>shard-ts-index</c> (INCLUDE those and <c>kind</c>,
    /// <c>reconciled_through</c>) for a shard's intents, outcomes and cycle records.
    /// </summary>
    public static long AuditStored(AuditRecord record, bool shardIndexed)
    {
        ArgumentNullException.ThrowIfNull(record);
        var keys = Attr("id", record.Id) + "ts".Length + Seconds;
        var included = Attr("run_id", record.RunId) + Attr("action", record.Action) + Attr("action_id", record.ActionId);
        var byKind = keys + Attr("kind", record.Kind.ToString()) + included;
        var byRule = record.RuleId == "-" ? 0 : keys + Attr("rule_id", record.RuleId) + StorageOverhead;
        var byShard = !shardIndexed ? 0 : keys + Attr("shard", ShardOf(record)) + Attr("kind", record.Kind.ToString()) + included
            + (ReconciledThrough.Of(record) is null ? 0 : ReconciledThrough.Key.Length + Seconds) + StorageOverhead;
        return Audit(record, shardIndexed) + StorageOverhead + byKind + StorageOverhead + byRule + byShard;
    }

    private static string ShardOf(AuditRecord record) => $"{record.Quota?.AccountId ?? "000000000000"}#{record.Quota?.Region ?? "us-east-1"}";

    /// <summary>An alert-time item: <c>QUOTA#key</c> / <c>ALERT#severity</c>, <c>last_sent</c>, <c>state_key</c>, <c>shard_state</c>, <c>updated_at</c> and the quota's key attributes.</summary>
    public static int AlertItem(QuotaKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Attr("pk", $"QUOTA#{key}") + Attr("sk", "ALERT#Critical") + "last_sent".Length + Seconds + Attr("state_key", "ALERT")
            + Attr("shard_state", $"{key.AccountOrSelf}#{key.Region}#ALERT") + "updated_at".Length + Seconds
            + Attr("service_code", key.ServiceCode) + Attr("quota_code", key.QuotaCode) + Attr("region", key.Region) + Attr("account_id", key.AccountId);
    }

    private static int Attr(string name, string? value) => value is null ? 0 : name.Length + Utf8(value);

    private static int Utf8(string text) => Encoding.UTF8.GetByteCount(text);

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A number's stored size: its significant digits, two a byte, plus one.</summary>
    private static int Number(double value)
    {
        var digits = Text(Math.Abs(value)).Split('E')[0].Replace(".", "", StringComparison.Ordinal).Trim('0').Length;
        return Math.Max(1, (digits + 1) / 2) + 1;
    }
}
