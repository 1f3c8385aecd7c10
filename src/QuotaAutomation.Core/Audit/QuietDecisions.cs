using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Audit;

/// <summary>
/// A cycle's "nothing to do" decisions (<see cref="Decisions.NoAction"/>) written as digest records: one audit record per
/// up to <see cref="PerRecord"/> rules, whose details map each rule id to its quota and reason, instead of one record
/// per rule. Every decision is still in the trail; what changes is its cost. A fleet shard decides about 50 quotas,
/// mostly quiet, about once an hour across 17,000 shards: on DynamoDB each audit record is a transactional put indexed
/// twice (by rule and by kind), about 4 write units, so per-rule records were 200 units a shard-cycle and the largest
/// line of the fleet's bill; a digest of 50 quiet decisions is one record of a few KB.
/// </summary>
public static class QuietDecisions
{
    /// <summary>The digest record's action.</summary>
    public const string Action = "none_digest";

    /// <summary>Rules per digest record: about 40 KB, well inside DynamoDB's 400 KB item.</summary>
    public const int PerRecord = 200;

    /// <summary>
    /// The details key of a rule's entry: prefixed, so the details a store adds to every record (a shard's
    /// <c>account_id</c> and <c>region</c>) can never be taken for a rule.
    /// </summary>
    public static string KeyOf(string ruleId) => RulePrefix + ruleId;

    /// <summary>The detail value: the quota key (no spaces in it), a space, the reason.</summary>
    public static string Entry(QuotaKey quota, string reason)
    {
        ArgumentNullException.ThrowIfNull(quota);
        return $"{quota} {reason}";
    }

    private const string RulePrefix = "rule:";

    public static bool IsDigest(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.Kind == AuditKind.Decision && record.Action == Action;
    }

    /// <summary>
    /// The digest's decisions as the per-rule records they stand for (id <c>{digest id}#{rule id}</c>, action <c>none</c>),
    /// in rule-id order; any other record as itself, and so is a digest whose details could not be read
    /// (<see cref="StoredDetails.Unreadable(AuditRecord)"/>): its message still says how many rules it held, and its details why they are not shown.
    /// </summary>
    public static IReadOnlyList<AuditRecord> Unpack(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!IsDigest(record) || record.Details is null || StoredDetails.Unreadable(record) is not null) return [record];
        return [.. record.Details.Where(d => d.Key.StartsWith(RulePrefix, StringComparison.Ordinal)).OrderBy(d => d.Key, StringComparer.Ordinal)
            .Select(d => Unpack(record, d.Key[RulePrefix.Length..], d.Value))];
    }

    /// <summary>One rule's decision from a digest; null when the digest does not hold the rule.</summary>
    public static AuditRecord? For(AuditRecord record, string ruleId)
    {
        ArgumentNullException.ThrowIfNull(record);
        return IsDigest(record) && record.Details?.TryGetValue(KeyOf(ruleId), out var entry) == true ? Unpack(record, ruleId, entry) : null;
    }

    private static AuditRecord Unpack(AuditRecord digest, string ruleId, string entry)
    {
        var space = entry.IndexOf(' ', StringComparison.Ordinal);
        var quota = QuotaKey.TryParse(space < 0 ? entry : entry[..space]);
        var reason = space < 0 ? "" : entry[(space + 1)..];
        return new AuditRecord($"{digest.Id}#{ruleId}", digest.RunId, digest.Timestamp, AuditKind.Decision, ruleId, quota, "none", reason);
    }
}
