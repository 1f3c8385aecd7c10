using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Governance;

namespace QuotaAutomation.Aws.Tests;

/// <summary>
/// The policies table (issue 17) on moto's DynamoDB: `init` creates it, a cycle reads it and runs under its policies,
/// and an item someone broke in the console fails the cycle closed, audited in the DynamoDB audit table. Service
/// Quotas is faked at the HTTP transport (<see cref="FakeServiceQuotas"/>: moto serves only GetServiceQuota).
/// </summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class PolicyTableOnMotoTests(MotoServer moto)
{
    private static async Task<AwsWorld> WorldAsync(MotoServer moto, params Dictionary<string, object?>[] policies)
    {
        var world = await AwsWorld.CreateAsync(moto);
        world.Quotas.AddQuota("us-east-1", "ec2", "L-1216C47A", 256, AwsWorld.Ec2Metric);
        await world.PutUsageAsync(AwsWorld.Ec2Metric, 230, TimeSpan.FromHours(2));
        using var backend = world.Backend();
        await backend.Rules.PutAsync(new Dictionary<string, object?>
        {
            ["rule_id"] = "ec2-vcpu", ["service_code"] = "ec2", ["quota_code"] = "L-1216C47A", ["region"] = "us-east-1", ["automation_level"] = "full_auto",
        }, CancellationToken.None);
        foreach (var policy in policies) await backend.Policies.PutAsync(policy, CancellationToken.None);
        return world;
    }

    [Fact]
    public async Task ACapInTheTable_LowersTheFiledValue_AndTheAuditNamesThePolicy()
    {
        using var world = await WorldAsync(moto, new Dictionary<string, object?> { ["policy_id"] = "ec2-cap", ["service_code"] = "ec2", ["max_value"] = "300", ["owner"] = "platform" });
        using var backend = world.Backend();

        var report = await world.Engine(backend).RunCycleAsync(CancellationToken.None);

        Assert.Equal(300.0, (double)Assert.Single(world.Quotas.Requests)["DesiredValue"]!); // 384 without the policy
        var decision = (await backend.Audit.ForRuleAsync("ec2-vcpu", CancellationToken.None)).First(r => r.Kind == AuditKind.Decision);
        Assert.Contains("policy 'ec2-cap': caps ec2/L-1216C47A@us-east-1 at 300", decision.Message, StringComparison.Ordinal);
        Assert.Equal("request_increase", report.Rules.Single().Decision.Kind);
    }

    [Fact]
    public async Task ApproverGroupsInTheTable_AMap_AreKeptOnTheApprovalTheCycleAsks()
    {
        using var world = await WorldAsync(moto, new Dictionary<string, object?>
        {
            ["policy_id"] = "two-groups", ["approval_required"] = true,
            ["approver_groups"] = new Dictionary<string, object?>
            {
                ["security"] = "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Security_*/*",
                ["finance"] = new List<object?> { "arn:aws:iam::123456789012:user/finance-*" },
            },
        });
        using var backend = world.Backend();

        await world.Engine(backend).RunCycleAsync(CancellationToken.None);

        Assert.Empty(world.Quotas.Requests); // a person approves first
        var approval = Assert.Single(await backend.State.ListActiveAsync(CancellationToken.None));
        Assert.Equal(2, approval.RequiredApprovers);
        Assert.Equal(["security", "finance"], approval.ApproverGroups.Select(g => g.Name));
        Assert.Equal(["arn:aws:iam::123456789012:user/finance-*"], approval.ApproverGroups[1].Patterns);
    }

    [Fact]
    public async Task ABrokenItem_FilesNothing_AndIsAuditedInDynamo()
    {
        using var world = await WorldAsync(moto,
            new Dictionary<string, object?> { ["policy_id"] = "ec2-cap", ["service_code"] = "ec2", ["max_value"] = "300" },
            new Dictionary<string, object?> { ["policy_id"] = "frozen", ["never_raise"] = "maybe" });
        using var backend = world.Backend();

        var report = await world.Engine(backend).RunCycleAsync(CancellationToken.None);

        Assert.Empty(world.Quotas.Requests);
        Assert.Contains($"policy '{QuotaPolicy.InvalidId}': never raises", report.Rules.Single().Decision.Reason, StringComparison.Ordinal);
        var rejected = Assert.Single(await backend.Audit.QueryAsync(new AuditFilter(Kind: AuditKind.PolicyRejected), CancellationToken.None) ?? []);
        Assert.StartsWith("policy 'frozen': never_raise", rejected.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PolicyImport_OnAws_WritesTheTable_AndAuditsTheStsCaller()
    {
        using var world = await WorldAsync(moto);
        using var backend = world.Backend();
        var caller = await backend.Sts.GetCallerArnAsync(CancellationToken.None);
        var file = Path.Combine(Path.GetTempPath(), $"policies-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, "- {policy_id: ec2-cap, service_code: ec2, max_value: 300}\n");
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "testing");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "testing");
        try
        {
            var (exit, _) = await Testing.CliRunner.RunAsync(["--backend", "aws", "--endpoint-url", moto.Endpoint.ToString(), "--region", "us-east-1", "policy", "import", file], TimeProvider.System);

            Assert.Equal(0, exit);
            Assert.Equal("300", (await backend.Policies.LoadByIdAsync(CancellationToken.None))["ec2-cap"]["max_value"]?.ToString());
            var change = Assert.Single(await backend.Audit.ForRuleAsync("policy:ec2-cap", CancellationToken.None));
            Assert.Equal((AuditKind.PolicyChange, $"policy 'ec2-cap' imported by {caller} (new)"), (change.Kind, change.Message));
            Assert.Equal(caller, change.Details!["by"]);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
