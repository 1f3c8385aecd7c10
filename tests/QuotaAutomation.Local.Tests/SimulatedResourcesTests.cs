using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Usage;
using QuotaAutomation.Local.Catalog;
using QuotaAutomation.Local.Simulation;
using QuotaAutomation.Local.Simulation.Resources;

namespace QuotaAutomation.Local.Tests;

/// <summary>The embedded backend's own account offers issue 15's quotas, counted from simulated resources per each quota's scope.</summary>
public sealed class SimulatedResourcesTests : IAsyncLifetime
{
    private readonly TempDatabase _db = new();
    private static readonly QuotaKey Subnets = new("vpc", "L-407747CB", "us-east-1");
    private static readonly QuotaKey NatPerZone = new("vpc", "L-FE5A380F", "us-east-1");
    private static readonly QuotaKey Enis = new("vpc", "L-DF5E4CA3", "us-east-1");

    /// <summary>Issue 15's table, as corrected against the catalog (gp3 storage and snapshots are <c>ebs</c>, Elastic IPs <c>ec2</c>).</summary>
    private static readonly string[] IssueCodes =
    [
        "vpc/L-F678F1CE", "vpc/L-407747CB", "vpc/L-A4707A72", "vpc/L-FE5A380F", "ec2/L-0263D0A3", "vpc/L-DF5E4CA3", "vpc/L-E79EC296",
        "vpc/L-0EA8095F", "vpc/L-2AFB9258", "vpc/L-589F43AA", "vpc/L-93826ACB", "ebs/L-7A658B76", "ebs/L-309BACF6", "autoscaling/L-CDE20ADC",
        "elasticloadbalancing/L-53DA6B97", "elasticloadbalancing/L-69A177A2", "elasticloadbalancing/L-B22855CB", "rds/L-7B6409FD", "iam/L-FE177D64",
        "cloudformation/L-0485CB21", "lambda/L-B99A9384", "lambda/L-2ACBD22F", "dynamodb/L-F98FE922", "s3/L-DC2B2D3D", "eks/L-1194D53C",
        "ecs/L-21C621EB", "route53/L-4EA4796A", "kms/L-C2F1777E", "sns/L-61103206",
    ];

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    private static UsageQuery Query(QuotaInfo quota) => new(quota, TempDatabase.Start - TimeSpan.FromDays(1));

    [Fact]
    public async Task ListQuotas_OffersEveryQuotaOfTheIssue_WithTheCatalogsNameAndDefault()
    {
        var account = (await _db.OpenAsync()).Account;

        var quotas = (await account.ListQuotasAsync(CancellationToken.None)).ToDictionary(q => $"{q.Info.Key.ServiceCode}/{q.Info.Key.QuotaCode}");

        Assert.All(IssueCodes, code => Assert.True(quotas.ContainsKey(code), code));
        Assert.All(IssueCodes.Select(c => quotas[c]).Where(q => q.Counted), q =>
        {
            var listed = QuotaCatalog.All.Single(c => c.ServiceCode == q.Info.Key.ServiceCode && c.QuotaCode == q.Info.Key.QuotaCode);
            Assert.Equal((listed.QuotaName, listed.DefaultValue), (q.Info.QuotaName, (double?)q.Info.Value));
        });
        Assert.Equal(34, quotas.Count); // the 16 built-in quotas and the table's 18 others
    }

    [Fact]
    public async Task Read_PerResourceQuota_IsTheFullestResources_AndNamesIt()
    {
        var account = (await _db.OpenAsync()).Account;
        var quotas = await account.GetQuotasAsync([Subnets, NatPerZone, Enis], CancellationToken.None);

        var reading = await account.ReadAsync([Query(quotas[Subnets]), Query(quotas[NatPerZone]), Query(quotas[Enis])], TempDatabase.Start, CancellationToken.None);

        Assert.Equal((TempDatabase.Start, 196.0), (reading.Samples[Subnets].Single().Timestamp, reading.Samples[Subnets].Single().Value)); // one count a read, as a describe API gives
        Assert.Equal("vpc-0d31405905301f9e9 has 196 of 200 subnets", reading.Fullest[Subnets].Describe(200));
        Assert.Equal(4, reading.Fullest[Subnets].Resources);
        Assert.Equal("us-east-1a has 2 of 5 NAT gateways", reading.Fullest[NatPerZone].Describe(5));
        Assert.False(reading.Fullest.ContainsKey(Enis)); // a Region's count names no resource
        Assert.Equal(1100, reading.Samples[Enis].Single().Value);
        Assert.All(reading.ObservedBy.Values, kind => Assert.Equal(UsageSourceKind.DescribeCount, kind));
    }

    [Fact]
    public void Count_GrowsWithTime_AndIsAFunctionOfTheSeed()
    {
        var subnets = SimulatedEstate.For(Subnets)!;
        var inventory = new SimulatedInventory(42, TempDatabase.Start);

        var counts = new[] { 0, 4, 8, 12 }.Select(days => inventory.Count(subnets, TempDatabase.Start.AddDays(days)).Used);

        Assert.Equal([196.0, 197, 198, 199], counts);
        Assert.Equal(inventory.Count(subnets, TempDatabase.Start.AddDays(3)), new SimulatedInventory(42, TempDatabase.Start).Count(subnets, TempDatabase.Start.AddDays(3)));
        Assert.NotEqual(inventory.Count(subnets, TempDatabase.Start).Fullest!.ResourceId, new SimulatedInventory(7, TempDatabase.Start).Count(subnets, TempDatabase.Start).Fullest!.ResourceId);
    }

    [Fact]
    public void Count_FlatBuiltInQuotas_AreCountedAtTheValuesTheirShapesGave()
    {
        var inventory = new SimulatedInventory(42, TempDatabase.Start);
        // Network interfaces and gp3 storage are built in too (what `check --plan` counts), but their inventory grows.
        var flat = BuiltInAccount.Quotas.Where(q => SimulatedEstate.For(q.Quota.Key)?.Family is { } family && SimulatedEstate.Families[family].Each.PerDay == 0).ToList();

        Assert.Equal(7, flat.Count); // VPCs, NAT gateways per AZ, internet gateways, security groups, Elastic IPs, NLBs, Classic LBs
        Assert.All(flat, q => Assert.Equal(Math.Round(q.Quota.Value * q.Profile.BaseFraction), inventory.Count(SimulatedEstate.For(q.Quota.Key)!, TempDatabase.Start.AddDays(30)).Used));
    }

    [Fact]
    public async Task Read_FailingSource_FailsItsQuotasOnly_NamingTheCall()
    {
        var account = (await _db.OpenAsync(new SimulationOptions { FailingSources = new HashSet<string> { "ec2:DescribeSubnets" } })).Account;
        var quotas = await account.GetQuotasAsync([Subnets, Enis], CancellationToken.None);

        var reading = await account.ReadAsync([Query(quotas[Subnets]), Query(quotas[Enis])], TempDatabase.Start, CancellationToken.None);

        Assert.Equal([Enis], reading.Samples.Keys);
        Assert.Equal("ec2:DescribeSubnets: AccessDenied: the simulated account refuses this call (the simulation's failing sources name it)", Assert.Single(reading.Failures).Value);
    }

    [Fact]
    public async Task Coverage_SaysHowEachQuotaIsObserved()
    {
        var coverage = (await _db.OpenAsync()).Coverage;

        var listed = (await coverage.ListAsync(null, "us-east-1", null, includeUnobserved: true, CancellationToken.None)).ToDictionary(q => q.Key.QuotaCode);

        Assert.Equal(34, listed.Count);
        // gp2 storage is there for `check --plan` (docs/gate.md); no counter counts gp2 volumes yet (AWS's counts gp3).
        Assert.Equal(["L-D18FCD1D"], listed.Values.Where(q => q.Source == UsageSourceKind.None).Select(q => q.Key.QuotaCode));
        Assert.Equal((UsageSourceKind.DescribeCount, "ec2:DescribeSubnets"), (listed["L-407747CB"].Source, listed["L-407747CB"].SourceName));
        Assert.Equal((UsageSourceKind.AccountLimitApi, "iam:GetAccountSummary"), (listed["L-FE177D64"].Source, listed["L-FE177D64"].SourceName));
        Assert.Equal((UsageSourceKind.UsageMetric, "AWS/Lambda ConcurrentExecutions"), (listed["L-B99A9384"].Source, listed["L-B99A9384"].SourceName));
        Assert.Empty(await coverage.ListAsync(null, "eu-west-1", null, includeUnobserved: true, CancellationToken.None));
        Assert.Equal(["L-0263D0A3", "L-1216C47A", "L-DB2E81BA"], (await coverage.ListAsync(null, "us-east-1", "ec2", false, CancellationToken.None)).Select(q => q.Key.QuotaCode).Order(StringComparer.Ordinal));
    }
}
