using System.Globalization;

namespace QuotaAutomation.Core.Audit;

/// <summary>
/// What a cycle's end record tells later readers of the trail (its <see cref="AuditRecord.Details"/> key
/// <see cref="Key"/>): when its reconciliation was done, every intent and cycle start of its reconcile window written at
/// or before this time was closed (by its own outcome or end, or by a reconciled one). Closing records are never removed
/// (the trail is append-only), so this stays true: a store that reads its trail newest first may stop once it has read
/// every record newer than the newest such time (DynamoAuditLog.ForShard) instead of reading the whole window.
/// </summary>
/// <remarks>
/// A cycle that could not list its unfinished records writes none; one that left records open (their owner still runs,
/// a reservation not settled yet, an error) writes a time just before the oldest of them, so a later cycle still reads it.
/// </remarks>
public static class ReconciledThrough
{
    public const string Key = "reconciled_through";

    public static string Format(DateTimeOffset through) => through.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    /// <summary>The time a cycle end record vouches for, or null (another record, none written, or not a time).</summary>
    public static DateTimeOffset? Of(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record is { Kind: AuditKind.Cycle, Action: "cycle_end" } && record.Details?.GetValueOrDefault(Key) is { } text
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var through)
            ? through
            : null;
    }
}
