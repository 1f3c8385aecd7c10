using System.Globalization;
using System.Text.Json;
using QuotaAutomation.Cli.Commands;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Common;
using QuotaAutomation.Core.Governance;
using QuotaAutomation.Core.Ports;
using Spectre.Console;

namespace QuotaAutomation.Cli;

/// <summary>
/// A person's changes to stored policies (<c>policy import|delete</c>), the same on SQLite and DynamoDB: all or nothing,
/// each change audited with who made it (the OS user embedded, the STS caller on AWS) and the item before and after,
/// so a mistaken change can be undone from the trail.
/// </summary>
internal sealed class PolicyChanges(IAnsiConsole console, IPolicyEditor policies, IAuditLog audit, string who, DateTimeOffset now)
{
    private readonly string _runId = AuditRunIds.For("cli", now);
    private int _sequence;

    /// <summary>Stores the policies by id; with <paramref name="replace"/> the store afterwards holds exactly these.</summary>
    public async Task<int> ImportAsync(IReadOnlyList<(RawPolicy Raw, QuotaPolicy Policy)> valid, bool replace, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(valid);
        var stored = await policies.LoadByIdAsync(ct);
        var puts = valid.Select(v => KeyValuePair.Create(v.Policy.PolicyId,
            (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>(v.Raw.Attributes, StringComparer.Ordinal) { ["policy_id"] = v.Policy.PolicyId })).ToList();
        var keep = puts.Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var deletes = replace ? stored.Keys.Where(id => !keep.Contains(id)).Order(StringComparer.Ordinal).ToList() : [];
        await policies.ApplyAsync(puts, deletes, ct);
        foreach (var (id, item) in puts)
        {
            var before = stored.GetValueOrDefault(id);
            await AuditAsync(id, "policy_imported", $"policy '{id}' imported by {who} ({(before is null ? "new" : "replaced the stored item")})", before, item, ct);
        }
        foreach (var id in deletes)
        {
            await AuditAsync(id, "policy_deleted", $"policy '{id}' deleted by {who}: not in the file imported with --replace", stored[id], null, ct);
            console.MarkupLine($"[yellow]deleted[/] {Render.Text(id)} (not in the file)");
        }
        return ExitCodes.Ok;
    }

    /// <summary>Deletes the policies (an unknown id changes nothing); each deleted item is kept in its audit record.</summary>
    public async Task<int> DeleteAsync(IReadOnlyList<string> ids, CancellationToken ct)
    {
        var stored = await policies.LoadByIdAsync(ct);
        var unknown = ids.Where(id => !stored.ContainsKey(id)).Distinct(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            console.MarkupLine($"[red]error:[/] no policy {string.Join(", ", unknown.Select(u => $"'{Render.Text(u)}'"))}: nothing changed (see policy list)");
            return ExitCodes.Error;
        }
        var distinct = ids.Distinct(StringComparer.Ordinal).ToList();
        await policies.ApplyAsync([], distinct, ct);
        foreach (var id in distinct)
        {
            await AuditAsync(id, "policy_deleted", $"policy '{id}' deleted by {who}", stored[id], null, ct);
            console.MarkupLine($"[yellow]deleted[/] {Render.Text(id)}");
        }
        return ExitCodes.Ok;
    }

    private async Task AuditAsync(string id, string action, string message, IReadOnlyDictionary<string, object?>? before, IReadOnlyDictionary<string, object?>? after, CancellationToken ct)
    {
        var details = new Dictionary<string, string>(StringComparer.Ordinal) { ["by"] = who, ["policy_id"] = id };
        if (before is not null) details["before"] = JsonSerializer.Serialize(before);
        if (after is not null) details["after"] = JsonSerializer.Serialize(after);
        await audit.AppendAsync(new AuditRecord(string.Create(CultureInfo.InvariantCulture, $"{_runId}/{++_sequence:00000}"), _runId, now, AuditKind.PolicyChange,
            TableEditAudit.PolicyTrailId(id), null, action, Echo.Of(message), Details: details), ct);
    }
}
