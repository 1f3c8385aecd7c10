using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Ports;
using static QuotaAutomation.Core.Tests.Fakes.TestRules;

namespace QuotaAutomation.Core.Tests.Engine;

public class AutomationEngineTests
{
    private static EngineFixture WithQuota(double value, double usage, string level, params (string, object?)[] extra)
    {
        var f = new EngineFixture();
        f.Account.Add("ec2", "L-1216C47A", value, _ => usage);
        f.Stores.Rules.Add(Item("ec2-vcpu", "ec2", "L-1216C47A", level, extra));
        return f;
    }

    [Fact]
    public async Task RunCycle_CriticalFullAuto_FilesOneRequestWithIntentBeforeAndOutcomeAfter()
    {
        var f = WithQuota(100, 90, "full_auto");

        var report = await f.CycleAsync();

        var request = Assert.Single(f.Account.Requests);
        Assert.Equal(150, request.DesiredValue);
        var actions = f.Stores.Audit.Where(a => a.Action == "request_increase" && a.Kind is AuditKind.Intent or AuditKind.Outcome).ToList();
        Assert.Equal([AuditKind.Intent, AuditKind.Outcome], actions.Select(a => a.Kind));
        Assert.Equal(actions[0].Id, actions[1].ActionId);
        Assert.Equal("done: filed request fake-1 (PENDING) for 150", actions[1].Message);
        Assert.Equal(ActionOutcome.Done, Assert.Single(report.Actions).Outcome);
    }

    [Fact]
    public async Task RunCycle_SecondCycleWhilePending_DoesNotRequestAgain()
    {
        var f = WithQuota(100, 90, "full_auto");

        await f.CycleAsync();
        var second = await f.CycleAsync();

        Assert.Single(f.Account.Requests);
        Assert.Equal("held", Assert.Single(second.Rules).Decision.Kind);
        Assert.Empty(f.Account.Violations);
    }

    [Fact]
    public async Task RunCycle_AfterApproval_QuotaRisesAndTheOutcomeIsRecorded()
    {
        var f = WithQuota(100, 90, "full_auto");
        await f.CycleAsync();

        f.Account.Decide("fake-1", approve: true);
        var report = await f.CycleAsync();

        Assert.Equal(["request fake-1 for ec2/L-1216C47A@us-east-1 (150): PENDING → APPROVED"], report.StatusChanges);
        Assert.Equal("none", Assert.Single(report.Rules).Decision.Kind); // 90 of 150 is 60 %
        Assert.Contains(f.Stores.Sent, n => n.Subject == "Quota request APPROVED: ec2/L-1216C47A@us-east-1");
    }

    [Fact]
    public async Task RunCycle_MalformedRuleAmongGoodOnes_IsAuditedAndTheOthersAct()
    {
        var f = WithQuota(100, 90, "full_auto");
        f.Account.Add("vpc", "L-F678F1CE", 5, _ => 4);
        f.Stores.Rules.Insert(0, Item("broken", "ec2", "L-1216C47A", "full_auto", ("threshold_critical", "120")));
        f.Stores.Rules.Add(Item("vpcs", "vpc", "L-F678F1CE", "alert_only"));

        var report = await f.CycleAsync();

        Assert.Equal(["error", "request_increase", "alert_warning"], report.Rules.Select(r => r.Decision.Kind));
        var rejected = Assert.Single(f.Stores.Audit, a => a.Kind == AuditKind.RuleRejected);
        Assert.Equal("rule 'broken': threshold_critical 120 must be ≤ 100", rejected.Message);
        Assert.Equal(2, report.Actions.Count(a => a.Outcome == ActionOutcome.Done));
    }

    [Fact]
    public async Task RunCycle_OneActionThrottled_OthersStillAct()
    {
        var f = WithQuota(100, 90, "full_auto");
        f.Account.Add("lambda", "L-B99A9384", 1000, _ => 990);
        f.Stores.Rules.Add(Item("lambda", "lambda", "L-B99A9384", "full_auto"));
        f.Account.Fail = (op, quota) => op == "RequestServiceQuotaIncrease" && quota?.ServiceCode == "lambda"
            ? new QuotaServiceException(QuotaServiceException.TooManyRequests, "Rate exceeded") : null;

        var report = await f.CycleAsync();

        Assert.Equal([("request_increase", ActionOutcome.Done), ("request_increase", ActionOutcome.Failed)],
            report.Actions.Select(a => (a.Action, a.Outcome)));
        Assert.Contains(f.Stores.Audit, a => a.Kind == AuditKind.Outcome && a.Message == "failed: TooManyRequestsException: Rate exceeded");
        Assert.Equal(RequestStatus.Failed, f.Stores.Requests.Single(r => r.Quota.ServiceCode == "lambda").Status);
    }

    [Fact]
    public async Task RunCycle_IntentCannotBeWritten_TheActionIsNotTaken()
    {
        var f = WithQuota(100, 90, "full_auto");
        f.Stores.FailAuditWhen = r => r.Kind == AuditKind.Intent;

        var report = await f.CycleAsync();

        Assert.Empty(f.Account.Requests);
        Assert.StartsWith("not attempted: the audit intent could not be written", Assert.Single(report.Actions).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunCycle_TimeoutWhileFiling_KeepsTheQuotaReservedAndAdoptsTheRequestNextCycle()
    {
        var f = WithQuota(100, 90, "full_auto");
        var timeouts = 1;
        f.Account.Fail = (op, _) => op == "RequestServiceQuotaIncrease" && timeouts-- > 0 ? new TimeoutException("the request timed out") : null;
        // The timed-out call reached AWS: simulate by filing it behind the engine's back.
        await f.CycleAsync();
        await f.Account.RequestIncreaseAsync(f.Stores.Requests[0].Quota, 150, CancellationToken.None);

        var second = await f.CycleAsync();

        Assert.Single(f.Account.Requests);
        Assert.Equal(("fake-1", RequestStatus.Pending), (f.Stores.Requests[0].AwsRequestId, f.Stores.Requests[0].Status));
        Assert.Equal("held", Assert.Single(second.Rules).Decision.Kind);
    }

    [Fact]
    public async Task RunCycle_AwsAlreadyHasARequest_FollowsItInsteadOfFailing()
    {
        var f = WithQuota(100, 90, "full_auto");
        await f.Account.RequestIncreaseAsync(new("ec2", "L-1216C47A", "us-east-1"), 120, CancellationToken.None); // filed by someone else
        f.Account.Violations.Clear();

        var report = await f.CycleAsync();

        Assert.Equal(ActionOutcome.Skipped, Assert.Single(report.Actions).Outcome);
        Assert.Equal(("fake-1", 120.0), (f.Stores.Requests[0].AwsRequestId, f.Stores.Requests[0].DesiredValue));
    }

    [Fact]
    public async Task RunCycle_QuotaMissingAndUsageMissing_AreErrorsNamingTheRule()
    {
        var f = new EngineFixture();
        f.Account.Add("vpc", "L-F678F1CE", 5, _ => 4);
        f.Account.Usage.Clear();
        f.Stores.Rules.Add(Item("ghost", "ec2", "L-00000000", "full_auto"));
        f.Stores.Rules.Add(Item("silent", "vpc", "L-F678F1CE", "full_auto"));

        var report = await f.CycleAsync();

        Assert.Equal(["rule 'ghost': quota ec2/L-00000000@us-east-1 not found in Service Quotas",
                      "rule 'silent': no usage source for vpc/L-F678F1CE@us-east-1: it has no CloudWatch usage metric and no other source reported it"],
            report.Rules.Select(r => r.Decision.Reason));
        Assert.Equal(2, f.Stores.Audit.Count(a => a.Kind == AuditKind.Error));
    }

    [Fact]
    public async Task RunCycle_UsageSourceDown_DecidesOnStoredHistoryAndAuditsIt()
    {
        var f = WithQuota(100, 90, "alert_only");
        await f.CycleAsync();
        f.Account.Fail = (op, _) => op == "GetMetricData" ? new HttpRequestException("503 Service Unavailable") : null;

        var report = await f.CycleAsync();

        Assert.Equal("alert_critical", Assert.Single(report.Rules).Decision.Kind);
        Assert.Contains(f.Stores.Audit, a => a.Kind == AuditKind.Error && a.Message == "could not read usage, deciding on stored history: 503 Service Unavailable");
    }

    [Fact]
    public async Task RunCycle_QuotaSourceDown_EveryRuleFailsAuditedAndNothingIsFiled()
    {
        var f = WithQuota(100, 90, "full_auto");
        f.Account.Fail = (op, _) => op == "ListServiceQuotas" ? new HttpRequestException("connection reset") : null;

        var report = await f.CycleAsync();

        Assert.Equal("rule 'ec2-vcpu': could not read quotas: connection reset", Assert.Single(report.Rules).Decision.Reason);
        Assert.Empty(f.Account.Requests);
    }

    [Fact]
    public async Task RunCycle_AutoRequest_StartsAnApprovalAndFilesOnlyOnceApproved()
    {
        var f = WithQuota(100, 90, "auto_request");

        await f.CycleAsync();
        var approval = Assert.Single(f.Stores.Approvals);
        Assert.Empty(f.Account.Requests);
        Assert.Contains($"quota-automation approve {EngineFixture.FirstApprovalId}", f.Stores.Sent.Single(n => n.Topic == "approvals").Message, StringComparison.Ordinal);

        await f.CycleAsync();
        Assert.Single(f.Stores.Approvals); // still waiting: not asked twice
        await f.Stores.UpdateAsync(approval with { Status = ApprovalStatus.Approved, DecidedBy = "alice", DecidedAt = f.Time.GetUtcNow() }, CancellationToken.None);
        var report = await f.CycleAsync();

        Assert.Equal(150, Assert.Single(f.Account.Requests).DesiredValue);
        Assert.Equal(ApprovalStatus.Closed, f.Stores.Approvals[0].Status);
        var intent = f.Stores.Audit.Single(a => a.Kind == AuditKind.Intent && a.Action == "request_increase");
        Assert.Equal($"request ec2/L-1216C47A@us-east-1 100 → 150: approval {EngineFixture.FirstApprovalId} granted by alice: 100 → 150", intent.Message);
        Assert.Equal("request_increase", Assert.Single(report.Rules).Decision.Kind);
    }

    [Fact]
    public async Task RunCycle_ApprovalDenied_DoesNotAskAgainWithinTheQuietPeriod()
    {
        var f = WithQuota(100, 90, "auto_request");
        await f.CycleAsync();
        await f.Stores.UpdateAsync(f.Stores.Approvals[0] with { Status = ApprovalStatus.Denied, DecidedBy = "bob", DecidedAt = f.Time.GetUtcNow() }, CancellationToken.None);

        var soon = await f.CycleAsync();
        f.Time.Advance(TimeSpan.FromHours(24));
        await f.CycleAsync();

        Assert.StartsWith($"bob denied approval {EngineFixture.FirstApprovalId} at 2026-11-24 12:05", Assert.Single(soon.Rules).Decision.Reason, StringComparison.Ordinal);
        Assert.Equal(2, f.Stores.Approvals.Count);
    }

    [Fact]
    public async Task RunCycle_NoDecisionWantsAnIncrease_ReadsNoDenials()
    {
        var f = WithQuota(100, 10, "full_auto");

        var report = await f.CycleAsync();

        Assert.Equal("none", Assert.Single(report.Rules).Decision.Kind);
        Assert.Equal(0, f.Stores.DenialReads);
    }

    [Fact]
    public async Task RunCycle_ADecisionWantsAnIncrease_ReadsBothDenialLists()
    {
        var f = WithQuota(100, 90, "full_auto");

        await f.CycleAsync();

        Assert.Equal(2, f.Stores.DenialReads);
    }

    [Fact]
    public async Task RunCycle_PendingForADay_OpensASupportCaseOnce()
    {
        var f = WithQuota(100, 90, "full_auto");
        await f.CycleAsync();
        f.Time.Advance(TimeSpan.FromHours(24));

        await f.CycleAsync();
        await f.CycleAsync();

        Assert.Equal((RequestStatus.CaseOpened, "case-fake-1"), (f.Account.Requests[0].Status, f.Account.Requests[0].CaseId));
        Assert.Single(f.Stores.Audit, a => a.Kind == AuditKind.Outcome && a.Action == "create_support_case");
    }

    [Fact]
    public async Task RunCycle_SameAlertWithinCoolDown_IsSentOnceAndAHigherSeverityAtOnce()
    {
        var usage = 75.0;
        var f = new EngineFixture();
        f.Account.Add("vpc", "L-F678F1CE", 100, _ => usage);
        f.Stores.Rules.Add(Item("vpcs", "vpc", "L-F678F1CE", "alert_only"));

        await f.CycleAsync();
        await f.CycleAsync();
        usage = 90;
        await f.CycleAsync();
        f.Time.Advance(f.Options.AlertCoolDown);
        await f.CycleAsync();

        Assert.Equal(["[WARNING] vpc/L-F678F1CE@us-east-1", "[CRITICAL] vpc/L-F678F1CE@us-east-1", "[CRITICAL] vpc/L-F678F1CE@us-east-1"],
            f.Stores.Sent.Select(n => n.Subject));
    }

    [Fact]
    public async Task RunCycle_ApprovalNotDecidedInTime_Expires()
    {
        var f = WithQuota(100, 90, "auto_request");
        await f.CycleAsync();
        f.Time.Advance(f.Options.ApprovalTimeout);

        var report = await f.CycleAsync();

        Assert.Equal(ApprovalStatus.Expired, f.Stores.Approvals[0].Status);
        Assert.Equal([$"approval {EngineFixture.FirstApprovalId} for ec2/L-1216C47A@us-east-1 expired after 72h"], report.StatusChanges);
    }

    [Fact]
    public async Task RunCycle_TimeBudgetRunsOut_StartsNoNewActionAndAuditsWhatWasNotReached()
    {
        var f = WithQuota(100, 90, "full_auto");
        f.Account.Add("vpc", "L-F678F1CE", 100, _ => 80);
        f.Stores.Rules.Add(Item("vpcs", "vpc", "L-F678F1CE", "alert_only"));
        using var budget = new CancellationTokenSource();
        f.Stores.FailAuditWhen = r =>
        {
            if (r.Kind == AuditKind.Decision && r.RuleId == "vpcs") budget.Cancel(); // time runs out once every decision is recorded
            return false;
        };

        var report = await f.Engine.RunCycleAsync(budget.Token);

        Assert.Empty(f.Account.Requests);
        Assert.Empty(f.Stores.Sent);
        Assert.Equal(2, report.NotReached);
        Assert.Equal(2, f.Stores.Audit.Count(a => a.Action == "not_reached"));
        Assert.EndsWith("2 actions (0 failed, 2 not reached)", f.Stores.Audit[^1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunCycle_UtilisationHoveringAtTheWarningThreshold_AlertsOnce_AndDoesNotFlap()
    {
        var f = new EngineFixture();
        var swing = new[] { 72.0, 66, 71, 64, 73, 65, 70, 67 };
        var key = f.Account.Add("vpc", "L-F678F1CE", 100, _ => 0).Key;
        f.Stores.Rules.Add(Item("vpcs", "vpc", "L-F678F1CE", "alert_only"));

        foreach (var percent in swing)
        {
            f.Account.Quotas[key] = f.Account.Quotas[key] with { Value = 100 * 100 / percent }; // usage 100 at the swinging utilisation
            f.Account.Usage[key] = _ => 100;
            await f.CycleAsync();
        }

        Assert.Equal(["[WARNING] vpc/L-F678F1CE@us-east-1"], f.Stores.Sent.Select(n => n.Subject)); // 64–67 % is not 10 points below 70 %
    }

    [Fact]
    public async Task RunCycle_AlertedQuotaFallsBelowWarning_SendsOneRecoveryNotice_AndTheNextCrossingAlertsAtOnce()
    {
        var f = new EngineFixture();
        var key = f.Account.Add("vpc", "L-F678F1CE", 100, _ => 90).Key;
        f.Stores.Rules.Add(Item("vpcs", "vpc", "L-F678F1CE", "alert_only"));

        await f.CycleAsync();
        f.Account.Quotas[key] = f.Account.Quotas[key] with { Value = 200 }; // raised elsewhere: 45 %
        await f.CycleAsync();
        await f.CycleAsync();
        f.Account.Quotas[key] = f.Account.Quotas[key] with { Value = 120 }; // 75 %: a new crossing
        await f.CycleAsync();

        Assert.Equal(["[CRITICAL] vpc/L-F678F1CE@us-east-1", "[RECOVERED] vpc/L-F678F1CE@us-east-1", "[WARNING] vpc/L-F678F1CE@us-east-1"], f.Stores.Sent.Select(n => n.Subject));
        Assert.Equal("vpc/L-F678F1CE@us-east-1 recovered: utilisation 45% is well below the warning threshold again (it had reached critical)", f.Stores.Sent[1].Message);
    }

    [Fact]
    public async Task RunCycle_WhatPeopleAreTold_IsPublishedAsThresholdEvents_OncePerCoolDown()
    {
        var f = WithQuota(100, 90, "alert_only");

        var first = await f.CycleAsync();
        var second = await f.CycleAsync();

        var published = Assert.Single(f.Stores.Published);
        Assert.Equal(("quota_threshold_exceeded", "quota-automation", "ec2/L-1216C47A@us-east-1"), (published.EventType, published.Source, published.Quota!.ToString()));
        Assert.Contains("\"band\":\"critical\"", published.DetailJson, StringComparison.Ordinal);
        Assert.Contains("\"origin\":\"cycle\"", published.DetailJson, StringComparison.Ordinal);
        Assert.Equal((1, 0), (first.Published.Count, second.Published.Count));
    }

    [Fact]
    public async Task RunCycle_UsageJumpsToTripleTheMedian_PublishesOneSpikeEvent()
    {
        var f = new EngineFixture();
        var jumpAt = EngineFixture.Start.AddMinutes(10);
        f.Account.Add("lambda", "L-B99A9384", 1000, t => t >= jumpAt ? 450 : 150);
        f.Stores.Rules.Add(Item("lambda", "lambda", "L-B99A9384", "monitor_only"));

        for (var i = 0; i < 5; i++) await f.CycleAsync();

        var spike = Assert.Single(f.Stores.Published, e => e.EventType == "quota_usage_spike");
        Assert.Contains("\"level\":\"high\"", spike.DetailJson, StringComparison.Ordinal);
        Assert.Contains("\"ratio\":3", spike.DetailJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunCycle_UsageRisesFromZero_PublishesTheSpikeWithoutARatio()
    {
        // Found by the replay simulator: an idle quota's median is 0, the ratio infinite, and JSON has no infinity;
        // the whole cycle used to fail on it.
        var f = new EngineFixture();
        var jumpAt = EngineFixture.Start.AddMinutes(10);
        f.Account.Add("lambda", "L-B99A9384", 1000, t => t >= jumpAt ? 450 : 0);
        f.Stores.Rules.Add(Item("lambda", "lambda", "L-B99A9384", "monitor_only"));

        for (var i = 0; i < 5; i++) await f.CycleAsync();

        var spike = Assert.Single(f.Stores.Published, e => e.EventType == "quota_usage_spike");
        Assert.Contains("\"ratio\":null", spike.DetailJson, StringComparison.Ordinal);
        Assert.Contains("\"baseline\":0", spike.DetailJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunCycle_GrowthTowardsTheQuota_SaysWhenItBreaches_AndPublishesAPredictionAlert()
    {
        // 3 days of +1 an hour from 60: usage 132 now, reaching the quota of 140 within the next day.
        var f = new EngineFixture();
        f.Account.Add("ec2", "L-1216C47A", 140, t => 60 + (t - EngineFixture.Start.AddDays(-3)).TotalHours);
        f.Stores.Rules.Add(Item("vcpus", "ec2", "L-1216C47A", "alert_only"));

        var report = await f.CycleAsync();

        var result = Assert.Single(report.Rules);
        Assert.Equal(TimeSpan.FromHours(24), result.Breach!.Within);
        Assert.EndsWith("; breach expected within 24h (high confidence)", result.Decision.Reason, StringComparison.Ordinal); // a noiseless line: even the lower bound reaches it
        var prediction = Assert.Single(f.Stores.Published, e => e.EventType == "quota_prediction_alert");
        Assert.Contains("\"hours_to_breach\":24", prediction.DetailJson, StringComparison.Ordinal);
        Assert.Contains("\"confidence\":0.9", prediction.DetailJson, StringComparison.Ordinal);
    }
}
