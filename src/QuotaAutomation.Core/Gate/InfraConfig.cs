using System.Globalization;
using System.Text.Json;
using QuotaAutomation.Core.Common;

namespace QuotaAutomation.Core.Gate;

/// <summary>
/// The seed's infrastructure file (Example 4), read as what it adds: EC2 Auto Scaling groups (with the instance type
/// the seed left out: a group of 10 m5.2xlarge needs 80 vCPUs, not 10), Lambda reserved concurrency, RDS instances.
/// <code>
/// region: us-east-1
/// ec2: { auto_scaling_groups: [ { name: web, instance_type: m5.large, max_size: 10 } ] }   # or desired_capacity
/// lambda: { functions: [ { name: api, reserved_concurrency: 200 } ] }
/// rds: { instances: [ { identifier: orders } ] }
/// </code>
/// </summary>
public static class InfraConfig
{
    public static Result<IReadOnlyList<PlannedChange>> Parse(JsonElement root, string source)
    {
        if (root.ValueKind != JsonValueKind.Object)
            return Result.Fail<IReadOnlyList<PlannedChange>>($"{source}: must be a mapping with ec2, lambda and/or rds");
        var region = root.TryGetProperty("region", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        var changes = new List<PlannedChange>();
        var problems = new List<string>();
        foreach (var section in root.EnumerateObject())
        {
            // What the gate does not read would pass as adding nothing: refuse it instead (fail closed).
            if (!Sections.TryGetValue(section.Name, out var list))
                problems.Add($"{source}: '{section.Name}' is not a section the gate reads (region, ec2, lambda, rds)");
            else if (list is not null && section.Value.ValueKind == JsonValueKind.Object)
                foreach (var other in section.Value.EnumerateObject().Where(m => m.Name != list))
                    problems.Add($"{source}: '{section.Name}.{other.Name}' is not a list the gate reads ({section.Name}.{list})");
        }

        foreach (var (group, i) in Items(root, "ec2", "auto_scaling_groups", source, problems))
        {
            var where = $"{source}: ec2.auto_scaling_groups[{i}]{Name(group, "name")}";
            var size = Number(group, "max_size") ?? Number(group, "desired_capacity");
            var type = group.TryGetProperty("instance_type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            if (size is null) problems.Add($"{where}: max_size (or desired_capacity) is required, a whole number ≥ 0");
            if (type is null) problems.Add($"{where}: instance_type is required (e.g. m5.large): vCPU quotas count vCPUs, not instances");
            if (size is null || type is null) continue;
            changes.Add(new PlannedChange(where, "aws_autoscaling_group", region, null, JsonSerializer.SerializeToElement(new Dictionary<string, object>
            {
                ["max_size"] = size.Value,
                ["mixed_instances_policy"] = new[] { new { launch_template = new[] { new { @override = new[] { new { instance_type = type } } } } } },
            })));
        }
        foreach (var (function, i) in Items(root, "lambda", "functions", source, problems))
        {
            var where = $"{source}: lambda.functions[{i}]{Name(function, "name")}";
            if (Number(function, "reserved_concurrency") is not { } reserved)
            {
                problems.Add($"{where}: reserved_concurrency is required, a whole number ≥ 0");
                continue;
            }
            changes.Add(new PlannedChange(where, "aws_lambda_function", region, null, JsonSerializer.SerializeToElement(new { reserved_concurrent_executions = reserved })));
        }
        foreach (var (instance, i) in Items(root, "rds", "instances", source, problems))
            changes.Add(new PlannedChange($"{source}: rds.instances[{i}]{Name(instance, "identifier")}", "aws_db_instance", region, null, JsonSerializer.SerializeToElement(new { })));

        return problems.Count > 0 ? Result.Fail<IReadOnlyList<PlannedChange>>(string.Join("; ", problems)) : Result.Ok<IReadOnlyList<PlannedChange>>(changes);
    }

    private static readonly Dictionary<string, string?> Sections = new(StringComparer.Ordinal)
    {
        ["region"] = null, ["ec2"] = "auto_scaling_groups", ["lambda"] = "functions", ["rds"] = "instances",
    };

    private static List<(JsonElement Item, int Index)> Items(JsonElement root, string service, string list, string source, List<string> problems)
    {
        if (!root.TryGetProperty(service, out var s)) return [];
        if (s.ValueKind != JsonValueKind.Object || !s.TryGetProperty(list, out var items) || items.ValueKind != JsonValueKind.Array)
        {
            problems.Add($"{source}: {service}.{list} must be a list");
            return [];
        }
        return items.EnumerateArray().Select((e, i) => (Item: e, Index: i)).Where(x =>
        {
            if (x.Item.ValueKind == JsonValueKind.Object) return true;
            problems.Add($"{source}: {service}.{list}[{x.Index}] must be a mapping");
            return false;
        }).ToList();
    }

    private static string Name(JsonElement e, string field) =>
        e.TryGetProperty(field, out var n) && n.ValueKind == JsonValueKind.String ? $" ({n.GetString()})" : "";

    private static double? Number(JsonElement e, string field) =>
        e.TryGetProperty(field, out var n) && n.ValueKind == JsonValueKind.Number && n.GetDouble() is >= 0 and var v && v == Math.Floor(v) ? v
        : e.TryGetProperty(field, out n) && n.ValueKind == JsonValueKind.String && int.TryParse(n.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed
        : null;
}
