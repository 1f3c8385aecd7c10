using System.Text.Json;
using QuotaAutomation.Core.Common;

namespace QuotaAutomation.Core.Gate;

/// <summary>
/// One resource a deployment changes, as the gate sees it: its address, type, Region (when the plan says) and its
/// attribute values before and after (null when it does not exist on that side).
/// </summary>
public sealed record PlannedChange(string Address, string Type, string? Region, JsonElement? Before, JsonElement? After);

/// <summary>
/// Reads <c>terraform show -json PLAN</c>: the managed resources of <c>resource_changes</c> that are created, updated
/// or replaced. A replacement that creates before it destroys (<c>["create","delete"]</c>) briefly needs both, so it
/// counts as a creation; one that destroys first counts as an update.
/// </summary>
public static class TerraformPlan
{
    public static Result<IReadOnlyList<PlannedChange>> Parse(string json, string source = "plan")
    {
        JsonElement root;
        try
        {
            root = JsonSerializer.Deserialize<JsonElement>(json);
        }
        catch (JsonException e)
        {
            return Result.Fail<IReadOnlyList<PlannedChange>>($"{source}: not JSON ({e.Message}); pass the output of `terraform show -json PLANFILE`");
        }
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format_version", out _))
            return Result.Fail<IReadOnlyList<PlannedChange>>($"{source}: no format_version: not the output of `terraform show -json PLANFILE`");
        if (!root.TryGetProperty("resource_changes", out var changes))
            return Result.Ok<IReadOnlyList<PlannedChange>>([]); // a plan with no changes has no resource_changes
        if (changes.ValueKind != JsonValueKind.Array)
            return Result.Fail<IReadOnlyList<PlannedChange>>($"{source}: resource_changes must be a list");

        var region = DefaultRegion(root);
        var result = new List<PlannedChange>();
        var index = 0;
        foreach (var change in changes.EnumerateArray())
        {
            var where = $"{source}: resource_changes[{index++}]";
            if (Str(change, "mode") != "managed") continue;
            var address = Str(change, "address");
            var type = Str(change, "type");
            if (address is null || type is null || !change.TryGetProperty("change", out var body) || !body.TryGetProperty("actions", out var actions) || actions.ValueKind != JsonValueKind.Array)
                return Result.Fail<IReadOnlyList<PlannedChange>>($"{where}: address, type and change.actions are required");
            var verbs = actions.EnumerateArray().Select(a => a.GetString()).ToList();
            if (!verbs.Contains("create") && !verbs.Contains("update")) continue; // no-op, read, delete
            var before = verbs is ["create", "delete"] ? null : Object(body, "before");
            var after = Object(body, "after");
            if (after is null) continue;
            var resourceRegion = after.Value.TryGetProperty("region", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : region;
            result.Add(new PlannedChange(address, type, resourceRegion, before, after));
        }
        return Result.Ok<IReadOnlyList<PlannedChange>>(result);
    }

    /// <summary>The aws provider's <c>region</c> when the configuration states it as a constant.</summary>
    private static string? DefaultRegion(JsonElement root) =>
        root.TryGetProperty("configuration", out var c) && c.TryGetProperty("provider_config", out var p) && p.TryGetProperty("aws", out var aws)
        && aws.TryGetProperty("expressions", out var e) && e.TryGetProperty("region", out var region) && region.TryGetProperty("constant_value", out var value)
        && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static JsonElement? Object(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
