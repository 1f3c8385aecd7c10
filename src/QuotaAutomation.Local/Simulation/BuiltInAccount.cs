using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Local.Simulation;

/// <summary>
/// The simulated account's quotas: real quota codes, names, units and default or observed values from the shared
/// quota catalog (Catalog/quota-catalog.json), each with a usage shape chosen so that one simulated day shows
/// every path of the engine: steady growth to critical, a spiky workload, a flat count at warning, business hours.
/// </summary>
public static class BuiltInAccount
{
    public const string Region = "us-east-1";

    public static IReadOnlyList<(QuotaInfo Quota, UsageProfile Profile)> Quotas { get; } =
    [
        (Quota("ec2", "L-1216C47A", "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances", 256,
            new UsageMetric("AWS/Usage", "ResourceCount", Dimensions("EC2", "vCPU", "Standard/OnDemand"), "Maximum")),
            new UsageProfile(0.60, 0.03, 0.15, 0.85, 0.01, 1.3, 0.03)),
        (Quota("lambda", "L-B99A9384", "Concurrent executions", 1000,
            new UsageMetric("AWS/Lambda", "ConcurrentExecutions", new Dictionary<string, string>(), "Maximum")),
            new UsageProfile(0.45, 0.02, 0.30, 0.70, 0.03, 1.8, 0.05)),
        (Quota("vpc", "L-F678F1CE", "VPCs per Region", 5, null), new UsageProfile(0.80, 0, 0, 1, 0, 1, 0)),
        (Quota("elasticloadbalancing", "L-53DA6B97", "Application Load Balancers per Region", 50, null, "Count"),
            new UsageProfile(0.78, 0.04, 0, 1, 0, 1, 0.02)),
        (Quota("ec2", "L-0263D0A3", "EC2-VPC Elastic IPs", 5, null), new UsageProfile(0.60, 0, 0, 1, 0, 1, 0)),
        (Quota("rds", "L-7B6409FD", "DB instances", 40, null), new UsageProfile(0.82, 0.02, 0, 1, 0, 1, 0.01)),
        (Quota("dynamodb", "L-34F6A552", "Account-level read throughput limit (Provisioned mode)", 80000,
            new UsageMetric("AWS/Usage", "ResourceCount", Dimensions("DynamoDB", "AccountProvisionedReadCapacityUnits", "None"), "Maximum")),
            new UsageProfile(0.55, 0.01, 0.35, 0.60, 0.005, 1.5, 0.03)),
        // Quotas no sample rule governs, so that `check` can gate every resource type it maps.
        (Quota("ec2", "L-DB2E81BA", "Running On-Demand G and VT instances", 64, null), new UsageProfile(0.25, 0, 0, 1, 0, 1, 0)),
        (Quota("vpc", "L-FE5A380F", "NAT gateways per Availability Zone", 5, null), new UsageProfile(0.40, 0, 0, 1, 0, 1, 0)),
        (Quota("vpc", "L-A4707A72", "Internet gateways per Region", 5, null), new UsageProfile(0.80, 0, 0, 1, 0, 1, 0)),
        (Quota("vpc", "L-E79EC296", "VPC security groups per Region", 2500, null), new UsageProfile(0.30, 0, 0, 1, 0, 1, 0)),
        (Quota("elasticloadbalancing", "L-69A177A2", "Network Load Balancers per Region", 50, null, "Count"), new UsageProfile(0.20, 0, 0, 1, 0, 1, 0)),
        (Quota("elasticloadbalancing", "L-E9E9831D", "Classic Load Balancers per Region", 20, null, "Count"), new UsageProfile(0.10, 0, 0, 1, 0, 1, 0)),
        // What `check --plan` counts beside the resources themselves: instances' network interfaces and volumes' storage.
        (Quota("vpc", "L-DF5E4CA3", "Network interfaces per Region", 5000, null), new UsageProfile(0.12, 0, 0, 1, 0, 1, 0)),
        (Quota("ebs", "L-7A658B76", "Storage for General Purpose SSD (gp3) volumes, in TiB", 50, null), new UsageProfile(0.30, 0, 0, 1, 0, 1, 0)),
        (Quota("ebs", "L-D18FCD1D", "Storage for General Purpose SSD (gp2) volumes, in TiB", 50, null), new UsageProfile(0.10, 0, 0, 1, 0, 1, 0)),
    ];

    private static QuotaInfo Quota(string service, string code, string name, double value, UsageMetric? metric, string unit = "None") =>
        new(new QuotaKey(service, code, Region), name, value, Adjustable: true, unit, metric);

    private static Dictionary<string, string> Dimensions(string service, string resource, string @class) => new()
    {
        ["Service"] = service,
        ["Type"] = "Resource",
        ["Resource"] = resource,
        ["Class"] = @class,
    };
}
