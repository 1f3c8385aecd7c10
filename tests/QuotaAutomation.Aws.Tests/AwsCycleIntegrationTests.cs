using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Engine;

namespace QuotaAutomation.Aws.Tests;

/// <summary>
/// Whole cycles of the real engine on the AWS backend: DynamoDB, CloudWatch and SNS on our own moto_server; Service
/// Quotas through <see cref="FakeServiceQuotas"/> at the HTTP transport (moto 5.2.1 serves only GetServiceQuota and
/// ListAWSDefaultServiceQuotas, for vpc), speaking the botocore wire shapes checked in <see cref="WireFormatTests"/>.
/// </summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class AwsCycleIntegrationTests(MotoServer moto)
{
    private static async Task<AwsWorld> WorldWithRulesAsync(MotoServer moto)
    {
        var world = await AwsWorld.CreateAsync(moto);
        world.Quotas.AddQuota("us-east-1", "ec2", "L-1216C47A", 256, AwsWorld.Ec2Metric);
        world.Quotas.AddQuota("us-east-1", "vpc", "L-F678F1CE", 5, AwsWorld.VpcMetric);
        world.Quotas.AddQuota("us-east-1", "ec2", "L-0263D0A3", 5); // Elastic IPs: no usage metric
        await world.PutUsageAsync(AwsWorld.Ec2Metric, 230, TimeSpan.FromHours(2));
        await world.PutUsageAsync(AwsWorld.VpcMetric, 4, TimeSpan.FromHours(2));
        using var backend = world.Backend();
        await backend.Rules.PutAsync(Rule("ec2-vcpu", "ec2", "L-1216C47A", "full_auto"), CancellationToken.None);
        await backend.Rules.PutAsync(Rule("vpcs", "vpc", "L-F678F1CE", "alert_only"), CancellationToken.None);
        await backend.Rules.PutAsync(Rule("eips", "ec2", "L-0263D0A3", "full_auto"), CancellationToken.None);
        await backend.Rules.PutAsync(new Dictionary<string, object?>(Rule("broken", "ec2", "L-1216C47A", "full_auto")) { ["threshold_critical"] = "120" }, CancellationToken.None);
        return world;
    }

    private static Dictionary<string, object?> Rule(string id, string service, string quota, string level) => new()
    {
        ["rule_id"] = id, ["service_code"] = service, ["quota_code"] = quota, ["region"] = "us-east-1", ["automation_level"] = level,
    };

    [Fact]
    public async Task Cycle_OnMoto_ReadsBatchedFilesAlertsAndAuditsInDynamo()
    {
        using var world = await WorldWithRulesAsync(moto);
        using var backend = world.Backend();

        var report = await world.Engine(backend).RunCycleAsync(CancellationToken.None);

        // Elastic IPs have no usage metric: EC2 DescribeAddresses counts them (none on moto), where they once had no usage source.
        Assert.Equal([("broken", "error"), ("ec2-vcpu", "request_increase"), ("eips", "none"), ("vpcs", "alert_warning")],
            report.Rules.Select(r => (r.Decision.RuleId, r.Decision.Kind)));
        Assert.DoesNotContain("no usage source", report.Rules[2].Decision.Reason, StringComparison.Ordinal);
        var filed = Assert.Single(world.Quotas.Requests);
        Assert.Equal(("ec2", "L-1216C47A", 384.0), ((string?)filed["ServiceCode"], (string?)filed["QuotaCode"], (double)filed["DesiredValue"]!));
        Assert.Equal((2, 1), (world.Quotas.Calls("ListServiceQuotas"), world.Quotas.Calls("GetServiceQuota"))); // one listing each for ec2 and vpc, none per rule; one re-read before the filing
        Assert.All(report.Actions, a => Assert.Equal(ActionOutcome.Done, a.Outcome));
        Assert.StartsWith("message ", report.Actions.Single(a => a.Action == "notify").Detail, StringComparison.Ordinal); // SNS Publish on moto
        var trail = await backend.Audit.ForRuleAsync("ec2-vcpu", CancellationToken.None);
        Assert.Equal([AuditKind.Decision, AuditKind.Intent, AuditKind.Outcome], trail.Select(r => r.Kind));
        Assert.Equal("done: filed request req-0001 (PENDING) for 384", trail[2].Message);
        Assert.Equal("rule 'broken': threshold_critical 120 must be ≤ 100", Assert.Single(await backend.Audit.ForRuleAsync("broken", CancellationToken.None)).Message);
    }

    [Fact]
    public async Task DeploymentGate_OnAws_ReadsQuotaAndUsage_AndRequestFilesTheShortfall()
    {
        using var world = await WorldWithRulesAsync(moto);
        using var backend = world.Backend();
        var plan = System.Text.Json.JsonSerializer.Serialize(new
        {
            format_version = "1.2",
            resource_changes = new[]
            {
                new { address = "aws_instance.big", mode = "managed", type = "aws_instance", change = new { actions = new[] { "create" }, before = (object?)null, after = new { instance_type = "m5.24xlarge" } } },
            },
        });
        var (needs, _) = Core.Gate.QuotaNeeds.From(Core.Gate.TerraformPlan.Parse(plan).Value, "us-east-1");

        var report = await Core.Gate.DeploymentGate.CheckAsync(needs, backend.Ports.Quotas, backend.Ports.Usage, world.Time.GetUtcNow(), 0.2, CancellationToken.None);
        var cycle = await world.Engine(backend).RunCycleAsync(Core.Gate.DeploymentGate.Expectations(report), CancellationToken.None);

        Assert.Equal(["ec2/L-1216C47A@us-east-1", "vpc/L-DF5E4CA3@us-east-1"], report.Lines.Select(l => l.Need.Quota.ToString()));
        var line = report.Lines[0];
        Assert.Equal((256.0, 230.0, 346.0, false), (line.QuotaValue!.Value, line.CurrentUsage!.Value, line.Needed, line.Enough)); // CloudWatch on moto: 230; +96 × 1.2 = 345.2: 346 whole vCPUs
        // The instance's network interface (docs/gate.md): moto's Service Quotas lists no such quota, so the gate cannot decide it and fails closed.
        Assert.Equal((false, false, "quota not found in this account and Region"), (report.Lines[1].Readable, report.Lines[1].Enough, report.Lines[1].Note));
        Assert.Equal("request_increase", cycle.Rules.Single(r => r.Decision.RuleId == "ec2-vcpu").Decision.Kind);
        var filed = Assert.Single(world.Quotas.Requests);
        Assert.Equal(512.0, (double)filed["DesiredValue"]!); // 135 %: an emergency, × 2
    }

    [Fact]
    public async Task AuditCommand_OnAws_ReadsARulesTrailFromDynamo_AndNeedsTheRule()
    {
        using var world = await WorldWithRulesAsync(moto);
        using (var backend = world.Backend()) await world.Engine(backend).RunCycleAsync(CancellationToken.None);
        // The CLI resolves credentials as it would on a workstation; moto accepts any.
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "testing");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "testing");
        string[] aws = ["--backend", "aws", "--endpoint-url", moto.Endpoint.ToString(), "--region", "us-east-1"];

        var (exit, output) = await CliAsync([.. aws, "audit", "--rule", "ec2-vcpu"]);
        var (noRule, message) = await CliAsync([.. aws, "audit"]);
        var (changesExit, changes, _) = await Testing.CliRunner.RunSplitAsync([.. aws, "audit", "--changes", "--since", "2026-11-24T11:00Z", "--until", "2026-11-24T13:00Z", "--output", "json"], TimeProvider.System);
        var (_, future, _) = await Testing.CliRunner.RunSplitAsync([.. aws, "audit", "--rule", "ec2-vcpu", "--since", "2099-01-01T00:00Z", "--output", "json"], TimeProvider.System);

        Assert.Equal(0, exit);
        Assert.Contains("Intent", output, StringComparison.Ordinal);
        Assert.Contains("done: filed request req-0001 (PENDING) for 384", output, StringComparison.Ordinal);
        Assert.Equal(2, noRule);
        Assert.Contains("audit --backend aws needs --rule, --kind or --changes: the audit table is read through its rule_id and kind indexes, not scanned", message, StringComparison.Ordinal);
        // Through the kind index: every intent and outcome of the cycle (alerts and the filing), no decisions.
        var records = System.Text.Json.JsonDocument.Parse(changes).RootElement.GetProperty("records").EnumerateArray().ToList();
        Assert.Equal(0, changesExit);
        Assert.Equal(new HashSet<string?> { "Intent", "Outcome" }, records.Select(r => r.GetProperty("kind").GetString()).ToHashSet());
        Assert.Contains(records, r => r.GetProperty("message").GetString() == "done: filed request req-0001 (PENDING) for 384");
        Assert.Equal(0, System.Text.Json.JsonDocument.Parse(future).RootElement.GetProperty("records").GetArrayLength());
    }

    [Fact]
    public async Task StatusCommand_OnAws_ShowsTheQuotaFromMotoAndTheUsageHistoryInDynamo()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        // The cycle's Service Quotas is the fake (it knows the usage metric); the CLI talks to moto directly, whose
        // GetServiceQuota serves the vpc quota's value.
        world.Quotas.AddQuota("us-east-1", "vpc", "L-F678F1CE", 5, AwsWorld.VpcMetric);
        await world.PutUsageAsync(AwsWorld.VpcMetric, 4, TimeSpan.FromHours(1));
        using (var backend = world.Backend())
        {
            await backend.Rules.PutAsync(Rule("vpcs", "vpc", "L-F678F1CE", "alert_only"), CancellationToken.None);
            await world.Engine(backend).RunCycleAsync(CancellationToken.None); // appends the usage history
        }
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "testing");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "testing");

        var (exit, output) = await CliAsync(["--backend", "aws", "--endpoint-url", moto.Endpoint.ToString(), "--region", "us-east-1", "status"]);

        Assert.Equal(0, exit);
        Assert.Matches(@"│ vpcs │ vpc/L-F678F1CE@us-east-1 │ VPCs per Region │ 5 +│ 4 ", output);
    }

    private static Task<(int Exit, string Output)> CliAsync(string[] args) => Testing.CliRunner.RunAsync(args, TimeProvider.System);

    [Fact]
    public async Task Cycle_ReadsTheVpcQuotaFromMotosGetServiceQuota()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        world.Quotas.PassThrough = op => op == "GetServiceQuota"; // moto serves it for vpc (default 5); the fake answers the listing with NoSuchResource
        await world.PutUsageAsync(AwsWorld.VpcMetric, 4, TimeSpan.FromHours(1));
        using var backend = world.Backend();
        await backend.Rules.PutAsync(Rule("vpcs", "vpc", "L-F678F1CE", "alert_only"), CancellationToken.None);

        var report = await world.Engine(backend).RunCycleAsync(CancellationToken.None);

        var rule = Assert.Single(report.Rules);
        Assert.Equal(("VPCs per Region", 5.0), (rule.Quota!.QuotaName, rule.Quota.Value));
        Assert.Equal(1, world.Quotas.Forwarded["ServiceQuotasV20190624.GetServiceQuota"]);
    }

    [Fact]
    public async Task SecondCycle_HoldsThePendingQuota_AndFollowsTheRequestToApproval()
    {
        using var world = await WorldWithRulesAsync(moto);
        using var backend = world.Backend();
        var engine = world.Engine(backend);
        await engine.RunCycleAsync(CancellationToken.None);
        world.Time.Advance(TimeSpan.FromMinutes(5));

        var second = await engine.RunCycleAsync(CancellationToken.None);
        world.Quotas.Decide("req-0001", "APPROVED");
        world.Time.Advance(TimeSpan.FromMinutes(5));
        var third = await engine.RunCycleAsync(CancellationToken.None);

        Assert.Equal("held", second.Rules.Single(r => r.Decision.RuleId == "ec2-vcpu").Decision.Kind);
        Assert.Equal(1, world.Quotas.Calls("RequestServiceQuotaIncrease"));
        Assert.Equal(["request req-0001 for ec2/L-1216C47A@us-east-1 (384): PENDING → APPROVED"], third.StatusChanges);
        Assert.Empty(await backend.State.ListOpenAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ConcurrentCycles_OnOneDynamoTable_FileExactlyOneRequestPerQuota()
    {
        using var world = await WorldWithRulesAsync(moto);
        var backends = Enumerable.Range(0, 4).Select(_ => world.Backend()).ToList();

        var reports = await Task.WhenAll(backends.Select(b => Task.Run(() => world.Engine(b).RunCycleAsync(CancellationToken.None))));

        Assert.Equal(1, world.Quotas.Calls("RequestServiceQuotaIncrease"));
        Assert.Equal(1, reports.SelectMany(r => r.Actions).Count(a => a.Action == "request_increase" && a.Outcome == ActionOutcome.Done));
        Assert.Equal(3, reports.SelectMany(r => r.Actions).Count(a => a.Action == "request_increase" && a.Outcome == ActionOutcome.Skipped));
        backends.ForEach(b => b.Dispose());
    }

    [Fact]
    public async Task ThrottledIncrease_IsRetriedThenAudited_AndTheOtherRulesAct()
    {
        using var world = await WorldWithRulesAsync(moto);
        world.Quotas.Fault = op => op == "RequestServiceQuotaIncrease" ? FakeServiceQuotas.Error("TooManyRequestsException", "Rate exceeded") : null;
        using var backend = world.Backend();

        var report = await world.Engine(backend).RunCycleAsync(CancellationToken.None);

        Assert.Equal(3, world.Quotas.Calls("RequestServiceQuotaIncrease")); // first try + 2 retries (the test's MaxRetries)
        var failed = report.Actions.Single(a => a.Action == "request_increase");
        Assert.Equal((ActionOutcome.Failed, "TooManyRequestsException: RequestServiceQuotaIncrease for ec2/L-1216C47A@us-east-1: Rate exceeded"), (failed.Outcome, failed.Detail));
        Assert.Equal(ActionOutcome.Done, report.Actions.Single(a => a.Action == "notify").Outcome);
        Assert.Empty(await backend.State.ListOpenAsync(CancellationToken.None)); // AWS refused: the reservation is released
    }

    [Fact]
    public async Task UsageSourceDown_CycleDecidesOnDynamoHistoryAndAuditsIt()
    {
        using var world = await WorldWithRulesAsync(moto);
        using var backend = world.Backend();
        var engine = world.Engine(backend);
        await engine.RunCycleAsync(CancellationToken.None);
        world.Time.Advance(TimeSpan.FromMinutes(5));
        world.Quotas.MetricValue = _ => 0; // route GetMetricData to the fake, then fail it
        world.Quotas.Fault = op => op == "GetMetricData" ? FakeServiceQuotas.Error("InternalServiceError", "boom", System.Net.HttpStatusCode.InternalServerError) : null;

        var report = await engine.RunCycleAsync(CancellationToken.None);

        Assert.Equal("alert_warning", report.Rules.Single(r => r.Decision.RuleId == "vpcs").Decision.Kind);
        Assert.Contains(await backend.Audit.ForRuleAsync("-", CancellationToken.None), r => r.Kind == AuditKind.Error && r.Message.StartsWith("could not read usage, deciding on stored history: GetMetricData: InternalServiceError", StringComparison.Ordinal));
    }
}

/// <summary>DynamoDB and other calls of a steady-state cycle (the second), counted at the transport: docs/benchmarks.md.</summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class AwsCycleCallCountTests(MotoServer moto)
{
    [Fact]
    public async Task SteadyStateCycle_CallsPerOperation()
    {
        using var world = await AwsWorld.CreateAsync(moto);
        world.Quotas.AddQuota("us-east-1", "vpc", "L-F678F1CE", 10, AwsWorld.VpcMetric);
        await world.PutUsageAsync(AwsWorld.VpcMetric, 4, TimeSpan.FromHours(2));
        using var backend = world.Backend();
        await backend.Rules.PutAsync(new Dictionary<string, object?>
        {
            ["rule_id"] = "vpcs", ["service_code"] = "vpc", ["quota_code"] = "L-F678F1CE", ["region"] = "us-east-1", ["automation_level"] = "full_auto",
        }, CancellationToken.None);
        var engine = world.Engine(backend);
        await engine.RunCycleAsync(CancellationToken.None);
        world.Time.Advance(TimeSpan.FromMinutes(5));
        world.Quotas.Forwarded.Clear();
        world.Quotas.Seen.Clear();

        var report = await engine.RunCycleAsync(CancellationToken.None);

        Assert.Equal("none", Assert.Single(report.Rules).Decision.Kind); // 40 %: a quiet rule, the common case
        var calls = world.Quotas.Forwarded.Concat(world.Quotas.Seen.GroupBy(s => s.Target).Select(g => KeyValuePair.Create(g.Key, g.Count())))
            .OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value}").ToList();
        Assert.Equal([
            "DynamoDB_20120810.BatchWriteItem=1", // the new usage sample and the quota's head (its newest 2 h)
            "DynamoDB_20120810.PutItem=3",       // audit: cycle start, the one decision (a flush of one record needs no transaction), cycle end
            "DynamoDB_20120810.Query=8",         // 7 fixed: open requests, active approvals, active alerts, reconciliation (intents, outcomes, cycles by kind), step plans, no denials (nothing wants an increase); 1 per quota: its history window (no warm cache here)
            "DynamoDB_20120810.Scan=2",          // rules, policies
            "GraniteServiceVersion20100801.GetMetricData=1",
            "ServiceQuotasV20190624.ListServiceQuotas=1"], calls);
    }

    [Fact]
    public async Task SteadyStateCycle_ColdWindows_DynamoDbCalls_AreAQueryPerQuotaPlusBatches()
    {
        // The figure docs/benchmarks.md gives beside the 63 Service Quotas and CloudWatch calls for 1,000 rules.
        using var world = await AwsWorld.CreateAsync(moto);
        var metrics = Enumerable.Range(0, 3).Select(i => AwsWorld.VpcMetric.Replace("\"VPC\",\"Service\"", $"\"VPC{i}\",\"Service\"", StringComparison.Ordinal)).ToList();
        using var backend = world.Backend();
        for (var i = 0; i < 3; i++)
        {
            var code = $"L-0000000{i}";
            world.Quotas.AddQuota("us-east-1", "vpc", code, 10, metrics[i]);
            await world.PutUsageAsync(metrics[i], 4, TimeSpan.FromHours(2));
            await backend.Rules.PutAsync(new Dictionary<string, object?>
            {
                ["rule_id"] = $"vpc-{i}", ["service_code"] = "vpc", ["quota_code"] = code, ["region"] = "us-east-1", ["automation_level"] = "full_auto",
            }, CancellationToken.None);
        }
        var engine = world.Engine(backend);
        await engine.RunCycleAsync(CancellationToken.None);
        world.Time.Advance(TimeSpan.FromMinutes(5));
        world.Quotas.Forwarded.Clear();

        var report = await engine.RunCycleAsync(CancellationToken.None);

        Assert.All(report.Rules, r => Assert.Equal("none", r.Decision.Kind));
        var dynamo = world.Quotas.Forwarded.Where(c => c.Key.StartsWith("DynamoDB_", StringComparison.Ordinal))
            .OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value}").ToList();
        Assert.Equal([
            "DynamoDB_20120810.BatchWriteItem=1", // every quota's new sample and head, 25 items a call
            "DynamoDB_20120810.PutItem=5",       // 2 per cycle: start, end; the 3 decisions, a conditional PutItem each (up to 8: docs/fleet-auditw.md; more: transactions of 100)
            "DynamoDB_20120810.Query=10",        // 1 per quota: its history window (a cold window; DynamoBatchingTests has the warm one); 7 per cycle (the step plans' one) (3 of them reconciliation's; no denials: nothing wants an increase)
            "DynamoDB_20120810.Scan=2"], dynamo); // 2 per cycle: the rules and the policies
    }
}
