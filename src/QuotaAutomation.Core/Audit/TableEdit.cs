namespace QuotaAutomation.Core.Audit;

/// <summary>Which hand-edited table a change was made to.</summary>
public enum EditedTable
{
    Rules,
    Policies,
}

/// <summary>
/// One change to an item of the rules or policies table, as its change stream reports it (DynamoDB Streams with new and
/// old images): whoever made it, the console, the CLI or a script. <see cref="TableEditAudit"/> turns it into the record.
/// </summary>
/// <param name="EventId">The stream record's id: one change, however often it is delivered.</param>
/// <param name="Change"><c>INSERT</c>, <c>MODIFY</c> or <c>REMOVE</c>.</param>
/// <param name="ItemId">The item's key (<c>rule_id</c> or <c>policy_id</c>).</param>
/// <param name="Before">The item before the change; null for an insert.</param>
/// <param name="After">The item after the change; null for a removal.</param>
/// <param name="At">When the stream saw the change.</param>
/// <param name="Principal">Who made it, when the stream says (only DynamoDB itself, for TTL deletions); null: the stream does not carry callers.</param>
public sealed record TableEdit(string EventId, EditedTable Table, string TableName, string Change, string ItemId,
    IReadOnlyDictionary<string, object?>? Before, IReadOnlyDictionary<string, object?>? After, DateTimeOffset At, string? Principal);
