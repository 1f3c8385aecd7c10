using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Usage;

namespace QuotaAutomation.Local.Simulation.Resources;

/// <summary>A quota of the simulated account's own (us-east-1) set; <paramref name="Counted"/>: its usage is counted from the inventory.</summary>
public sealed record EstateQuota(QuotaInfo Quota, UsageProfile Profile, bool Counted);

/// <summary>
/// The simulated account's resources and how each quota of issue 15 is observed: the inventory's kinds
/// (<see cref="Families"/>), a counter per quota with the source AWS's counter uses (<see cref="Counters"/>), and the
/// quotas the embedded backend's own account offers (<see cref="Quotas"/>: the built-in ones, then every quota of the
/// issue's table with its catalog name and default value).
/// <para>
/// Levels are chosen for the tour: one VPC near its 200 subnets, a security group filling its 60 rules in a month, the
/// rest comfortable and growing. The built-in quotas whose usage was flat (VPCs 4, internet gateways 4, NAT gateways 2
/// in the fullest Availability Zone, Elastic IPs 3, security groups 750, NLBs 10, Classic LBs 2) are counted from
/// resources of exactly those numbers, so their figures are the same; ALBs and DB instances keep their growing, noisy
/// shapes (the tour's auto-request and approval paths rest on them). The fleet's member accounts keep
/// <see cref="BuiltInAccount.Quotas"/>, drawn per account, with no inventory.
/// </para>
/// </summary>
public static class SimulatedEstate
{
    private static readonly string[] Zones = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"];

    public static IReadOnlyDictionary<string, ResourceFamily> Families { get; } = new ResourceFamily[]
    {
        new("vpc", "vpc", null, new Growth(4, 0)),
        new("subnet", "subnet", "vpc", new Growth(24, 0.02)) { First = new Growth(196, 0.25) },
        new("route-table", "rtb", "vpc", new Growth(6, 0.01)) { First = new Growth(12, 0.05) },
        new("route", "route", "route-table", new Growth(8, 0.02)) { First = new Growth(38, 0.1) },
        new("internet-gateway", "igw", null, new Growth(4, 0)),
        new("availability-zone", "az", null, new Growth(Zones.Length, 0)) { Names = Zones },
        new("nat-gateway", "nat", "availability-zone", new Growth(1, 0)) { First = new Growth(2, 0) },
        new("elastic-ip", "eipalloc", null, new Growth(3, 0)),
        new("security-group", "sg", null, new Growth(750, 0)),
        new("security-group-rule", "sgr", "security-group", new Growth(14, 0.02)) { First = new Growth(48, 0.4) },
        new("network-interface", "eni", null, new Growth(1100, 6)),
        new("interface-security-group", "sg", "network-interface", new Growth(3, 0)) { First = new Growth(4, 0.1) },
        new("gp3-volume", "vol", null, new Growth(180, 1.5)) { Size = (8, 400) }, // GiB
        new("snapshot", "snap", null, new Growth(4200, 35)),
        new("auto-scaling-group", "asg", null, new Growth(61, 0.3)),
        new("network-load-balancer", "net", null, new Growth(10, 0)),
        new("classic-load-balancer", "elb", null, new Growth(2, 0)),
        new("target-group", "tg", null, new Growth(410, 2)),
        new("iam-role", "AROA", null, new Growth(268, 1.2)),
        new("stack", "stack", null, new Growth(143, 0.8)),
        new("lambda-function", "fn", null, new Growth(310, 1.5)) { Size = (1, 60) }, // MiB of code, layers included
        new("dynamodb-table", "table", null, new Growth(64, 0.2)),
        new("s3-bucket", "bucket", null, new Growth(71, 0.15)),
        new("eks-cluster", "eks", null, new Growth(6, 0.02)),
        new("ecs-cluster", "ecs", null, new Growth(23, 0.05)),
        new("hosted-zone", "Z", null, new Growth(37, 0.1)),
        new("kms-key", "key", null, new Growth(212, 0.5)),
        new("sns-topic", "topic", null, new Growth(158, 0.4)),
    }.ToDictionary(f => f.Kind, StringComparer.Ordinal);

    /// <summary>
    /// Every quota of issue 15's table (codes and services checked against the catalog: gp3 storage and snapshots are
    /// <c>ebs</c>, Elastic IPs <c>ec2</c>, the VPC quotas <c>vpc</c>), plus Classic Load Balancers, with the source
    /// that observes it. Lambda's concurrent executions are not here: their usage metric observes them.
    /// </summary>
    public static IReadOnlyList<SimulatedCounter> Counters { get; } =
    [
        Describe("vpc", "L-F678F1CE", CountScope.Region, "ec2:DescribeVpcs", "VPCs", "vpc"),
        Describe("vpc", "L-407747CB", CountScope.Resource, "ec2:DescribeSubnets", "subnets", "subnet"),
        Describe("vpc", "L-A4707A72", CountScope.Region, "ec2:DescribeInternetGateways", "internet gateways", "internet-gateway"),
        Describe("vpc", "L-FE5A380F", CountScope.Resource, "ec2:DescribeNatGateways", "NAT gateways", "nat-gateway"),
        Describe("ec2", "L-0263D0A3", CountScope.Region, "ec2:DescribeAddresses", "Elastic IPs", "elastic-ip"),
        Describe("vpc", "L-DF5E4CA3", CountScope.Region, "ec2:DescribeNetworkInterfaces", "network interfaces", "network-interface"),
        Describe("vpc", "L-E79EC296", CountScope.Region, "ec2:DescribeSecurityGroups", "security groups", "security-group"),
        Describe("vpc", "L-0EA8095F", CountScope.Resource, "ec2:DescribeSecurityGroups", "rules", "security-group-rule"),
        Describe("vpc", "L-2AFB9258", CountScope.Resource, "ec2:DescribeNetworkInterfaces", "security groups", "interface-security-group"),
        Describe("vpc", "L-589F43AA", CountScope.Resource, "ec2:DescribeRouteTables", "route tables", "route-table"),
        Describe("vpc", "L-93826ACB", CountScope.Resource, "ec2:DescribeRouteTables", "routes", "route"),
        Describe("ebs", "L-7A658B76", CountScope.Region, "ec2:DescribeVolumes", "TiB of gp3 volumes", "gp3-volume") with { SizeDivisor = 1024 },
        Describe("ebs", "L-309BACF6", CountScope.Region, "ec2:DescribeSnapshots", "snapshots", "snapshot"),
        Limit("autoscaling", "L-CDE20ADC", CountScope.Region, "autoscaling:DescribeAccountLimits", "Auto Scaling groups", "auto-scaling-group"),
        Describe("elasticloadbalancing", "L-53DA6B97", CountScope.Region, "elasticloadbalancing:DescribeLoadBalancers", "Application Load Balancers", null),
        Describe("elasticloadbalancing", "L-69A177A2", CountScope.Region, "elasticloadbalancing:DescribeLoadBalancers", "Network Load Balancers", "network-load-balancer"),
        Describe("elasticloadbalancing", "L-E9E9831D", CountScope.Region, "elasticloadbalancing:DescribeLoadBalancers", "Classic Load Balancers", "classic-load-balancer"),
        Describe("elasticloadbalancing", "L-B22855CB", CountScope.Region, "elasticloadbalancing:DescribeTargetGroups", "target groups", "target-group"),
        Limit("rds", "L-7B6409FD", CountScope.Region, "rds:DescribeAccountAttributes", "DB instances", null),
        Limit("iam", "L-FE177D64", CountScope.Account, "iam:GetAccountSummary", "roles", "iam-role"),
        Limit("cloudformation", "L-0485CB21", CountScope.Region, "cloudformation:DescribeAccountLimits", "stacks", "stack"),
        Limit("lambda", "L-2ACBD22F", CountScope.Region, "lambda:GetAccountSettings", "GB of function and layer code", "lambda-function") with { SizeDivisor = 1024 },
        Describe("dynamodb", "L-F98FE922", CountScope.Region, "dynamodb:ListTables", "tables", "dynamodb-table"),
        Describe("s3", "L-DC2B2D3D", CountScope.Account, "s3:ListBuckets", "buckets", "s3-bucket"),
        Describe("eks", "L-1194D53C", CountScope.Region, "eks:ListClusters", "clusters", "eks-cluster"),
        Describe("ecs", "L-21C621EB", CountScope.Region, "ecs:ListClusters", "clusters", "ecs-cluster"),
        Limit("route53", "L-4EA4796A", CountScope.Account, "route53:GetAccountLimit", "hosted zones", "hosted-zone"),
        Describe("kms", "L-C2F1777E", CountScope.Region, "kms:ListKeys", "customer managed keys", "kms-key"),
        Describe("sns", "L-61103206", CountScope.Region, "sns:ListTopics", "topics", "sns-topic"),
    ];

    private static readonly Dictionary<(string, string), SimulatedCounter> ByCode = Counters.ToDictionary(c => (c.ServiceCode, c.QuotaCode));

    /// <summary>The counter that observes a quota (whatever its account and Region), or null when none does (a usage metric may).</summary>
    public static SimulatedCounter? For(QuotaKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return ByCode.GetValueOrDefault((key.ServiceCode, key.QuotaCode));
    }

    /// <summary>
    /// The embedded backend's own account: every quota of the table with a family counted from the inventory
    /// (the built-in quotas among them keep their names and values), the built-in quotas with their usage shapes, and
    /// Running On-Demand G and VT instances with the usage metric AWS gives it.
    /// </summary>
    public static IReadOnlyList<EstateQuota> Quotas => LazyQuotas.Value;

    /// <summary>Built on first use: it reads the catalog, which only a new database needs.</summary>
    private static readonly Lazy<IReadOnlyList<EstateQuota>> LazyQuotas = new(BuildQuotas);

    private static List<EstateQuota> BuildQuotas()
    {
        var builtIn = BuiltInAccount.Quotas.ToDictionary(q => q.Quota.Key);
        var quotas = new List<EstateQuota>();
        foreach (var counter in Counters.Where(c => c.Family is not null))
        {
            var key = new QuotaKey(counter.ServiceCode, counter.QuotaCode, BuiltInAccount.Region);
            var quota = builtIn.TryGetValue(key, out var known) ? known.Quota : Catalog(key);
            quotas.Add(new EstateQuota(quota, Flat, Counted: true));
        }
        foreach (var (quota, profile) in BuiltInAccount.Quotas.Where(q => quotas.All(e => e.Quota.Key != q.Quota.Key)))
        {
            var metric = quota.Key.QuotaCode == "L-DB2E81BA"
                ? new UsageMetric("AWS/Usage", "ResourceCount", new Dictionary<string, string> { ["Service"] = "EC2", ["Type"] = "Resource", ["Resource"] = "vCPU", ["Class"] = "G/OnDemand" }, "Maximum")
                : quota.UsageMetric;
            quotas.Add(new EstateQuota(quota with { UsageMetric = metric }, profile, Counted: false));
        }
        return quotas;
    }

    /// <summary>The catalog's name and default value (Catalog/quota-catalog.json, read 2026-12-01), as Service Quotas lists them.</summary>
    private static QuotaInfo Catalog(QuotaKey key)
    {
        var entry = QuotaAutomation.Local.Catalog.QuotaCatalog.All.Single(q => q.ServiceCode == key.ServiceCode && q.QuotaCode == key.QuotaCode);
        return new QuotaInfo(key, entry.QuotaName, entry.DefaultValue ?? throw new InvalidDataException($"the catalog has no default value for {key}"),
            entry.Adjustable ?? true, "None");
    }

    /// <summary>A counted quota's stored shape: never read (the inventory gives its usage), kept so the row reads as every other.</summary>
    private static readonly UsageProfile Flat = new(0, 0, 0, 1, 0, 1, 0);

    private static SimulatedCounter Describe(string service, string code, CountScope scope, string source, string counted, string? family) =>
        new(service, code, scope, UsageSourceKind.DescribeCount, source, counted) { Family = family };

    private static SimulatedCounter Limit(string service, string code, CountScope scope, string source, string counted, string? family) =>
        new(service, code, scope, UsageSourceKind.AccountLimitApi, source, counted) { Family = family };
}
