using System.Globalization;
using System.Text.Json;
using QuotaAutomation.Cli.Commands;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Common;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Rules;
using Spectre.Console;

namespace QuotaAutomation.Cli;

/// <summary>
/// A person's changes to stored rules (<c>rules import|delete|disable|enable</c>), the same on SQLite and DynamoDB: every
/// id is checked before anything changes (an unknown one changes nothing), and each change is audited with who made it
/// (the OS user on the embedded backend, the STS caller on AWS) and the rule's enabled state before and after.
/// </summary>
internal sealed class RuleChanges(IAnsiConsole console, IRuleEditor rules, IAuditLog audit, string who, DateTimeOffset now)
{
    private readonly string _runId = AuditRunIds.For("cli", now);
    private int _sequence;

    /// <summary>Deletes the rules; each deleted item is kept in its audit record, so it can be imported again.</summary>
    public async Task<int> DeleteAsync(IReadOnlyList<string> ids, CancellationToken ct)
    {
        var stored = await rules.LoadByIdAsync(ct);
        if (Unknown(stored, ids) is { } error) return error;
        var distinct = ids.Distinct(StringComparer.Ordinal).ToList();
        await rules.ApplyAsync([], distinct, ct);
        foreach (var id in distinct)
        {
            await AuditAsync(id, "rule_deleted", $"rule '{id}' deleted by {who} (enabled was {Enabled(stored[id])})", stored[id], null, ct);
            console.MarkupLine($"[yellow]deleted[/] {Render.Text(id)}");
        }
        return ExitCodes.Ok;
    }

    /// <summary>Sets <c>enabled</c> on each rule, keeping the rest of the item as typed; a rule already so is left alone.</summary>
    public async Task<int> SetEnabledAsync(IReadOnlyList<string> ids, bool enabled, CancellationToken ct)
    {
        var stored = await rules.LoadByIdAsync(ct);
        if (Unknown(stored, ids) is { } error) return error;
        var word = enabled ? "enabled" : "disabled";
        var changed = new List<KeyValuePair<string, IReadOnlyDictionary<string, object?>>>();
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            if (Enabled(stored[id]) == Show(enabled))
            {
                console.MarkupLine($"[grey]{Render.Text(id)} was already {word}[/]");
                continue;
            }
            changed.Add(KeyValuePair.Create(id, (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>(stored[id], StringComparer.Ordinal) { ["enabled"] = enabled }));
        }
        await rules.SetEnabledAsync(changed.Select(c => c.Key).ToList(), enabled, ct);
        foreach (var (id, item) in changed)
        {
            await AuditAsync(id, enabled ? "rule_enabled" : "rule_disabled", $"rule '{id}' {word} by {who} (enabled {Enabled(stored[id])} → {Show(enabled)})", stored[id], item, ct);
            console.MarkupLine($"[green]{word}[/] {Render.Text(id)}");
        }
        return ExitCodes.Ok;
    }

    /// <summary>
    /// Stores valid rules by id; with <paramref name="replace"/> the store afterwards holds exactly these (the others
    /// are deleted). Each rule id is its parsed (trimmed) id, also written as the item's <c>rule_id</c>.
    /// </summary>
    public async Task<int> ImportAsync(IReadOnlyList<(RawRule Raw, QuotaRule Rule)> valid, bool replace, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(valid);
        var stored = await rules.LoadByIdAsync(ct);
        var puts = valid.Select(v => KeyValuePair.Create(v.Rule.RuleId,
            (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>(v.Raw.Attributes, StringComparer.Ordinal) { ["rule_id"] = v.Rule.RuleId })).ToList();
        var keep = puts.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var deletes = replace ? stored.Keys.Where(id => !keep.Contains(id)).Order(StringComparer.Ordinal).ToList() : [];
        await rules.ApplyAsync(puts, deletes, ct);
        foreach (var (id, item) in puts)
        {
            var before = stored.GetValueOrDefault(id);
            await AuditAsync(id, "rule_imported", before is null
                ? $"rule '{id}' imported by {who} (new, enabled {Enabled(item)})"
                : $"rule '{id}' imported by {who} (replaced the stored item, enabled {Enabled(before)} → {Enabled(item)})", before, item, ct);
        }
        foreach (var id in deletes)
        {
            await AuditAsync(id, "rule_deleted", $"rule '{id}' deleted by {who}: not in the file imported with --replace (enabled was {Enabled(stored[id])})", stored[id], null, ct);
            console.MarkupLine($"[yellow]deleted[/] {Render.Text(id)} (not in the file)");
        }
        return ExitCodes.Ok;
    }

    private int? Unknown(IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>> stored, IReadOnlyList<string> ids)
    {
        var unknown = ids.Where(id => !stored.ContainsKey(id)).Distinct(StringComparer.Ordinal).ToList();
        if (unknown.Count == 0) return null;
        console.MarkupLine($"[red]error:[/] no rule {string.Join(", ", unknown.Select(u => $"'{Render.Text(u)}'"))}: nothing changed (see rules list)");
        return ExitCodes.Error;
    }

    /// <summary>The enabled state as the engine reads it, or the stored value as typed when the item does not parse.</summary>
    private static string Enabled(IReadOnlyDictionary<string, object?> item)
    {
        var parsed = RuleParser.Parse(new RawRule("stored item", item));
        if (parsed.Success) return Show(parsed.Value.Enabled);
        return item.TryGetValue("enabled", out var value) ? value switch
        {
            null => "null",
            bool b => Show(b),
            string s => $"'{Echo.Of(s)}'",
            double d => d.ToString(CultureInfo.InvariantCulture),
            _ => "unreadable",
        } : "true";
    }

    private static string Show(bool enabled) => enabled ? "true" : "false";

    private async Task AuditAsync(string id, string action, string message, IReadOnlyDictionary<string, object?>? before, IReadOnlyDictionary<string, object?>? after, CancellationToken ct)
    {
        var details = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["by"] = who,
            ["enabled_before"] = before is null ? "absent" : Enabled(before),
            ["enabled_after"] = after is null ? "absent" : Enabled(after),
        };
        // A deleted item is kept whole, so a mistaken delete can be undone from the trail.
        if (before is not null && after is null) details["item"] = JsonSerializer.Serialize(before);
        var quota = RuleParser.Parse(new RawRule(id, after ?? before ?? new Dictionary<string, object?>())) is { Success: true } rule ? rule.Value.Quota : null;
        await audit.AppendAsync(new AuditRecord(string.Create(CultureInfo.InvariantCulture, $"{_runId}/{++_sequence:00000}"), _runId, now, AuditKind.RuleChange,
            id, quota, action, Echo.Of(message), Details: details), ct);
    }
}
