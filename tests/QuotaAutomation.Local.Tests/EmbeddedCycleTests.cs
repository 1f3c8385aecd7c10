using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Local.Tests;

/// <summary>The real engine on the embedded backend: SQLite stores and the simulated account, sample rules included.</summary>
public sealed class EmbeddedCycleTests : IAsyncLifetime
{
    private readonly TempDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    private static readonly QuotaKey Ec2 = new("ec2", "L-1216C47A", "us-east-1");

    [Fact]
    public async Task FirstCycle_DecidesEveryRule_AndRejectsTheMalformedOneByName()
    {
        var backend = await _db.OpenAsync();

        var report = await TempDatabase.CycleAsync(backend, TempDatabase.Engine(backend));

        Assert.Equal(
            // Lambda (an emergency by its p50) and EC2 (96 %, the next fullest) take us-east-1's two open-request slots:
            // DynamoDB's pre-emptive increase (78.5 %: its next hour's p99 read no higher than its week's) waits.
            [("ec2-spot-typo", "error"), ("alb-use1", "request_approval"), ("dynamodb-read-use1", "held"), ("ec2-ondemand-use1", "request_increase"),
             ("eips-use1", "none"), ("lambda-concurrency-use1", "request_increase"), ("rds-instances-use1", "request_approval"), ("subnets-per-vpc-use1", "alert_emergency"),
             ("vpcs-use1", "alert_warning")],
            report.Rules.Select(r => (r.Decision.RuleId, r.Decision.Kind)));
        var rejected = Assert.Single(await backend.Audit.QueryAsync(null, AuditKind.RuleRejected, 10, CancellationToken.None));
        Assert.Equal("rule 'ec2-spot-typo': automation_level 'full-automatic' must be one of monitor_only, alert_only, auto_request, auto_approve, full_auto; threshold_critical 120 must be ≤ 100",
            rejected.Message);
        Assert.All(report.Actions, a => Assert.Equal(ActionOutcome.Done, a.Outcome));
    }

    [Fact]
    public async Task BrokenModel_EveryDecisionFallsBack_AndTheAuditSaysWhy()
    {
        var backend = await _db.OpenAsync();
        var model = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(_db.Path)!, QuotaAutomation.Forecasting.ModelTrainer.ModelFile);
        await File.WriteAllTextAsync(model, "not a zip");
        var engine = new AutomationEngine(backend.Ports, QuotaAutomation.Forecasting.ModelForecaster.Load(model), backend.Clock, new EngineOptions());

        var report = await TempDatabase.CycleAsync(backend, engine);

        var decision = Assert.Single(await backend.Audit.QueryAsync("ec2-ondemand-use1", AuditKind.Decision, 10, CancellationToken.None));
        Assert.Contains("(trend+daily (fallback: model quota-forecast.zip not loaded:", decision.Message, StringComparison.Ordinal);
        // A dependent of this cycle's increases decides on what the increase consumes instead (docs/dependencies.md); a counted
        // quota (VPCs, subnets per VPC) has one sample on a new database, as a describe API gives: its forecast is the current count.
        Assert.All(report.Rules.Where(r => r.Forecast is { Forecaster: not Core.Decisions.DecisionTable.DependencyForecaster }),
            r => Assert.Matches(@"^(trend\+daily|current-only) \(fallback: model quota-forecast\.zip not loaded:", r.Forecast!.Forecaster));
    }

    [Fact]
    public async Task SecondCycle_DoesNotRequestAPendingQuotaAgain()
    {
        var backend = await _db.OpenAsync();
        var engine = TempDatabase.Engine(backend);

        await TempDatabase.CycleAsync(backend, engine);
        var second = await TempDatabase.CycleAsync(backend, engine);

        Assert.Single(await backend.Account.ListRequestsAsync(CancellationToken.None), r => r.Quota == Ec2);
        Assert.Equal("held", second.Rules.Single(r => r.Decision.RuleId == "ec2-ondemand-use1").Decision.Kind);
        Assert.DoesNotContain(second.Actions, a => a.Action == "request_increase");
    }

    [Fact]
    public async Task SimulatedDay_RaisesQuotasWithinAwsRules_AndLeavesApprovalsWaiting()
    {
        var backend = await _db.OpenAsync();
        var engine = TempDatabase.Engine(backend);

        var reports = new List<CycleReport>();
        for (var i = 0; i < 288; i++) reports.Add(await TempDatabase.CycleAsync(backend, engine));

        var quotas = (await backend.Account.ListQuotasAsync(CancellationToken.None)).ToDictionary(q => q.Info.Key, q => q.Info.Value);
        Assert.True(quotas[Ec2] > 256, $"ec2 quota stayed {quotas[Ec2]}");
        Assert.DoesNotContain(reports.SelectMany(r => r.Actions), a => a.Outcome == ActionOutcome.Failed); // the simulator refuses anything AWS would
        Assert.Equal(["alb-use1", "rds-instances-use1"], (await backend.Requests.ListActiveAsync(CancellationToken.None)).Select(a => a.RuleId).Order());
        Assert.Contains(reports.SelectMany(r => r.StatusChanges), c => c.Contains("PENDING → APPROVED", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ApprovedByAPerson_WaitsForARegionSlotThenIsFiled()
    {
        var backend = await _db.OpenAsync();
        var engine = TempDatabase.Engine(backend);
        await TempDatabase.CycleAsync(backend, engine); // files ec2 and dynamodb: us-east-1's two open requests
        var approval = (await backend.Requests.ListActiveAsync(CancellationToken.None)).Single(a => a.RuleId == "alb-use1");

        await backend.Requests.UpdateAsync(approval with { Status = ApprovalStatus.Approved, DecidedBy = "alice", DecidedAt = backend.Clock.GetUtcNow() }, CancellationToken.None);
        var reports = new List<CycleReport>();
        for (var i = 0; i < 12; i++) reports.Add(await TempDatabase.CycleAsync(backend, engine)); // the simulator decides after 30 minutes

        var alb = reports.Select(r => r.Rules.Single(x => x.Decision.RuleId == "alb-use1").Decision).ToList();
        Assert.StartsWith("2 requests already open in us-east-1 (AWS limit)", alb[0].Reason, StringComparison.Ordinal);
        Assert.Single(reports.SelectMany(r => r.Actions), a => a.RuleId == "alb-use1" && a.Action == "request_increase" && a.Outcome == ActionOutcome.Done);
        Assert.Contains(await backend.Account.ListRequestsAsync(CancellationToken.None), r => r.Quota.ServiceCode == "elasticloadbalancing" && r.DesiredValue == approval.DesiredValue);
    }

    [Fact]
    public async Task Reopen_KeepsClockQuotasAndRequests()
    {
        var backend = await _db.OpenAsync();
        await TempDatabase.CycleAsync(backend, TempDatabase.Engine(backend));

        var reopened = await _db.OpenAsync();

        Assert.False(reopened.Created);
        Assert.Equal(TempDatabase.Start.AddMinutes(5), reopened.Clock.GetUtcNow());
        Assert.Equal(await backend.Requests.ListOpenAsync(CancellationToken.None), await reopened.Requests.ListOpenAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ConcurrentCycles_OnOneDatabase_FileExactlyOneRequestPerQuota()
    {
        var backends = new List<EmbeddedBackend>();
        for (var i = 0; i < 4; i++) backends.Add(await _db.OpenAsync());

        var reports = await Task.WhenAll(backends.Select(b => Task.Run(() => TempDatabase.Engine(b).RunCycleAsync(CancellationToken.None))));

        var requests = await backends[0].Account.ListRequestsAsync(CancellationToken.None);
        Assert.All(requests.GroupBy(r => r.Quota), g => Assert.Single(g));
        Assert.Equal(2, requests.Count); // ec2 and lambda fill us-east-1's two slots; the others wait
        Assert.Equal(2, reports.SelectMany(r => r.Actions).Count(a => a.Action == "request_increase" && a.Outcome == ActionOutcome.Done));
        Assert.All((await backends[0].Requests.ListOpenAsync(CancellationToken.None)).GroupBy(r => r.Quota), g => Assert.Single(g));
    }
}
