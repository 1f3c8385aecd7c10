using System.Text.RegularExpressions;
using QuotaAutomation.Cli;

namespace QuotaAutomation.Local.Tests;

/// <summary>
/// <c>check</c> and <c>wait</c> on the embedded backend, with the plan fixtures of Core.Tests (shaped like
/// <c>terraform show -json</c>): exit codes, the formats a pipeline reads, and request-then-wait to approval.
/// </summary>
public sealed class CheckCommandTests : IAsyncLifetime
{
    private static readonly string Plans = Path.Combine(Testing.Repository.Root, "tests", "QuotaAutomation.Core.Tests", "Gate", "Plans");
    private readonly TempDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    private string Folder => Path.GetDirectoryName(_db.Path)!;

    private Task<(int Exit, string Output)> RunAsync(params string[] args) => _db.RunCliAsync(args);

    [Fact]
    public async Task Check_ASmallChange_IsEnough_ExitZero()
    {
        var (exit, output) = await RunAsync("check", "--plan", Path.Combine(Plans, "one-t3-micro.json"));

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("quotas have room for this change", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_Shortfall_ExitOne_AndTheJsonSaysWhichQuota()
    {
        var (exit, output) = await RunAsync("check", "--plan", Path.Combine(Plans, "every-mapped-type.json"), "--format", "json");

        Assert.Equal(ExitCodes.Invalid, exit);
        var report = System.Text.Json.JsonDocument.Parse(output[output.IndexOf('{', StringComparison.Ordinal)..]).RootElement;
        Assert.False(report.GetProperty("enough").GetBoolean());
        var vpc = report.GetProperty("quotas").EnumerateArray().Single(q => q.GetProperty("quota_code").GetString() == "L-F678F1CE");
        Assert.Equal((4.0, 1.0, 6.0, 1.0, false), (vpc.GetProperty("current_usage").GetDouble(), vpc.GetProperty("added").GetDouble(),
            vpc.GetProperty("needed").GetDouble(), vpc.GetProperty("shortfall").GetDouble(), vpc.GetProperty("enough").GetBoolean())); // 4 VPCs of 5, +1 with 20 %: 5.2 is 6 whole VPCs
    }

    [Fact]
    public async Task Check_GithubFormat_AnnotatesAndWritesOutputsAndSummary()
    {
        var outputs = Path.Combine(Folder, "github-output");
        var summary = Path.Combine(Folder, "step-summary.md");

        var (exit, output) = await RunAsync("check", "--plan", Path.Combine(Plans, "every-mapped-type.json"), "--format", "github",
            "--github-output", outputs, "--github-summary", summary);

        Assert.Equal(ExitCodes.Invalid, exit);
        Assert.Contains("::error title=Quota shortfall vpc/L-F678F1CE@us-east-1::VPCs per Region: needs 6 (usage 4 + 1 added, with buffer) of quota 5: short by 1;", output, StringComparison.Ordinal);
        Assert.Contains("::notice title=Quota rds/L-7B6409FD@us-east-1::", output, StringComparison.Ordinal);
        Assert.StartsWith("enough=false\nshortfalls=", await File.ReadAllTextAsync(outputs), StringComparison.Ordinal);
        Assert.Contains("| `vpc/L-F678F1CE@us-east-1` | VPCs per Region | 5 | 4 | 1 | 6 | **short by 1** |", await File.ReadAllTextAsync(summary), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("unknown-instance-type.json", "error: aws_instance.quantum: instance type 'q9.mega' has no known vCPU count")]
    [InlineData("not-a-plan.json", "error: not-a-plan.json: no format_version")]
    public async Task Check_PlanItCannotRead_ExitTwo_NamingTheProblem(string file, string message)
    {
        var (exit, output) = await RunAsync("check", "--plan", Path.Combine(Plans, file));

        Assert.Equal(ExitCodes.Error, exit);
        Assert.Contains(message, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_Json_WritesCleanNumbers()
    {
        var (_, output) = await RunAsync("check", "--plan", Path.Combine(Plans, "every-mapped-type.json"), "--format", "json", "--buffer", "7");

        var json = output[output.IndexOf('{', StringComparison.Ordinal)..];
        Assert.Contains("\"buffer\": 0.07,", json, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\d\.\d{6,}", json); // no 23.80000000000001
    }

    [Fact]
    public async Task Check_CapacityItCannotSize_FailsClosed_ExitTwo_NamingResourceAndType()
    {
        var (exit, output) = await RunAsync("check", "--plan", Path.Combine(Plans, "capacity-it-cannot-size.json"));

        Assert.Equal(ExitCodes.Error, exit);
        Assert.Contains("error: aws_spot_instance_request.batch: aws_spot_instance_request launches EC2 capacity the gate cannot size", output, StringComparison.Ordinal);
        Assert.Contains("error: aws_autoscaling_group.mixed: instance type 'm5.nano': size 'nano' has no vCPU count", output, StringComparison.Ordinal);
        Assert.DoesNotContain("quotas have room", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_InfraYaml_CountsVCpus()
    {
        var config = Path.Combine(Folder, "infra.yaml");
        await File.WriteAllTextAsync(config, "ec2:\n  auto_scaling_groups:\n    - name: web\n      instance_type: m5.2xlarge\n      max_size: 20\n");

        var (exit, output) = await RunAsync("check", "--config", config, "--format", "markdown");

        Assert.Equal(ExitCodes.Invalid, exit); // 20 × 8 = 160 vCPUs on top of ~170 of 256
        Assert.Contains("| 160 |", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestThenWait_TheIncreaseIsApproved_AndTheGateOpens()
    {
        var plan = Path.Combine(Plans, "four-m5-4xlarge.json");

        var (checkExit, checkOutput) = await RunAsync("check", "--plan", plan, "--buffer", "50", "--request");
        var (waitExit, waitOutput) = await RunAsync("wait", "--plan", plan, "--buffer", "50", "--timeout", "2h");
        var (_, audit) = await RunAsync("audit", "--rule", "ec2-ondemand-use1");

        Assert.Equal(ExitCodes.Invalid, checkExit); // short now; the increase is on its way
        Assert.Contains("ec2-ondemand-use1: request_increase", checkOutput, StringComparison.Ordinal);
        Assert.Contains("a deployment adds 64 (+50% buffer)", checkOutput, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, waitExit);
        Assert.Contains("enough at 2026-11-24 ", waitOutput, StringComparison.Ordinal);
        Assert.Contains("request_increase", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wait_WithNothingRequested_StopsAtOnce_ExitOne()
    {
        var (exit, output) = await RunAsync("wait", "--plan", Path.Combine(Plans, "every-mapped-type.json"));

        Assert.Equal(ExitCodes.Invalid, exit);
        Assert.Contains("still short, and nothing in flight", output, StringComparison.Ordinal);
    }

    /// <summary>A plan creating <paramref name="count"/> resources of one type, shaped like <c>terraform show -json</c>.</summary>
    private string Plan(string type, int count, string after)
    {
        var changes = string.Join(",", Enumerable.Range(0, count).Select(i =>
            $$$"""{"address": "{{{type}}}.r{{{i}}}", "mode": "managed", "type": "{{{type}}}", "name": "r{{{i}}}", "change": {"actions": ["create"], "before": null, "after": {{{after}}}}}"""));
        var path = Path.Combine(Folder, $"{type}-{count}.json");
        File.WriteAllText(path, $$"""{"format_version": "1.2", "resource_changes": [{{changes}}]}""");
        return path;
    }

    [Fact]
    public async Task RequestApproveThenWait_WaitRunsTheCycles_FilesTheApprovedIncrease_AndTheGateOpens()
    {
        // 8 RDS instances on 33 of 40: short by 3; rds-instances-use1 wants a person's approval above $500/month.
        var plan = Plan("aws_db_instance", 8, """{"instance_class": "db.r6g.large", "engine": "postgres"}""");
        var (checkExit, checkOutput) = await RunAsync("check", "--plan", plan, "--request");
        var approve = Regex.Match(checkOutput, "rds/L-7B6409FD@us-east-1: 40 → 80, .*\n.* approve (apr-[0-9a-f]{32})").Groups[1].Value;

        var (approveExit, _) = await RunAsync("approve", approve);
        var (waitExit, waitOutput) = await RunAsync("wait", "--plan", plan, "--timeout", "2h");

        Assert.Equal((ExitCodes.Invalid, ExitCodes.Ok, ExitCodes.Ok), (checkExit, approveExit, waitExit));
        Assert.Matches(@"rds-instances-use1: filed request sim-\d+ \(PENDING\) for 80", waitOutput); // by wait's own cycles, once approved
        Assert.Contains("enough at 2026-11-24 ", waitOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestThenWait_AwsDeniesTheIncrease_WaitNamesTheDeniedRequest_ExitOne()
    {
        var plan = Path.Combine(Plans, "four-m5-4xlarge.json");
        await RunAsync("check", "--plan", plan, "--buffer", "50", "--request", "--deny-rate", "1");

        var (exit, output) = await RunAsync("wait", "--plan", plan, "--buffer", "50", "--timeout", "2h");

        Assert.Equal(ExitCodes.Invalid, exit);
        Assert.Contains("ec2/L-1216C47A@us-east-1: denied by AWS (request sim-000001, DENIED)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("never requested", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wait_QuotaGovernedByAnAlertOnlyRule_SaysNothingWillBeFiled_ExitOne()
    {
        var plan = Plan("aws_vpc", 1, """{"cidr_block": "10.0.0.0/16"}"""); // 4 VPCs of 5, +1 with 20 %: short by 1
        await RunAsync("check", "--plan", plan, "--request");

        var (exit, output) = await RunAsync("wait", "--plan", plan);

        Assert.Equal(ExitCodes.Invalid, exit);
        Assert.Contains("vpc/L-F678F1CE@us-east-1: rule 'vpcs-use1' is alert_only: it alerts and never files an increase", output, StringComparison.Ordinal);
    }
}
