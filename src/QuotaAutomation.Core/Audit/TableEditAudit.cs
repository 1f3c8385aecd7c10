using System.Globalization;
using System.Text.Json;
using QuotaAutomation.Core.Common;
using QuotaAutomation.Core.Governance;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Audit;

/// <summary>
/// The audit record of a change to a rule or policy item, whoever made it (pure): what changed, attribute by attribute,
/// and whether the item still parses, since a rule that does not is skipped and a policy that does not makes every cycle
/// fail closed. Its id comes from the stream record's, so a change delivered twice is recorded once.
/// </summary>
public static class TableEditAudit
{
    /// <summary>What the record says of the author when the stream does not (DynamoDB Streams carry no caller).</summary>
    public const string UnknownAuthor = "unknown: DynamoDB Streams do not say who; CloudTrail data events on the table do, where the trail records them";

    public static AuditRecord Record(TableEdit edit, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(edit);
        var noun = edit.Table == EditedTable.Rules ? "rule" : "policy";
        var verb = edit.Change switch { "INSERT" => "created", "REMOVE" => "removed", _ => "modified" };
        var changes = Differences(edit.Before, edit.After);
        var after = edit.After is null ? null : Parses(edit.Table, edit.ItemId, edit.After);
        var message = $"{noun} '{edit.ItemId}' {verb} in table {edit.TableName} by {edit.Principal ?? "a writer the stream does not name"}"
            + (changes.Count > 0 ? $": {string.Join("; ", changes)}" : edit.Change == "MODIFY" ? ": no attribute changed" : "")
            + after switch
            {
                null => "",
                { Success: true } => $". It parses{(edit.Table == EditedTable.Policies ? ": the next cycle applies it" : "")}",
                _ => $". It does not parse ({after.Error}): {(edit.Table == EditedTable.Rules ? "the engine skips it and audits why" : "every cycle is alert-only until it is fixed")}",
            };
        var details = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["by"] = edit.Principal ?? UnknownAuthor,
            ["table"] = edit.TableName,
            ["change"] = edit.Change,
            ["stream_event_id"] = edit.EventId,
            ["at"] = edit.At.ToString("O", CultureInfo.InvariantCulture),
        };
        if (edit.Before is not null) details["before"] = JsonSerializer.Serialize(edit.Before);
        if (edit.After is not null) details["after"] = JsonSerializer.Serialize(edit.After);
        var runId = $"stream-{edit.EventId}";
        // The rule's quota, from the item after the change or, when that does not parse, before it: the trail by quota still finds the edit.
        var quota = edit.Table != EditedTable.Rules ? null
            : new[] { edit.After, edit.Before }.OfType<IReadOnlyDictionary<string, object?>>().Select(i => RuleParser.Parse(new RawRule(edit.ItemId, i)))
                .FirstOrDefault(r => r.Success)?.Value.Quota;
        return new AuditRecord($"{runId}/00001", runId, now, edit.Table == EditedTable.Rules ? AuditKind.RuleChange : AuditKind.PolicyChange,
            edit.Table == EditedTable.Rules ? edit.ItemId : PolicyTrailId(edit.ItemId), quota, $"{noun}_{verb}_in_table", Echo.Of(message), Details: details);
    }

    /// <summary>The trail id of a policy's records (<c>audit --rule policy:ID</c>): no rule id holds a ':', so the trails never mix.</summary>
    public static string PolicyTrailId(string policyId) => $"policy:{policyId}";

    /// <summary>Each attribute added, removed or changed, in name order: <c>automation_level 'alert_only' → 'full_auto'</c>.</summary>
    public static IReadOnlyList<string> Differences(IReadOnlyDictionary<string, object?>? before, IReadOnlyDictionary<string, object?>? after)
    {
        before ??= new Dictionary<string, object?>();
        after ??= new Dictionary<string, object?>();
        var names = before.Keys.Union(after.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var changes = new List<string>();
        foreach (var name in names)
        {
            var had = before.TryGetValue(name, out var old);
            var has = after.TryGetValue(name, out var now);
            if (had && has && Show(old) == Show(now)) continue;
            changes.Add(!had ? $"{name} set to {Show(now)}" : !has ? $"{name} removed (was {Show(old)})" : $"{name} {Show(old)} → {Show(now)}");
        }
        return changes;
    }

    private static Result<bool> Parses(EditedTable table, string id, IReadOnlyDictionary<string, object?> item)
    {
        var error = table == EditedTable.Rules
            ? RuleParser.Parse(new RawRule(id, item)).Error
            : PolicyParser.Parse(new RawPolicy(id, item)).Error;
        return error is null ? Result.Ok(true) : Result.Fail<bool>(error);
    }

    private static string Show(object? value) => value switch
    {
        null => "null",
        string s => $"'{Echo.Of(s)}'",
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => Echo.Of(JsonSerializer.Serialize(value)),
    };
}
