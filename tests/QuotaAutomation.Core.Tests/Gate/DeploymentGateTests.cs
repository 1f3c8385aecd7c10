using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Gate;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Tests.Engine;

namespace QuotaAutomation.Core.Tests.Gate;

/// <summary>
/// The deployment gate on plan fixtures shaped exactly like <c>terraform show -json</c> output (format 1.2, from
/// Terraform 1.11: resource_changes with actions, before, after, after_unknown; data sources; updates, both kinds of
/// replacement, a deletion), on the seed's infrastructure file, and through the engine for <c>check --request</c>.
/// </summary>
public sealed class DeploymentGateTests
{
    private static readonly string Plans = Path.Combine(Testing.Repository.Root, "tests", "QuotaAutomation.Core.Tests", "Gate", "Plans");

    private static IReadOnlyList<PlannedChange> Plan(string file) => TerraformPlan.Parse(File.ReadAllText(Path.Combine(Plans, file)), file).Value;

    private static Dictionary<string, QuotaNeed> Needs(string file)
    {
        var (needs, problems) = QuotaNeeds.From(Plan(file), "eu-west-1");
        Assert.Empty(problems);
        return needs.ToDictionary(n => $"{n.Quota.ServiceCode}/{n.Quota.QuotaCode}");
    }

    [Fact]
    public void EveryMappedType_ConsumesItsQuota_InThePlansRegion()
    {
        var needs = Needs("every-mapped-type.json");

        Assert.Equal(new Dictionary<string, double>
        {
            ["ec2/L-1216C47A"] = 2 * 4 + 6 * 8 + (8 - 4) * 8, // 2 m5.xlarge, workers: 6 × c6i.2xlarge, api: max_size 4 → 8 of the same
            ["ec2/L-DB2E81BA"] = 4,                              // g5.2xlarge with cpu_options 2 cores × 2 threads
            ["ec2/L-0263D0A3"] = 1,
            ["lambda/L-B99A9384"] = 200 + 50,                    // reserved (the -1 of 'worker' is unreserved) + provisioned
            ["rds/L-7B6409FD"] = 2,
            ["vpc/L-F678F1CE"] = 1,                              // main; the replaced one destroys first, the deleted one is not credited
            ["vpc/L-FE5A380F"] = 1,
            ["vpc/L-A4707A72"] = 1,
            ["vpc/L-E79EC296"] = 3,                              // web, db, and green: created before blue is destroyed
            ["elasticloadbalancing/L-53DA6B97"] = 1,
            ["elasticloadbalancing/L-69A177A2"] = 1,
            ["elasticloadbalancing/L-E9E9831D"] = 1,
            // Primary interfaces (3 instances, workers 6, api 8 − 4), DB instances 2, the NAT gateway 1, and the load
            // balancers' per subnet, at the fewest their type accepts when the plan names none (2 and 1).
            ["vpc/L-DF5E4CA3"] = 3 + 6 + 4 + 2 + 1 + 3,
        }, needs.ToDictionary(n => n.Key, n => n.Value.Added));
        Assert.All(needs.Values, n => Assert.Equal("us-east-1", n.Quota.Region)); // the provider's region, not the default
        Assert.Equal(["aws_instance.web[0] (+4)", "aws_instance.web[1] (+4)", "aws_autoscaling_group.workers (+48)", "aws_autoscaling_group.api (+32)"],
            needs["ec2/L-1216C47A"].From);
    }

    [Fact]
    public void NetworkInterfacesAndEbsStorage_AreCountedWithTheResources()
    {
        var needs = Needs("volumes-and-interfaces.json");

        Assert.Equal(new Dictionary<string, double>
        {
            ["ec2/L-1216C47A"] = 2 + 2 + 4 * 2,                 // m5.large, c5.large, 4 × t3.micro
            ["vpc/L-DF5E4CA3"] = 1 + 1 + 4 + 3,                 // app's primary, the appliance's own interface (not a primary too), 4 instances, the ALB's 3 subnets
            ["ebs/L-7A658B76"] = Math.Round((100 + 100 + 4 * 50) / 1024.0, 6), // app's root, logs grown 100 → 200 GiB, the template's 50 GiB × 4
            ["ebs/L-09BD8365"] = 0.5,                           // app's 512 GiB io2
            ["ebs/L-D18FCD1D"] = 1,                             // data: 1,024 GiB of CreateVolume's default type, gp2
            ["elasticloadbalancing/L-53DA6B97"] = 1,
        }, needs.ToDictionary(n => n.Key, n => n.Value.Added));
        Assert.Equal(["aws_instance.app (+0.1)", "aws_ebs_volume.logs (+0.1)", "aws_autoscaling_group.web (+0.2)"], needs["ebs/L-7A658B76"].From);
    }

    [Fact]
    public void VolumesItCannotSize_FailClosed_NamingTheResourceAndField()
    {
        var (_, problems) = QuotaNeeds.From(Plan("volumes-it-cannot-size.json"), "us-east-1");

        Assert.Equal([
            "aws_instance.guess: root_block_device[0]: volume_type is unknown in the plan (the AMI decides it): give volume_type to count its 40 GiB",
            "aws_ebs_volume.tape: volume type 'gp9' has no mapped storage quota (gp2, gp3, io1, io2, st1, sc1, standard)",
            "aws_ebs_volume.restored: size is unknown in the plan (a volume from a snapshot takes the snapshot's size): give size to count its storage",
        ], problems);
    }

    [Fact]
    public void UnknownInstanceType_IsAProblemNamingTheResourceAndTheType()
    {
        var (needs, problems) = QuotaNeeds.From(Plan("unknown-instance-type.json"), "us-east-1");

        Assert.Empty(needs);
        Assert.Equal([
            "aws_instance.quantum: instance type 'q9.mega' has no known vCPU count: family 'q9' is not in the built-in table, and neither EC2 DescribeInstanceTypes (--backend aws) nor an --instance-types file named it: check the spelling, or give its vCPUs in a file with --instance-types (JSON {\"q9.mega\": 8} or CSV q9.mega,8)",
            "aws_instance.metal: instance type 'm5.nano': size 'nano' has no vCPU count in the built-in table, and neither EC2 DescribeInstanceTypes (--backend aws) nor an --instance-types file named it: check the spelling, or give its vCPUs in a file with --instance-types (JSON {\"m5.nano\": 8} or CSV m5.nano,8)",
        ], problems);
    }

    [Fact]
    public void CapacityTheGateCannotSize_FailsClosed_NamingEachResourceAndType()
    {
        // Before: the Spot request and the node group were skipped (an empty table, "quotas have room", exit 0), the mixed
        // group counted only its m5.large, and the typo threw an OverflowException.
        var (needs, problems) = QuotaNeeds.From(Plan("capacity-it-cannot-size.json"), "us-east-1");

        Assert.Empty(needs);
        Assert.Equal([
            "aws_spot_instance_request.batch: aws_spot_instance_request launches EC2 capacity the gate cannot size: describe it in --config (ec2.auto_scaling_groups) or check its quotas by hand",
            "aws_autoscaling_group.mixed: instance type 'm5.nano': size 'nano' has no vCPU count in the built-in table, and neither EC2 DescribeInstanceTypes (--backend aws) nor an --instance-types file named it: check the spelling, or give its vCPUs in a file with --instance-types (JSON {\"m5.nano\": 8} or CSV m5.nano,8)",
            "aws_eks_node_group.workers: aws_eks_node_group launches EC2 capacity the gate cannot size: describe it in --config (ec2.auto_scaling_groups) or check its quotas by hand",
            "aws_instance.typo: instance type 'm5.600000000xlarge': size '600000000xlarge' has no vCPU count in the built-in table, and neither EC2 DescribeInstanceTypes (--backend aws) nor an --instance-types file named it: check the spelling, or give its vCPUs in a file with --instance-types (JSON {\"m5.600000000xlarge\": 8} or CSV m5.600000000xlarge,8)",
        ], problems);
    }

    [Theory]
    [InlineData("malformed-no-actions.json", "malformed-no-actions.json: resource_changes[0]: address, type and change.actions are required")]
    [InlineData("not-a-plan.json", "not-a-plan.json: no format_version: not the output of `terraform show -json PLANFILE`")]
    public void MalformedPlan_IsRefusedWithWhereAndWhat(string file, string message)
    {
        var parsed = TerraformPlan.Parse(File.ReadAllText(Path.Combine(Plans, file)), file);

        Assert.Equal(message, parsed.Error);
    }

    [Fact]
    public void NotJson_IsRefused()
    {
        Assert.StartsWith("plan.json: not JSON (", TerraformPlan.Parse("Plan: 3 to add, 0 to change", "plan.json").Error, StringComparison.Ordinal);
    }

    [Fact]
    public void PlanWithoutChanges_NeedsNothing()
    {
        Assert.Empty(Plan("no-changes.json"));
    }

    [Theory]
    [InlineData("t2.micro", 1)]
    [InlineData("t3.micro", 2)]
    [InlineData("m6g.medium", 1)]
    [InlineData("c5.large", 2)]
    [InlineData("r5.xlarge", 4)]
    [InlineData("m5.24xlarge", 96)]
    [InlineData("M5.2XLARGE", 8)]
    [InlineData("m7i-flex.large", 2)]
    [InlineData("m7i-flex.2xlarge", 8)]
    [InlineData("c7i-flex.xlarge", 4)]
    [InlineData("m5.metal", 96)]
    [InlineData("c5n.metal", 72)]
    [InlineData("m6g.metal", 64)]
    [InlineData("m7i.metal-24xl", 96)]
    [InlineData("m7i.metal-48xl", 192)]
    public void InstanceTypes_KnowTheirVCpus(string type, int vcpus)
    {
        Assert.Equal(vcpus, InstanceTypes.Lookup(type).Value.VCpus);
    }

    [Fact]
    public void InstanceTypes_KnownBeyondTheTable_AreSizedAndGroupedByTheirFamilyLetters()
    {
        var known = new Dictionary<string, int> { ["m8i.large"] = 2, ["g7e.xlarge"] = 4 };

        Assert.Equal(((2, "standard"), (4, "g")), (InstanceTypes.Lookup("M8i.large", known).Value, InstanceTypes.Lookup("g7e.xlarge", known).Value));
    }

    [Fact]
    public void InstanceTypes_KnownButOfAFamilyWithNoMappedQuota_AreRefused()
    {
        var known = new Dictionary<string, int> { ["u7i-12tb.224xlarge"] = 896 };

        Assert.Equal("instance type 'u7i-12tb.224xlarge': family 'u7i-12tb' has no On-Demand vCPU quota the gate maps (standard, F, G and VT, Inf, P, X, DL, Trn)",
            InstanceTypes.Lookup("u7i-12tb.224xlarge", known).Error);
    }

    [Fact]
    public void InstanceTypesIn_FindsEveryNamedType()
    {
        Assert.Equal(["m5.600000000xlarge", "m5.large", "m5.nano"], QuotaNeeds.InstanceTypesIn(Plan("capacity-it-cannot-size.json")).Order(StringComparer.Ordinal));
    }

    private static async Task<GateReport> CheckAsync(string file, double standardQuota, double standardUsage)
    {
        var fixture = new EngineFixture();
        fixture.Account.Add("ec2", "L-1216C47A", standardQuota, _ => standardUsage);
        fixture.Account.Add("vpc", "L-DF5E4CA3", 5000, _ => 600);
        var (needs, _) = QuotaNeeds.From(Plan(file), "us-east-1");
        return await DeploymentGate.CheckAsync(needs, fixture.Account, fixture.Account, fixture.Time.GetUtcNow(), 0.2, CancellationToken.None);
    }

    [Fact]
    public async Task Sufficient_OneSmallInstance_IsEnough()
    {
        var report = await CheckAsync("one-t3-micro.json", standardQuota: 256, standardUsage: 100);

        var line = report.Lines.Single(l => l.Need.Quota.QuotaCode == "L-1216C47A");
        Assert.True(report.Enough);
        Assert.Equal((100.0, 2.0, 103.0), (line.CurrentUsage!.Value, line.Need.Added, line.Needed)); // 100 + 2 × 1.2 = 102.4: 103 whole vCPUs
    }

    [Fact]
    public async Task Shortfall_FourLargeInstances_NeedMoreThanTheQuota()
    {
        var report = await CheckAsync("four-m5-4xlarge.json", standardQuota: 256, standardUsage: 200);

        var line = Assert.Single(report.Shortfalls);
        Assert.False(report.Enough);
        Assert.Equal((64.0, 277.0, 21.0), (line.Need.Added, line.Needed, line.Shortfall)); // 200 + 64 × 1.2 = 276.8: 277 whole vCPUs > 256
    }

    [Theory]
    [InlineData(4, 1, 0.2, 5, 6.0, 1.0)]     // one VPC with 20 %: 5.2 whole VPCs is 6, short by 1 (not "5.2, short by 0.2")
    [InlineData(4, 50, 0.1, 59, 59.0, 0.0)]  // 4 + 50 × 1.1 is 59.00000000000001 in floating point: 59, enough (not 60)
    public void CountQuota_NeedsWholeUnits(double usage, double added, double buffer, double quotaValue, double needed, double shortfall)
    {
        var key = new QuotaKey("vpc", "L-F678F1CE", "us-east-1");
        var need = new QuotaNeed(key, "VPCs per Region", added, ["aws_vpc.main (+1)"]);

        var line = GateLine.Evaluate(need, new QuotaInfo(key, "VPCs per Region", quotaValue, true, "None"), usage, buffer);

        Assert.Equal((needed, shortfall, shortfall == 0), (line.Needed, line.Shortfall, line.Enough));
    }

    [Fact]
    public void NonCountQuota_KeepsItsFraction_RoundedToCents()
    {
        var key = new QuotaKey("ebs", "L-D18FCD1D", "us-east-1");
        var need = new QuotaNeed(key, "Storage for General Purpose SSD (gp2) volumes, in TiB", 0.1, ["aws_ebs_volume.data (+0.1)"]);

        var line = GateLine.Evaluate(need, new QuotaInfo(key, "gp2 storage", 23.7, true, "Tebibytes"), 23.68, 0.2);

        Assert.Equal((23.8, 0.1), (line.Needed, line.Shortfall)); // 23.68 + 0.12 = 23.800000000000001; short by 0.1, not 0.10000000000000142
    }

    [Fact]
    public void UsageItCannotRead_IsNotEnough_AndUnreadable()
    {
        // Before: usage without a metric counted as 0, so a full quota could pass the gate.
        var key = new QuotaKey("ec2", "L-0263D0A3", "us-east-1");
        var need = new QuotaNeed(key, "EC2-VPC Elastic IPs", 1, ["aws_eip.nat (+1)"]);

        var line = GateLine.Evaluate(need, new QuotaInfo(key, "EC2-VPC Elastic IPs", 5, true, "None"), null, 0.2);

        Assert.Equal((false, false, "current usage unknown (no usage metric)"), (line.Enough, line.Readable, line.Note));
    }

    [Fact]
    public async Task QuotaMissingFromTheAccount_IsUnreadable_NotAShortfall()
    {
        var report = await CheckAsync("every-mapped-type.json", standardQuota: 10_000, standardUsage: 0);

        var nat = report.Lines.Single(l => l.Need.Quota.QuotaCode == "L-FE5A380F");
        Assert.Equal((false, false, "quota not found in this account and Region"), (nat.Enough, nat.Readable, nat.Note));
        Assert.DoesNotContain(nat, report.Shortfalls); // nothing to file for: the gate cannot tell
        Assert.Contains(nat, report.Unreadable);
    }

    [Fact]
    public void InfraConfig_ASectionTheGateDoesNotRead_FailsClosed()
    {
        // Before: ec2.instances and ecs were ignored, and the file passed as adding nothing.
        var config = System.Text.Json.JsonSerializer.SerializeToElement(new Dictionary<string, object>
        {
            ["ec2"] = new { auto_scaling_groups = Array.Empty<object>(), instances = new object[] { new { instance_type = "m5.large" } } },
            ["ecs"] = new { services = new object[] { new { name = "api" } } },
        });

        var parsed = InfraConfig.Parse(config, "infra.yaml");

        Assert.Equal("infra.yaml: 'ec2.instances' is not a list the gate reads (ec2.auto_scaling_groups); infra.yaml: 'ecs' is not a section the gate reads (region, ec2, lambda, rds)", parsed.Error);
    }

    [Fact]
    public void InfraConfig_CountsVCpusNotInstances_AndNamesEveryBadField()
    {
        var config = System.Text.Json.JsonSerializer.SerializeToElement(new Dictionary<string, object>
        {
            ["region"] = "eu-west-1",
            ["ec2"] = new { auto_scaling_groups = new object[] { new { name = "web", instance_type = "m5.2xlarge", max_size = 10 }, new { name = "bad", desired_capacity = 3 } } },
            ["lambda"] = new { functions = new object[] { new { name = "api", reserved_concurrency = 100 } } },
            ["rds"] = new { instances = new object[] { new { identifier = "orders" } } },
        });

        var parsed = InfraConfig.Parse(config, "infra.yaml");

        Assert.Equal("infra.yaml: ec2.auto_scaling_groups[1] (bad): instance_type is required (e.g. m5.large): vCPU quotas count vCPUs, not instances", parsed.Error);
        var good = System.Text.Json.JsonSerializer.SerializeToElement(new Dictionary<string, object>
        {
            ["ec2"] = new { auto_scaling_groups = new object[] { new { name = "web", instance_type = "m5.2xlarge", max_size = 10 } } },
            ["lambda"] = new { functions = new object[] { new { name = "api", reserved_concurrency = 100 } } },
        });
        var (needs, problems) = QuotaNeeds.From(InfraConfig.Parse(good, "infra.yaml").Value, "us-east-1");
        Assert.Empty(problems);
        Assert.Equal([("L-1216C47A", 80.0), ("L-B99A9384", 100.0), ("L-DF5E4CA3", 10.0)], needs.Select(n => (n.Quota.QuotaCode, n.Added)).OrderBy(x => x.QuotaCode));
    }

    [Fact]
    public async Task Request_FilesTheShortfallThroughTheEngine_WithAnImplicitRule_AndItsInvariants()
    {
        var fixture = new EngineFixture();
        var ec2 = fixture.Account.Add("ec2", "L-1216C47A", 256, _ => 200);
        var (needs, _) = QuotaNeeds.From(Plan("four-m5-4xlarge.json"), "us-east-1");
        var report = await DeploymentGate.CheckAsync(needs, fixture.Account, fixture.Account, fixture.Time.GetUtcNow(), 0.2, CancellationToken.None);
        var ports = new EnginePorts(new GateRules(fixture.Stores, [ec2.Key]), fixture.Account, fixture.Account, fixture.Stores, fixture.Account,
            fixture.Stores, fixture.Stores, fixture.Stores, fixture.Stores, fixture.Stores, fixture.Stores);
        var engine = new AutomationEngine(ports, new TrendForecaster(), fixture.Time, fixture.Options);

        var first = await engine.RunCycleAsync(DeploymentGate.Expectations(report), CancellationToken.None);
        var second = await engine.RunCycleAsync(DeploymentGate.Expectations(report), CancellationToken.None);

        var filed = Assert.Single(fixture.Account.Requests);
        Assert.Equal(ec2.Key, filed.Quota);
        Assert.Equal(512, filed.DesiredValue); // 276.8 of 256 = 108 %: an emergency, × 2 (and 276.8 / 0.7 = 396 is within it)
        Assert.Equal("gate-ec2-L-1216C47A-us-east-1", first.Rules.Single().Decision.RuleId);
        Assert.Contains("a deployment adds 64 (+20% buffer): aws_instance.big[0] (+16)", first.Rules.Single().Decision.Reason, StringComparison.Ordinal);
        Assert.Equal("held", second.Rules.Single().Decision.Kind); // never a second request while one is pending
        Assert.Empty(fixture.Account.Violations);
    }

    [Fact]
    public async Task Request_WhatTheDeploymentAdds_StacksOnTheOrganicForecast()
    {
        var fixture = new EngineFixture();
        var ec2 = fixture.Account.Add("ec2", "L-1216C47A", 150, t => 100 + (t - EngineFixture.Start).TotalHours); // growing: the forecast is above today's usage; 100 + 64 × 1.2 is short of 150
        fixture.Stores.Rules.Add(new Core.Rules.RawRule("test", new Dictionary<string, object?> { ["rule_id"] = "ec2", ["service_code"] = "ec2", ["quota_code"] = "L-1216C47A", ["region"] = "us-east-1", ["automation_level"] = "monitor_only" }));
        for (var i = 0; i < 24; i++) await fixture.CycleAsync();
        var organic = (await fixture.Engine.RunCycleAsync(CancellationToken.None)).Rules.Single().Forecast!.Peak;
        var report = new GateReport([GateLine.Evaluate(new QuotaNeed(ec2.Key, "vCPUs", 64, ["aws_instance.big"]), ec2, 100, 0.2)], 0.2);

        var expected = (await fixture.Engine.RunCycleAsync(DeploymentGate.Expectations(report), CancellationToken.None)).Rules.Single().Forecast!;

        Assert.True(organic > 102, $"organic forecast {organic}");
        Assert.Equal(organic + 64 * 1.2, expected.Peak, 6);
        Assert.Equal("event", expected.Forecaster);
    }
}
