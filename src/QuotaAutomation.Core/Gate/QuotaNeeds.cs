using System.Globalization;
using System.Text.Json;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Gate;

/// <summary>How much of one quota a change consumes, and which resources consume it.</summary>
public sealed record QuotaNeed(QuotaKey Quota, string QuotaName, double Added, IReadOnlyList<string> From);

/// <summary>
/// Maps planned resources to the quotas they consume: EC2 On-Demand vCPUs by instance family (instances, and Auto
/// Scaling groups at their max_size), Lambda concurrent executions (reserved and provisioned), RDS DB instances, VPCs,
/// Elastic IPs, NAT gateways, internet gateways, security groups, load balancers, network interfaces (each instance's
/// primary, load balancers' per subnet, NAT gateways', DB instances', and aws_network_interface) and EBS storage by volume
/// type (volumes, and the block devices of instances and launch templates whose size the plan states). An update counts what it adds
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
            var before = change.Before is { } b ? Uses(change, b, changes, [], instanceTypes) ?? [] : [];
            foreach (var use in after.GroupBy(u => (u.Service, u.Code, u.Name)))
            {
                var added = use.Sum(u => u.Units) - before.Where(u => u.Code == use.Key.Code).Sum(u => u.Units);
                if (Math.Round(added, 6) <= 0) continue;
                var key = new QuotaKey(use.Key.Service, use.Key.Code, region);
                var (_, sum, from) = totals.TryGetValue(key, out var t) ? t : (use.Key.Name, 0.0, new List<string>());
                from.Add(string.Create(CultureInfo.InvariantCulture, $"{change.Address} (+{added:0.##})"));
                totals[key] = (use.Key.Name, sum + added, from);
            }
        }
        // Rounded to what it means: GiB summed as TiB carry float noise (0.39062400000000003).
        return (totals.Select(t => new QuotaNeed(t.Key, t.Value.Name, Math.Round(t.Value.Added, 6), t.Value.From)).OrderBy(n => n.Quota.ToString(), StringComparer.Ordinal).ToList(), problems);
    }

    private static List<Use>? Uses(PlannedChange change, JsonElement v, IReadOnlyList<PlannedChange> all, List<string> problems, IReadOnlyDictionary<string, int>? sizes)
    {
        switch (change.Type)
        {
            case "aws_instance":
                // Its primary network interface, unless it attaches interfaces of its own (aws_network_interface, counted there).
                return Instances(change.Address, Str(v, "instance_type"), CpuOverride(v), 1, problems, sizes) is { } vcpus
                    && Volumes(change.Address, v, ["root_block_device", "ebs_block_device"], problems) is { } volumes
                    ? [vcpus, .. HasBlocks(v, "network_interface") ? [] : new[] { Interfaces(1) }, .. volumes] : null;
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
                var template = LaunchTemplate(v, all);
                var templateVolumes = template is null ? [] : Volumes($"{change.Address} (launch template {template.Address})", template.After!.Value, ["block_device_mappings"], problems);
                return Instances(change.Address, type, null, max.Value, problems, sizes) is { } groupVcpus && templateVolumes is not null
                    ? [groupVcpus, Interfaces(max.Value), .. templateVolumes.Select(u => u with { Units = u.Units * max.Value })] : null;
            case "aws_ebs_volume":
                // CreateVolume's default type is gp2 (EC2 API Reference, CreateVolume VolumeType).
                return Num(v, "size") is > 0 and { } gib ? Volume(change.Address, Str(v, "type") ?? "gp2", gib, problems) is { } volume ? [volume] : null
                    : Fail(problems, $"{change.Address}: size is unknown in the plan (a volume from a snapshot takes the snapshot's size): give size to count its storage");
            case "aws_network_interface":
                return [Interfaces(1)];
            case "aws_lambda_function":
                return Num(v, "reserved_concurrent_executions") is > 0 and { } reserved
                    ? [new Use("lambda", "L-B99A9384", "Concurrent executions", reserved)] : [];
            case "aws_lambda_provisioned_concurrency_config":
                return Num(v, "provisioned_concurrent_executions") is > 0 and { } provisioned
                    ? [new Use("lambda", "L-B99A9384", "Concurrent executions", provisioned)] : [];
            case "aws_db_instance" or "aws_rds_cluster_instance":
                // RDS reaches a DB instance through a network interface in its subnet group's VPC.
                return [new Use("rds", "L-7B6409FD", "DB instances", 1), Interfaces(1)];
            case "aws_vpc":
                return [new Use("vpc", "L-F678F1CE", "VPCs per Region", 1)];
            case "aws_eip":
                return [new Use("ec2", "L-0263D0A3", "EC2-VPC Elastic IPs", 1)];
            case "aws_nat_gateway":
                // The quota is per Availability Zone; a plan rarely knows the zone, so all are counted against one (safe side).
                // CreateNatGateway creates a network interface in the subnet.
                return [new Use("vpc", "L-FE5A380F", "NAT gateways per Availability Zone", 1), Interfaces(1)];
            case "aws_internet_gateway":
                return [new Use("vpc", "L-A4707A72", "Internet gateways per Region", 1)];
            case "aws_security_group":
                return [new Use("vpc", "L-E79EC296", "VPC security groups per Region", 1)];
            case "aws_lb" or "aws_alb":
                // ELB creates a network interface in each subnet of the load balancer; unknown subnets count as the
                // fewest it accepts (an Application Load Balancer two zones, a Network Load Balancer one).
                var subnets = Count(v, "subnets") ?? Count(v, "subnet_mapping");
                return (Str(v, "load_balancer_type") ?? "application") switch
                {
                    "application" => [new Use("elasticloadbalancing", "L-53DA6B97", "Application Load Balancers per Region", 1), Interfaces(subnets ?? 2)],
                    "network" => [new Use("elasticloadbalancing", "L-69A177A2", "Network Load Balancers per Region", 1), Interfaces(subnets ?? 1)],
                    var other => Fail(problems, $"{change.Address}: load_balancer_type '{other}' has no mapped quota"),
                };
            case "aws_elb":
                return [new Use("elasticloadbalancing", "L-E9E9831D", "Classic Load Balancers per Region", 1)];
            case var unsized when CapacityItCannotSize.Contains(unsized):
                return Fail(problems, $"{change.Address}: {unsized} launches EC2 capacity the gate cannot size: describe it in --config (ec2.auto_scaling_groups) or check its quotas by hand");
            default:
                return []; // consumes no quota the gate maps
        }
    }

    private static Use Interfaces(double count) => new("vpc", "L-DF5E4CA3", "Network interfaces per Region", count);

    /// <summary>EBS storage quotas by volume type (Service Quotas, service <c>ebs</c>, in TiB).</summary>
    private static readonly Dictionary<string, (string Code, string Name)> StorageQuotas = new(StringComparer.Ordinal)
    {
        ["gp2"] = ("L-D18FCD1D", "Storage for General Purpose SSD (gp2) volumes, in TiB"),
        ["gp3"] = ("L-7A658B76", "Storage for General Purpose SSD (gp3) volumes, in TiB"),
        ["io1"] = ("L-FD252861", "Storage for Provisioned IOPS SSD (io1) volumes, in TiB"),
        ["io2"] = ("L-09BD8365", "Storage for Provisioned IOPS SSD (io2) volumes, in TiB"),
        ["st1"] = ("L-82ACEF56", "Storage for Throughput Optimized HDD (st1) volumes, in TiB"),
        ["sc1"] = ("L-17AF77E8", "Storage for Cold HDD (sc1) volumes, in TiB"),
        ["standard"] = ("L-9CF3C2EB", "Storage for Magnetic (standard) volumes, in TiB"),
    };

    private static Use? Volume(string where, string type, double gib, List<string> problems)
    {
        if (StorageQuotas.TryGetValue(type, out var quota)) return new Use("ebs", quota.Code, quota.Name, gib / 1024);
        problems.Add($"{where}: volume type '{type}' has no mapped storage quota ({string.Join(", ", StorageQuotas.Keys)})");
        return null;
    }

    /// <summary>
    /// The EBS storage of a resource's block devices (an instance's root and EBS devices, a launch template's mappings)
    /// whose size the plan states; a device without a size takes its AMI's snapshot size, which a plan does not know, and
    /// is not counted. A sized device of unstated type is refused: the AMI decides the type, and the gate does not guess.
    /// </summary>
    private static List<Use>? Volumes(string address, JsonElement v, string[] blocks, List<string> problems)
    {
        var uses = new List<Use>();
        var ok = true;
        foreach (var block in blocks)
        {
            if (!v.TryGetProperty(block, out var list) || list.ValueKind != JsonValueKind.Array) continue;
            var i = 0;
            foreach (var item in list.EnumerateArray())
            {
                var where = $"{address}: {block}[{i++}]";
                var device = block == "block_device_mappings" ? First(item, "ebs") : item;
                if (device is not { } d || Num(d, "volume_size") is not { } gib || gib <= 0) continue;
                var type = Str(d, "volume_type");
                if (type is null)
                {
                    problems.Add($"{where}: volume_type is unknown in the plan (the AMI decides it): give volume_type to count its {gib:0.##} GiB");
                    ok = false;
                    continue;
                }
                if (Volume(where, type, gib, problems) is { } use) uses.Add(use);
                else ok = false;
            }
        }
        return ok ? uses : null;
    }

    private static bool HasBlocks(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array && v.GetArrayLength() > 0;

    private static double? Count(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array && v.GetArrayLength() > 0 ? v.GetArrayLength() : null;

    private static List<Use>? Fail(List<string> problems, string message)
    {
        problems.Add(message);
        return null;
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
        if (LaunchTemplate(v, all) is { } template) return Str(template.After!.Value, "instance_type");
        var configuration = Str(v, "launch_configuration");
        var launchConfig = all.FirstOrDefault(c => c.Type == "aws_launch_configuration" && configuration is not null && Str(c.After!.Value, "name") == configuration);
        return launchConfig is null ? null : Str(launchConfig.After!.Value, "instance_type");
    }

    /// <summary>The group's launch template in the plan: by name, or the only one.</summary>
    private static PlannedChange? LaunchTemplate(JsonElement group, IReadOnlyList<PlannedChange> all)
    {
        var templates = all.Where(c => c.Type == "aws_launch_template").ToList();
        var name = First(group, "launch_template") is { } lt ? Str(lt, "name") : null;
        return templates.FirstOrDefault(t => name is not null && Str(t.After!.Value, "name") == name) ?? (templates.Count == 1 ? templates[0] : null);
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

    /// <param name="usageFailure">Why the source that counts the quota's usage failed, when it did.</param>
    public static GateLine Evaluate(QuotaNeed need, QuotaInfo? quota, double? currentUsage, double buffer, string? usageFailure = null)
    {
        ArgumentNullException.ThrowIfNull(need);
        var exact = Math.Round((currentUsage ?? 0) + need.Added * (1 + buffer), 9);
        var needed = quota is null || quota.IsCount ? Math.Ceiling(exact) : Math.Round(exact, 2);
        var note = quota is null ? "quota not found in this account and Region"
            : currentUsage is not null ? ""
            : usageFailure is not null ? $"current usage unknown ({usageFailure})" : "current usage unknown (no usage metric)";
        return new GateLine(need, quota?.QuotaName ?? need.QuotaName, quota?.Value, currentUsage, needed, quota is not null && currentUsage is not null && needed <= quota.Value, note);
    }
}
