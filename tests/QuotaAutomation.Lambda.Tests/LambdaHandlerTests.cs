using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using QuotaAutomation.Cli;
using QuotaAutomation.Cli.Commands;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Lambda;
using QuotaAutomation.Local;

namespace QuotaAutomation.Lambda.Tests;

/// <summary>
/// Every caller of the function with a real-shaped payload (Payloads/), and malformed ones, through the handler on the
/// embedded backend (the composition <c>invoke</c> uses): SQLite and the simulated account behind the same code.
/// </summary>
public sealed class LambdaHandlerTests : EmbeddedFunctionTests
{
    private static string Payload(string name, string? approvalId = null) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Payloads", name)).Replace("APPROVAL", approvalId ?? "", StringComparison.Ordinal);

    private Task<JsonObject> InvokeAsync(string payload) => App.HandleAsync(payload, CancellationToken.None);

    private async Task<string> WaitingApprovalAsync()
    {
        await InvokeAsync(Payload("scheduled-event.json"));
        return (await Backend.Requests.ListActiveAsync(CancellationToken.None)).Single(a => a.RuleId == "alb-use1").Id;
    }

    [Fact]
    public async Task ScheduledEvent_RunsACycle_AndReportsEachDecision()
    {
        var reply = await InvokeAsync(Payload("scheduled-event.json"));

        Assert.Equal(("ok", "scheduled_cycle", 9), ((string?)reply["status"], (string?)reply["kind"], (int)reply["rules"]!));
        Assert.Contains(reply["decisions"]!.AsArray(), d => (string?)d!["rule_id"] == "lambda-concurrency-use1" && (string?)d["decision"] == "request_increase");
    }

    [Fact]
    public async Task QuotaThresholdEvent_IsLoggedOnce_AndActedOnAtOnce()
    {
        var first = await InvokeAsync(Payload("quota-threshold-exceeded.json"));
        var again = await InvokeAsync(Payload("quota-threshold-exceeded.json"));

        Assert.Equal(("ok", "quota_threshold_exceeded", "quota threshold event"), ((string?)first["status"], (string?)first["kind"], (string?)first["trigger"]));
        Assert.Equal("duplicate", (string?)again["status"]);
    }

    [Fact]
    public async Task AwsHealthThresholdBreach_TriggersACycle()
    {
        var reply = await InvokeAsync(Payload("health-threshold-breach.json"));

        Assert.Equal(("ok", "AWS Health threshold breach"), ((string?)reply["status"], (string?)reply["trigger"]));
    }

    [Fact]
    public async Task EventPublishedByACycle_IsOnlyLogged()
    {
        var payload = Payload("quota-threshold-exceeded.json").Replace("\"quota_value\": 50", "\"quota_value\": 50, \"origin\": \"cycle\"", StringComparison.Ordinal);

        var reply = await InvokeAsync(payload);

        Assert.Equal(("ok", "published by a cycle, which already acted: logged only"), ((string?)reply["status"], (string?)reply["reason"]));
    }

    [Fact]
    public async Task ScheduledCycle_PublishesWhatItToldPeople_IntoTheEventsTable()
    {
        await InvokeAsync(Payload("scheduled-event.json"));

        var events = await Backend.Events.RecentAsync(20, CancellationToken.None);
        Assert.Contains(events, e => e.EventType == "quota_threshold_exceeded" && e.DetailJson.Contains("\"rule_id\":\"vpcs-use1\"", StringComparison.Ordinal));
        Assert.Contains(events, e => e.EventType == "quota_threshold_exceeded" && e.DetailJson.Contains("\"action\":\"request_increase\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UsageSpike_ThreeTimesTheMedian_IsHigh_AlertsAndReevaluates()
    {
        await InvokeAsync(Payload("scheduled-event.json")); // reads 14 days of history

        var reply = await InvokeAsync(Payload("quota-usage-spike.json"));

        Assert.Equal("high", (string?)reply["spike"]);
        Assert.StartsWith("usage 1900 is ", (string?)reply["reason"], StringComparison.Ordinal);
        Assert.Equal("[SPIKE HIGH] lambda/L-B99A9384@us-east-1", (await Backend.Notifier.RecentAsync(1, CancellationToken.None))[0].Subject);
    }

    [Fact]
    public async Task PredictionAlert_LowConfidence_IsOnlyLogged()
    {
        var reply = await InvokeAsync(Payload("quota-prediction-alert.json"));

        Assert.Equal(("ok", "confidence 0.55 below 0.8: logged only"), ((string?)reply["status"], (string?)reply["reason"]));
    }

    [Fact]
    public async Task ServiceQuotasCallSeenByCloudTrail_IsAudited()
    {
        var reply = await InvokeAsync(Payload("servicequotas-cloudtrail.json"));

        Assert.Equal("ok", (string?)reply["status"]);
        var record = Assert.Single(await Backend.Audit.QueryAsync(null, AuditKind.StatusChange, 5, CancellationToken.None));
        Assert.Equal("CloudTrail: RequestServiceQuotaIncrease for vpc/L-F678F1CE@us-east-1, request e3b0c44298fc1c149afbf4c8996fb924EXAMPLE (PENDING) by arn:aws:sts::123456789012:assumed-role/Admin/alice", record.Message);
    }

    [Fact]
    public async Task ApprovalTasks_EvaluateThenApprove_RecordWhoDecidedAndFile()
    {
        var id = await WaitingApprovalAsync();

        var evaluate = await InvokeAsync(Payload("approval-evaluate.json", id));
        var approved = await InvokeAsync(Payload("approval-approved.json", id));

        Assert.Equal((true, 75.0), ((bool)evaluate["proceed"]!, (double)evaluate["desired_value"]!)); // p50 89 % of 50: critical ×1.5
        Assert.Equal("approved", (string?)approved["status"]);
        Assert.StartsWith("2 requests already open in us-east-1 (AWS limit)", (string?)approved["detail"], StringComparison.Ordinal); // filed when a Region slot frees
        var audit = await Backend.Audit.QueryAsync("alb-use1", AuditKind.StatusChange, 5, CancellationToken.None);
        Assert.Contains(audit, a => a.Message == $"approval {id} for elasticloadbalancing/L-53DA6B97@us-east-1 → 75: Approved by alice: launch week");
    }

    [Theory]
    [InlineData("approval-denied.json", "denied", ApprovalStatus.Denied)]
    [InlineData("approval-timed-out.json", "expired", ApprovalStatus.Expired)]
    public async Task ApprovalTasks_DeniedOrTimedOut_CloseTheApproval(string payload, string status, ApprovalStatus stored)
    {
        var id = await WaitingApprovalAsync();

        var reply = await InvokeAsync(Payload(payload, id));

        Assert.Equal(status, (string?)reply["status"]);
        Assert.Equal(stored, (await Backend.Requests.FindApprovalAsync(id, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task ApprovalTask_ForADecidedApproval_ChangesNothing()
    {
        var id = await WaitingApprovalAsync();
        await InvokeAsync(Payload("approval-denied.json", id));

        var late = await InvokeAsync(Payload("approval-approved.json", id));

        Assert.Equal(("unchanged", $"approval {id} is already Denied"), ((string?)late["status"], (string?)late["reason"]));
    }

    [Fact]
    public async Task ScalingUp_RaisesTheServiceAndTheQuotasItsGrowthConsumes()
    {
        var reply = await InvokeAsync(Payload("infrastructure-scaling.json"));

        // The governed ALB and VPC quotas do not grow with instances (docs/dependencies.md); network interfaces would, but no rule governs them here.
        Assert.Equal(["ec2/L-0263D0A3@us-east-1", "ec2/L-1216C47A@us-east-1"],
            reply["expected_quotas"]!.AsArray().Select(k => (string)k!).Order(StringComparer.Ordinal));
        // The expectation (×1.5 of 172: p50 258 of 256) makes it an emergency. The Region has two open-request slots:
        // the Lambda emergency (154.8 %) and this one (100.8 %) take them, and DynamoDB's pre-emptive increase (78.5 %,
        // its next hour's p99 read no higher than its week's) waits for a slot.
        var decisions = reply["decisions"]!.AsArray();
        var ec2 = decisions.Single(d => (string?)d!["rule_id"] == "ec2-ondemand-use1")!;
        Assert.Equal("request_increase", (string?)ec2["decision"]);
        Assert.StartsWith("usage 172, expected p50 258 / p99 ", (string?)ec2["reason"], StringComparison.Ordinal);
        Assert.Contains("(ec2 scaling up ×1.5 in us-east-1: expect 258) of quota 256 = 100.8% reached emergency: emergency increase ×2, 256 → 512", (string?)ec2["reason"], StringComparison.Ordinal);
        var dynamodb = decisions.Single(d => (string?)d!["rule_id"] == "dynamodb-read-use1")!;
        Assert.Equal("held", (string?)dynamodb["decision"]);
        Assert.StartsWith("2 requests already open in us-east-1 (AWS limit); wanted usage 58,608", (string?)dynamodb["reason"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScalingDown_IsARecommendationNeverARequest()
    {
        var reply = await InvokeAsync(Payload("infrastructure-scaling-down.json"));

        Assert.StartsWith("ec2 scaled down ×0.5 in us-east-1: ec2/L-0263D0A3@us-east-1, ec2/L-1216C47A@us-east-1 may now be larger than needed.", (string?)reply["recommendation"], StringComparison.Ordinal);
        Assert.Empty(await Backend.Account.ListRequestsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Failover_ToARegionWithNoGovernedQuota_RaisesNothing_AndFailbackIsReported()
    {
        var failover = await InvokeAsync(Payload("disaster-recovery-failover.json"));
        var failback = await InvokeAsync(Payload("disaster-recovery-failback.json"));

        Assert.Empty(failover["expected_quotas"]!.AsArray()); // the sample rules are all in us-east-1; the engine test covers a real failover
        Assert.StartsWith("failback from us-west-2 to us-east-1 recorded", (string?)failback["report"], StringComparison.Ordinal);
        Assert.Equal("[disaster_recovery] failback recorded", (await Backend.Notifier.RecentAsync(1, CancellationToken.None))[0].Subject);
    }

    [Fact]
    public async Task CostOptimization_ReportsQuotasFarAboveTheirPeak_NotOnesAnIncreaseWillConsume()
    {
        var reply = await InvokeAsync(Payload("cost-optimization.json"));

        // The Elastic IPs (60 % of 5) were the one quota below 62 %; the cycle's vCPU increase now needs more of them
        // (docs/dependencies.md), so their expected peak is above it and they are not over-provisioned.
        Assert.Empty(reply["over_provisioned"]!.AsArray());
        Assert.Contains(reply["decisions"]!.AsArray(), d => ((string?)d!["reason"] ?? "").Contains("→ ec2/L-0263D0A3 needs ", StringComparison.Ordinal));
        Assert.Contains("no governed quota is below 62% of its value at its forecast peak", (await Backend.Notifier.RecentAsync(1, CancellationToken.None))[0].Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json", "event (unnamed): the payload is not JSON:")]
    [InlineData("[1, 2]", "event (unnamed): the payload is a JSON Array, not an object")]
    [InlineData("""{"id":"e1","source":"aws.events","time":"2026-11-24T15:00:00Z","detail":{}}""", "event 'e1': not an EventBridge event or a state machine task: detail-type is missing")]
    [InlineData("""{"id":"e2","detail-type":"Scheduled Event","source":"aws.events","detail":{}}""", "event 'e2' (Scheduled Event): time is missing or not an ISO 8601 time")]
    [InlineData("""{"id":"e3","detail-type":"Object Created","source":"aws.s3","time":"2026-11-24T15:00:00Z","detail":{}}""", "event 'e3' (Object Created): source 'aws.s3' with detail-type 'Object Created' is not a caller this function serves")]
    [InlineData("""{"id":"e4","detail-type":"Quota Usage Spike","source":"quota-automation","time":"2026-11-24T15:00:00Z","detail":{"quota":{"service_code":"ec2"},"current_usage":"lots"}}""", "event 'e4' (Quota Usage Spike): detail.quota.quota_code is missing; detail.quota.region is missing; detail.current_usage is missing or not a number")]
    [InlineData("""{"id":"e5","detail-type":"Quota Panic","source":"quota-automation","time":"2026-11-24T15:00:00Z","detail":{}}""", "event 'e5' (Quota Panic): detail-type 'Quota Panic' is not a quota event type")]
    [InlineData("""{"id":"e6","detail-type":"Infrastructure Scaling","source":"quota-automation","time":"2026-11-24T15:00:00Z","detail":{"service":"ec2","direction":"sideways","scaling_factor":-1}}""", "event 'e6' (Infrastructure Scaling): detail.scaling_factor -1 must be > 0 and ≤ 100; detail.region is missing; detail.direction 'sideways' must be one of up, down")]
    [InlineData("""{"id":"e7","detail-type":"Disaster Recovery","source":"quota-automation","time":"2026-11-24T15:00:00Z","detail":{"action":"panic"}}""", "event 'e7' (Disaster Recovery): detail.action 'panic' must be one of failover, failback; detail.source_region is missing; detail.target_region is missing")]
    [InlineData("""{"task":"approve_everything","approval_id":"apr-1"}""", "approval task 'approve_everything' for apr-1: task must be one of evaluate, ask, approved, denied, timed_out")]
    [InlineData("""{"task":"evaluate"}""", "approval task 'evaluate': approval_id is missing")]
    [InlineData("""{"task":"evaluate","approval_id":"apr-nope"}""", "approval_evaluate 'apr-nope' failed: approval_id 'apr-nope' does not exist")]
    public async Task MalformedOrUnknown_IsAnErrorNamingTheEventAndField_AndAudited(string payload, string message)
    {
        var reply = await InvokeAsync(payload);

        Assert.Equal("error", (string?)reply["status"]);
        Assert.StartsWith(message, (string?)reply["error"], StringComparison.Ordinal);
        Assert.Contains(await Backend.Audit.QueryAsync(null, AuditKind.Error, 5, CancellationToken.None), a => a.Action == "invocation_rejected" && a.Message.StartsWith(message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Logs_AreJsonLines_AndMetricsPassTheEmfChecker()
    {
        await InvokeAsync(Payload("scheduled-event.json"));
        await InvokeAsync("not json");
        var lines = Logs.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var metrics = Path.Combine(Folder, "emf.jsonl");
        await File.WriteAllLinesAsync(metrics, lines.Where(l => l.Contains("\"_aws\"", StringComparison.Ordinal)));

        Assert.All(lines, l => JsonNode.Parse(l));
        Assert.Equal(2, File.ReadAllLines(metrics).Count(l => l.Contains("\"Kind\"", StringComparison.Ordinal))); // one per invocation; the rest are per-quota utilisation
        var checker = Testing.Repository.Tools;
        var run = Process.Start(new ProcessStartInfo("python3", $"\"{Path.Combine(checker, "emf_check.py")}\" \"{Path.Combine(checker, "emf.schema.json")}\" \"{metrics}\"") { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await run.StandardOutput.ReadToEndAsync() + await run.StandardError.ReadToEndAsync();
        await run.WaitForExitAsync();
        Assert.True(run.ExitCode == 0, output);
    }

}
