using QuotaAutomation.Aws.Tests.Fakes;
using QuotaAutomation.Core.Approvals;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Aws.Tests;

/// <summary>
/// <c>approve</c>/<c>deny --backend aws</c> on an approval no workflow waits on (made by <c>run --backend aws</c> or
/// <c>check --request</c>): decided in the state table as the caller STS names (moto answers GetCallerIdentity with
/// its own user), checked against the rule's approvers; the typed name is kept only as a claim.
/// </summary>
[Collection(MotoGroup.Name)]
[Trait("Category", "Integration")]
public sealed class CliApprovalOnMotoTests(MotoServer moto)
{
    private static Task<(int Exit, string Output)> CliAsync(params string[] args) => Testing.CliRunner.RunAsync(args, TimeProvider.System);

    /// <summary><c>approve ID [ARGS]</c> against moto as the AWS backend.</summary>
    private Task<(int Exit, string Output)> ApproveOnAwsAsync(string id, params string[] args) =>
        CliAsync(["--backend", "aws", "--endpoint-url", moto.Endpoint.ToString(), "--region", "us-east-1", "approve", id, .. args]);

    private async Task<(AwsWorld World, AwsBackend Backend, string Caller, string Id)> ApprovalAsync(string approversPattern)
    {
        var world = await AwsWorld.CreateAsync(moto);
        var backend = world.Backend();
        var caller = await backend.Sts.GetCallerArnAsync(CancellationToken.None);
        await backend.Rules.PutAsync(new Dictionary<string, object?>
        {
            ["rule_id"] = "ec2-vcpu", ["service_code"] = "ec2", ["quota_code"] = "L-1216C47A", ["region"] = "us-east-1", ["automation_level"] = "auto_request",
            ["approvers"] = approversPattern.Replace("CALLER", caller, StringComparison.Ordinal),
        }, CancellationToken.None);
        var id = ApprovalIds.Seeded(new Random(5))();
        await backend.State.TryStartAsync(new ApprovalRequest(id, "ec2-vcpu", new QuotaKey("ec2", "L-1216C47A", "us-east-1"), 256, 384, 9216, "usage 230 of 256",
            Severity.Critical, 89.8, ApprovalStatus.Waiting, AwsWorld.Now), CancellationToken.None);
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "testing");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "testing");
        return (world, backend, caller, id);
    }

    [Fact]
    public async Task Approve_WithoutAWorkflow_IsDecidedAsTheStsCaller()
    {
        var (world, backend, caller, id) = await ApprovalAsync("CALLER");
        using var _ = world;
        using var __ = backend;

        var (exit, output) = await ApproveOnAwsAsync(id, "--by", "alice", "--comment", "launch");

        var stored = await backend.State.FindApprovalAsync(id, CancellationToken.None);
        Assert.Equal(0, exit);
        Assert.Contains($"approved {id} as alice (typed by {caller})", output, StringComparison.Ordinal);
        Assert.Equal((ApprovalStatus.Approved, $"alice (typed by {caller})", "launch"), (stored!.Status, stored.DecidedBy, stored.Comment));
    }

    [Fact]
    public async Task Approve_OfAnApprovalNeedingTwoPeople_RecordsTheCaller_StoresItInDynamo_AndRefusesTheSameCallerTwice()
    {
        var (world, backend, caller, id) = await ApprovalAsync("CALLER");
        using var _ = world;
        using var __ = backend;
        var waiting = await backend.State.FindApprovalAsync(id, CancellationToken.None);
        await backend.State.UpdateAsync(waiting! with { RequiredApprovers = 2 }, CancellationToken.None);

        var (first, recorded) = await ApproveOnAwsAsync(id);
        var (again, refused) = await ApproveOnAwsAsync(id, "--by", "bob");

        var stored = await backend.State.FindApprovalAsync(id, CancellationToken.None);
        Assert.Equal((0, 1), (first, again)); // ExitCodes.Ok, ExitCodes.Invalid
        Assert.Contains("(1 of 2): waiting for 1 more approver;", recorded, StringComparison.Ordinal);
        Assert.Contains("another person must approve", refused.ReplaceLineEndings(" "), StringComparison.Ordinal);
        Assert.Equal((ApprovalStatus.Waiting, 2), (stored!.Status, stored.RequiredApprovers));
        Assert.Equal([caller], stored.Approvers);
        // Both within one second of the real clock: the trail orders records by their second, so they are compared as a set.
        Assert.Equal(["approval_partial", "approval_refused"], (await backend.Audit.ForRuleAsync("ec2-vcpu", CancellationToken.None)).Select(r => r.Action).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Approve_OfAnApprovalNeedingOneFromEachGroup_FillsTheCallersGroup_AndKeepsTheGroupsInDynamo()
    {
        var (world, backend, caller, id) = await ApprovalAsync("CALLER");
        using var _ = world;
        using var __ = backend;
        var waiting = await backend.State.FindApprovalAsync(id, CancellationToken.None);
        ApproverGroup[] groups = [new("finance", ["arn:aws:iam::123456789012:user/finance-*"]), new("platform", [caller])];
        await backend.State.UpdateAsync(waiting! with { RequiredApprovers = 2, ApproverGroups = groups }, CancellationToken.None);

        var (exit, recorded) = await ApproveOnAwsAsync(id);

        var stored = await backend.State.FindApprovalAsync(id, CancellationToken.None);
        Assert.Equal(0, exit);
        Assert.Contains("waiting for 1 more approver (from finance)", recorded.ReplaceLineEndings(" "), StringComparison.Ordinal);
        Assert.Equal(ApprovalStatus.Waiting, stored!.Status);
        Assert.Equal([caller], stored.Approvers);
        Assert.Equal(groups.Select(g => (g.Name, string.Join(",", g.Patterns))), stored.ApproverGroups.Select(g => (g.Name, string.Join(",", g.Patterns))));
    }

    [Fact]
    public async Task Approve_CallerNotAnApprover_IsRefused_AuditedWithTheCaller_AndChangesNothing()
    {
        var (world, backend, caller, id) = await ApprovalAsync("arn:aws:sts::123456789012:assumed-role/QuotaApprovers/*");
        using var _ = world;
        using var __ = backend;

        var (exit, output) = await ApproveOnAwsAsync(id);

        Assert.Equal(1, exit);
        Assert.Contains($"refused: approval {id}: {caller} is not an approver (rule 'ec2-vcpu' approvers)", output, StringComparison.Ordinal);
        Assert.Equal(ApprovalStatus.Waiting, (await backend.State.FindApprovalAsync(id, CancellationToken.None))!.Status);
        Assert.Contains(await backend.Audit.ForRuleAsync("ec2-vcpu", CancellationToken.None),
            r => r.Action == "approval_refused" && r.Message == $"{caller} refused: approval {id}: {caller} is not an approver (rule 'ec2-vcpu' approvers)");
    }
}
