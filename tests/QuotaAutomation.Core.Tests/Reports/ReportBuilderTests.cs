using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Reports;

namespace QuotaAutomation.Core.Tests.Reports;

/// <summary>The report's figures from a trail worked by hand: requests with their outcomes and lead times, approvals, the quota's value stepping up, breaches and near misses.</summary>
public class ReportBuilderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly QuotaKey Vcpu = new("ec2", "L-1216C47A", "us-east-1");
    private static readonly QuotaKey Albs = new("elasticloadbalancing", "L-53DA6B97", "us-east-1");
    private int _sequence;

    private AuditRecord Record(double hours, AuditKind kind, QuotaKey quota, string action, string message, string? actionId = null, params (string Key, string Value)[] details) =>
        new($"run/{++_sequence:00000}", "run", T0.AddHours(hours), kind, "rule", quota, action, message, actionId, details.Length == 0 ? null : details.ToDictionary(d => d.Key, d => d.Value));

    private List<AuditRecord> Trail()
    {
        var filed = Record(1, AuditKind.Intent, Vcpu, "request_increase", "request 100 → 200", null, ("desired_value", "200"), ("current_value", "100"), ("monthly_cost", "3456"));
        var failed = Record(30, AuditKind.Intent, Vcpu, "request_increase", "request 200 → 400", null, ("desired_value", "400"), ("current_value", "200"), ("monthly_cost", "6912"));
        var asked = Record(2, AuditKind.Intent, Albs, "start_approval", "ask 50 → 100", null, ("desired_value", "100"), ("monthly_cost", "16.2"));
        return
        [
            filed, Record(1, AuditKind.Outcome, Vcpu, "request_increase", "done: filed request r-1 (PENDING) for 200", filed.Id, ("outcome", "Done")),
            Record(1.5, AuditKind.StatusChange, Vcpu, "request_status", "request r-1: PENDING → CASE_OPENED", null, ("status", "CASE_OPENED"), ("desired_value", "200")),
            Record(25, AuditKind.StatusChange, Vcpu, "request_status", "request r-1: CASE_OPENED → APPROVED", null, ("status", "APPROVED"), ("desired_value", "200")),
            asked, Record(2, AuditKind.Outcome, Albs, "start_approval", "done: approval apr-1 waiting", asked.Id, ("outcome", "Done")),
            Record(8, AuditKind.StatusChange, Albs, "approval_granted", "approval apr-1 granted by alice"),
            failed, Record(30, AuditKind.Outcome, Vcpu, "request_increase", "failed: ThrottlingException", failed.Id, ("outcome", "Failed")),
        ];
    }

    private static QuotaInfo Info(QuotaKey key, double value) => new(key, key.QuotaCode, value, true, "None");

    private static ReportInput Input(List<AuditRecord> trail)
    {
        // vCPU usage every hour for 48 h: 80 until the increase, then 95 (near 100 % of 100 before it would be a breach).
        var usage = Enumerable.Range(0, 48).Select(h => new UsageSample(T0.AddHours(h), h < 20 ? 80 : h < 25 ? 100 : 150)).ToList();
        return new ReportInput("account 111111111111", T0, T0.AddHours(48), T0.AddHours(48))
        {
            Quotas = [new QuotaObservation(Info(Vcpu, 200), usage) { Forecast = PeakQuantiles.Of(160, 180, 190) }],
            Audit = trail,
        };
    }

    [Fact]
    public void Requests_AreReadFromTheTrail_WithTheirOutcomeAndLeadTime()
    {
        var model = ReportBuilder.Build(Input(Trail()));

        var request = Assert.Single(model.Requests);
        Assert.Equal((100d, 200d, 3456d, "APPROVED"), (request.From, request.To, request.MonthlyCost, request.Status));
        Assert.Equal(TimeSpan.FromHours(24), request.LeadTime);
        var s = model.Summary;
        Assert.Equal((1, 1, 0, 0, 1), (s.RequestsFiled, s.RequestsApproved, s.RequestsDenied, s.RequestsOpen, s.FilingsFailed));
        Assert.Equal(3456, s.MonthlyCostAdded);
        Assert.Equal(TimeSpan.FromHours(24), s.MedianLeadTime);
    }

    [Fact]
    public void Approvals_AreMatchedToTheDecisionOnTheirQuota()
    {
        var model = ReportBuilder.Build(Input(Trail()));

        var approval = Assert.Single(model.Approvals);
        Assert.Equal(("granted", TimeSpan.FromHours(6), 100d), (approval.Outcome, approval.LeadTime, approval.To));
        Assert.Equal((1, 1, 0), (model.Summary.ApprovalsAsked, model.Summary.ApprovalsGranted, model.Summary.ApprovalsDenied));
    }

    [Fact]
    public void AnOldApprovalExpiringAsANewOneIsAsked_IsTheOldOnesAnswer()
    {
        var old = Record(1, AuditKind.Intent, Albs, "start_approval", "ask 50 → 100", null, ("desired_value", "100"));
        var expired = Record(73, AuditKind.StatusChange, Albs, "approval_expired", "approval apr-0 expired");
        var again = Record(73, AuditKind.Intent, Albs, "start_approval", "ask 50 → 100", null, ("desired_value", "100"));
        var trail = new List<AuditRecord>
        {
            old, Record(1, AuditKind.Outcome, Albs, "start_approval", "done", old.Id, ("outcome", "Done")), expired,
            again, Record(73, AuditKind.Outcome, Albs, "start_approval", "done", again.Id, ("outcome", "Done")),
            Record(80, AuditKind.StatusChange, Albs, "approval_granted", "approval apr-2 granted by bob"),
        };

        var model = ReportBuilder.Build(Input(trail) with { Until = T0.AddHours(90) });

        Assert.Equal(["expired", "granted"], model.Approvals.Select(a => a.Outcome));
        Assert.Equal(TimeSpan.FromHours(7), model.Approvals[1].LeadTime);
    }

    [Fact]
    public void TheQuotasValue_StepsUpWhereAwsApproved_AndBreachesAreCountedAgainstIt()
    {
        var model = ReportBuilder.Build(Input(Trail()));

        var chart = Assert.Single(model.Charts);
        Assert.Equal(100, chart.Value[24].Value); // before the approval at hour 25
        Assert.Equal(200, chart.Value[25].Value);
        // Hours 20-24: usage 100 of 100, a breach (5 h); after the increase 150 of 200 is 75 %: neither.
        var pressure = Assert.Single(model.Pressure);
        Assert.Equal((300d, 0d, 100d), (pressure.BreachMinutes, pressure.NearMissMinutes, pressure.PeakUtilizationPercent));
    }

    [Fact]
    public void AnEmptyPeriod_IsAReportWithNothingInIt()
    {
        var model = ReportBuilder.Build(new ReportInput("account", T0, T0.AddDays(1), T0.AddDays(1)));

        Assert.Equal((0, 0, 0, 0d), (model.Summary.Quotas, model.Summary.RequestsFiled, model.Summary.ApprovalsAsked, model.Summary.BreachMinutes));
        Assert.Contains("no usage recorded in the period", HtmlReport.Render(model), StringComparison.Ordinal);
    }
}
