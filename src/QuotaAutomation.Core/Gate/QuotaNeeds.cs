using System.Globalization;
using System.Text.Json;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Gate;

/// <summary>How much of one quota a change consumes, and which resources consume it.</summary>
public sealed record QuotaNeed(QuotaKey Quota, string QuotaName, double Added, IReadOnlyList<string> From);

/// <summary>
/// Maps planned resources to the quotas they consume: EC2 On-Demand vCPUs by instance family (instances, and Auto
/// Scaling groups at their max_size), Lambda concurrent executions (reserved and provisioned), RDS DB instances, VPCs,
/// Elastic IPs, NAT gateways, internet gateways, security groups and load balancers. An update counts what it adds
/// (after − before); removals are not credited. What cannot be mapped is a problem naming the resource and field.
/// </summary>
public static class QuotaNeeds
{
    private sealed record Use(string Service, string Code, string Name, double Units);

    // Resources that start instances, whose vCPUs the gate does not count: a plan with one fails closed rather than
    // passing with their capacity left out (Spot quotas, fleets and node groups are sized differently).
    private static readonly HashSet<string> CapacityItCannotSize = new(StringComparer.Ordinal)
    {
        "aws_spot_instance_request", "aws_spot_fleet_request", "aws_ec2_fleet", "aws_eks_node_group", "aws_emr_cluster",
        "aws_emr_instance_group", "aws_emr_instance_fleet", "aws_batch_compute_environment",
    };

    /// <param name="changes">The planned changes.</param>
    /// <param name="defaultRegion">The Region of changes that name none.</param>
    /// <param name="instanceTypes">vCPUs by instance type known beyond the built-in table (EC2, a user's file).</param>
    public static (IReadOnlyList<QuotaNeed> Needs, IReadOnlyList<string> Problems) From(IReadOnlyList<PlannedChange> changes, string defaultRegion,
        IReadOnlyDictionary<string, int>? instanceTypes = null)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var problems = new List<string>();
        var totals = new Dictionary<QuotaKey, (string Name, double Added, List<string> From)>();
        foreach (var change in changes)
        {
            var region = change.Region ?? defaultRegion;
            var after = Uses(change, change.After!.Value, changes, problems, instanceTypes);
            if (after is null) continue;
            var before = change.Before is { } b ? Uses(change, b, changes, [], instanceTypes) : null;
            var added = after.Units - (before is not null && before.Code == after.Code ? before.Units : 0);
            if (added <= 0) continue;
            var key = new QuotaKey(after.Service, after.Code, region);
            var (_, sum, from) = totals.TryGetValue(key, out var t) ? t : (after.Name, 0.0, new List<string>());
            from.Add(string.Create(CultureInfo.InvariantCulture, $"{change.Address} (+{added:0.##})"));
            totals[key] = (after.Name, sum + added, from);
        }
        return (totals.Select(t => new QuotaNeed(t.Key, t.Value.Name, t.Value.Added, t.Value.From)).OrderBy(n => n.Quota.ToString(), StringComparer.Ordinal).ToList(), problems);
    }

    private static Use? Uses(PlannedChange change, JsonElement v, IReadOnlyList<PlannedChange> all, List<string> problems, IReadOnlyDictionary<string, int>? sizes)
    {
        switch (change.Type)
        {
            case "aws_instance":
                return Instances(change.Address, Str(v, "instance_type"), CpuOverride(v), 1, problems, sizes);
            case "aws_autoscaling_group":
                var max = Num(v, "max_size");
                if (max is null)
                {
                    problems.Add($"{change.Address}: max_size is unknown in the plan");
                    return null;
                }
                var type = AutoScalingInstanceType(change, v, all, sizes);
                if (type is null)
                {
                    problems.Add($"{change.Address}: cannot tell its instance type (its launch template or configuration is not in this plan); describe it in --config");
                    return null;
                }
                return Instances(change.Address, type, null, max.Value, problems, sizes);
            case "aws_lambda_function":
                return Num(v, "reserved_concurrent_executions") is > 0 and { } reserved
                    ? new Use("lambda", "L-B99A9384", "Concurrent executions", reserved) : null;
            case "aws_lambda_provisioned_concurrency_config":
                return Num(v, "provisioned_concurrent_executions") is > 0 and { } provisioned
                    ? new Use("lambda", "L-B99A9384", "Concurrent executions", provisioned) : null;
            case "aws_db_instance" or "aws_rds_cluster_instance":
                return new Use("rds", "L-7B6409FD", "DB instances", 1);
            case "aws_vpc":
                return new Use("vpc", "L-F678F1CE", "VPCs per Region", 1);
            case "aws_eip":
                return new Use("ec2", "L-0263D0A3", "EC2-VPC Elastic IPs", 1);
            case "aws_nat_gateway":
                // The quota is per Availability Zone; a plan rarely knows the zone, so all are counted against one (safe side).
                return new Use("vpc", "L-FE5A380F", "NAT gateways per Availability Zone", 1);
            case "aws_internet_gateway":
                return new Use("vpc", "L-A4707A72", "Internet gateways per Region", 1);
            case "aws_security_group":
                return new Use("vpc", "L-E79EC296", "VPC security groups per Region", 1);
            case "aws_lb" or "aws_alb":
                return (Str(v, "load_balancer_type") ?? "application") switch
                {
                    "application" => new Use("elasticloadbalancing", "L-53DA6B97", "Application Load Balancers per Region", 1),
                    "network" => new Use("elasticloadbalancing", "L-69A177A2", "Network Load Balancers per Region", 1),
                    var other => Problem(problems, $"{change.Address}: load_balancer_type '{other}' has no mapped quota"),
                };
            case "aws_elb":
                return new Use("elasticloadbalancing", "L-E9E9831D", "Classic Load Balancers per Region", 1);
            case var unsized when CapacityItCannotSize.Contains(unsized):
                return Problem(problems, $"{change.Address}: {unsized} launches EC2 capacity the gate cannot size: describe it in --config (ec2.auto_scaling_groups) or check its quotas by hand");
            default:
                return null; // consumes no quota the gate maps
        }
    }

    private static Use? Instances(string address, string? instanceType, int? vcpusOverride, double count, List<string> problems, IReadOnlyDictionary<string, int>? sizes)
    {
        if (instanceType is null) return Problem(problems, $"{address}: instance_type is unknown in the plan");
        var found = InstanceTypes.Lookup(instanceType, sizes);
        if (!found.Success) return Problem(problems, $"{address}: {found.Error}");
        var (code, name) = InstanceTypes.FamilyQuotas[found.Value.Group];
        return new Use("ec2", code, name, (vcpusOverride ?? found.Value.VCpus) * count);
    }

    /// <summary>cpu_options' core_count × threads_per_core, when the instance sets them.</summary>
    private static int? CpuOverride(JsonElement v) =>
        v.TryGetProperty("cpu_options", out var o) && o.ValueKind == JsonValueKind.Array && o.GetArrayLength() == 1
        && Num(o[0], "core_count") is > 0 and { } cores && Num(o[0], "threads_per_core") is null or > 0 ? (int)(cores * (Num(o[0], "threads_per_core") ?? 2)) : null;

    /// <summary>From the group's launch template (by name, or the only one in the plan), its mixed-instances overrides, or its launch configuration.</summary>
    private static string? AutoScalingInstanceType(PlannedChange group, JsonElement v, IReadOnlyList<PlannedChange> all, IReadOnlyDictionary<string, int>? sizes)
    {
        if (First(v, "mixed_instances_policy") is { } mixed && First(mixed, "launch_template") is { } spec
            && spec.TryGetProperty("override", out var overrides) && overrides.ValueKind == JsonValueKind.Array)
        {
            var types = overrides.EnumerateArray().Select(o => Str(o, "instance_type")).OfType<string>().ToList();
            // The largest is the safe side; a type the table cannot size is returned so that it is reported, not skipped.
            if (types.Count > 0) return types.FirstOrDefault(t => !InstanceTypes.Lookup(t, sizes).Success) ?? types.MaxBy(t => InstanceTypes.Lookup(t, sizes).Value.VCpus);
        }
        var templates = all.Where(c => c.Type == "aws_launch_template").ToList();
        var name = First(v, "launch_template") is { } lt ? Str(lt, "name") : null;
        var template = templates.FirstOrDefault(t => name is not null && Str(t.After!.Value, "name") == name)
            ?? (templates.Count == 1 ? templates[0] : null);
        if (template is not null) return Str(template.After!.Value, "instance_type");
        var configuration = Str(v, "launch_configuration");
        var launchConfig = all.FirstOrDefault(c => c.Type == "aws_launch_configuration" && configuration is not null && Str(c.After!.Value, "name") == configuration);
        return launchConfig is null ? null : Str(launchConfig.After!.Value, "instance_type");
    }

    /// <summary>Every instance type a change names anywhere (instances, launch templates and configurations, mixed-instances overrides), lower-cased.</summary>
    public static IReadOnlySet<string> InstanceTypesIn(IReadOnlyList<PlannedChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var types = new HashSet<string>(StringComparer.Ordinal);
        void Walk(JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Array) foreach (var item in e.EnumerateArray()) Walk(item);
            if (e.ValueKind != JsonValueKind.Object) return;
            foreach (var p in e.EnumerateObject())
            {
                if (p.Name == "instance_type" && p.Value.ValueKind == JsonValueKind.String && p.Value.GetString() is { Length: > 0 } type) types.Add(type.Trim().ToLowerInvariant());
                else Walk(p.Value);
            }
        }
        foreach (var change in changes) if (change.After is { } after) Walk(after);
        return types;
    }

    private static Use? Problem(List<string> problems, string message)
    {
        problems.Add(message);
        return null;
    }

    private static JsonElement? First(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array && v.GetArrayLength() > 0 ? v[0] : null;

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double? Num(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
}

/// <summary>
/// One quota's verdict: need = current usage + added × (1 + buffer), against the quota now. A count quota (or one not
/// found, which the gate only maps for counts) needs whole units: the need is rounded up, after the floating-point
/// noise is rounded off (4 + 50 × 1.1 is 59.00000000000001, which needs 59, not 60). Other quotas keep cents.
/// </summary>
public sealed record GateLine(QuotaNeed Need, string QuotaName, double? QuotaValue, double? CurrentUsage, double Needed, bool Enough, string Note)
{
    public double Shortfall => QuotaValue is { } q ? Math.Round(Math.Max(0, Needed - q), 2) : Needed;

    /// <summary>False when the quota or its current usage could not be read: the gate cannot tell, and fails closed.</summary>
    public bool Readable => QuotaValue is not null && CurrentUsage is not null;

    public static GateLine Evaluate(QuotaNeed need, QuotaInfo? quota, double? currentUsage, double buffer)
    {
        ArgumentNullException.ThrowIfNull(need);
        var exact = Math.Round((currentUsage ?? 0) + need.Added * (1 + buffer), 9);
        var needed = quota is null || quota.IsCount ? Math.Ceiling(exact) : Math.Round(exact, 2);
        var note = quota is null ? "quota not found in this account and Region"
            : currentUsage is null ? "current usage unknown (no usage metric)" : "";
        return new GateLine(need, quota?.QuotaName ?? need.QuotaName, quota?.Value, currentUsage, needed, quota is not null && currentUsage is not null && needed <= quota.Value, note);
    }
}
