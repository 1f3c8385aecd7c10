using System.Text.Json.Nodes;
using QuotaAutomation.Cli;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Local.Tests;

/// <summary><c>plans</c>: the open step plans with the next step marked, and stored rows that are no plan, as a table and as JSON.</summary>
public sealed class PlansCommandTests : IAsyncLifetime
{
    private static readonly QuotaKey Vcpu = new("ec2", "L-1216C47A", "us-east-1");
    private static readonly DateTimeOffset T = TempDatabase.Start;
    private readonly TempDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    private async Task SaveAsync(params StepPlan[] plans)
    {
        var backend = await _db.OpenAsync(sampleRules: false);
        foreach (var plan in plans) await backend.Plans.SaveAsync(plan, CancellationToken.None);
    }

    private static readonly StepPlan VcpuPlan = new("plan-1", "ec2-vcpu", Vcpu, 100, [200, 400, 640], 1, T, T.AddMinutes(35), "p99 540 ÷ 85% = 636 → 640");

    [Fact]
    public async Task Plans_ShowEachPlanWithItsNextStepMarked()
    {
        await SaveAsync(VcpuPlan, VcpuPlan with { Id = "plan-2", Quota = Vcpu with { Region = "eu-west-1" }, Next = 3, CreatedAt = T.AddHours(1), UpdatedAt = T.AddHours(2) });

        var (exit, output) = await _db.RunCliAsync("plans");
        var lines = System.Text.RegularExpressions.Regex.Replace(output, " +", " "); // the table's padding aside

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("│ ec2/L-1216C47A@us-east-1 │ ec2-vcpu │ 100 │ 200 → 400 (next) → 640 │ 2026-11-24 15:00 │ 2026-11-24 15:35 │ p99 540 ÷ 85% = 636 → 640 │", lines, StringComparison.Ordinal);
        Assert.Contains("│ ec2/L-1216C47A@eu-west-1 │ ec2-vcpu │ 100 │ 200 → 400 → 640 (all filed) │ 2026-11-24 16:00 │ 2026-11-24 17:00 │", lines, StringComparison.Ordinal);
        Assert.Contains("2 open step plans", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plans_None_SaysSo()
    {
        await SaveAsync();

        var (exit, output) = await _db.RunCliAsync("plans");

        Assert.Equal((ExitCodes.Ok, "no open step plan"), (exit, output.Trim()));
    }

    [Fact]
    public async Task PlansJson_GivesEveryFieldAndTheUnreadableRows()
    {
        await SaveAsync(VcpuPlan, VcpuPlan with { Id = "plan-2", Quota = Vcpu with { Region = "eu-west-1" } });
        var backend = await _db.OpenAsync(sampleRules: false);
        await backend.Database.ExecuteAsync("UPDATE step_plans SET item = json_set(item, '$.next', 'two') WHERE region = 'eu-west-1'", CancellationToken.None);

        var (exit, stdout, _) = await _db.RunCliSplitAsync("plans", "-o", "json");

        Assert.Equal(ExitCodes.Ok, exit);
        var document = JsonNode.Parse(stdout)!;
        Assert.Equal("""
            {"id":"plan-1","rule_id":"ec2-vcpu","quota":"ec2/L-1216C47A@us-east-1","start_value":100,"steps":[200,400,640],"next":1,"next_value":400,"target":640,"created_at":"2026-11-24T15:00:00Z","updated_at":"2026-11-24T15:35:00Z","reason":"p99 540 ÷ 85% = 636 → 640"}
            """.Trim(), Assert.Single(document["plans"]!.AsArray())!.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        var bad = Assert.Single(document["unreadable"]!.AsArray())!;
        Assert.Equal(("step_plans row ec2/L-1216C47A@eu-west-1", "next", "must be a whole number from 0 to 3 (the number of steps); it is \"two\"", "ec2-vcpu"),
            ((string?)bad["item"], (string?)bad["field"], (string?)bad["problem"], (string?)bad["rule_id"]));
    }
}
