using System.Text.RegularExpressions;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Governance;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Reports;

namespace QuotaAutomation.Core.Tests.Reports;

/// <summary>The HTML: self-contained (nothing fetched, no script), every headline number readable back, and what people typed escaped.</summary>
public partial class HtmlReportTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly QuotaKey Vcpu = new("ec2", "L-1216C47A", "us-east-1", "111111111111");

    private static ReportModel Model()
    {
        var usage = Enumerable.Range(0, 24).Select(h => new UsageSample(T0.AddHours(h), 50 + h)).ToList();
        var hostile = new AuditRecord("run/00001", "run", T0.AddHours(2), AuditKind.Intent, "<script>alert(1)</script>", Vcpu, "request_increase", "x", null,
            new Dictionary<string, string> { ["desired_value"] = "200", ["current_value"] = "100" });
        return ReportBuilder.Build(new ReportInput("ou-ab12-sandbox1 <b>", T0, T0.AddDays(1), T0.AddDays(1))
        {
            Quotas = [new QuotaObservation(new QuotaInfo(Vcpu, "Running On-Demand <Standard> instances", 100, true, "None"), usage) { Forecast = PeakQuantiles.Of(80, 90, 95) }],
            Audit = [hostile, new AuditRecord("run/00002", "run", T0.AddHours(2), AuditKind.Outcome, "<script>alert(1)</script>", Vcpu, "request_increase", "done: filed", "run/00001",
                new Dictionary<string, string> { ["outcome"] = "Done" })],
            Budgets = [new BudgetStatus("budget 'sandbox' (account 111111111111)", "2026-11", 2000, 2500)],
            Findings = [new ComplianceFinding(FindingKind.RejectedRule, "bad-rule", "threshold_critical 120 must be ≤ 100")],
        });
    }

    [Fact]
    public void TheFile_IsSelfContained_AndEscapesWhatPeopleTyped()
    {
        var html = HtmlReport.Render(Model());

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(@"(src|href)\s*=\s*""(https?:)?//", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("Quota report: ou-ab12-sandbox1 &lt;b&gt;", html, StringComparison.Ordinal);
        Assert.Contains("Running On-Demand &lt;Standard&gt; instances", html, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryHeadlineNumber_IsTheSummarys()
    {
        var model = Model();

        var metrics = Metric().Matches(HtmlReport.Render(model)).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);

        Assert.Equal("1", metrics["requests-filed"]);
        Assert.Equal("1", metrics["quotas"]);
        Assert.Equal($"{model.Summary.PeakUtilizationPercent:0.#} %", metrics["peak-utilization"]);
        Assert.Equal("1", metrics["findings"]);
        Assert.Equal(13, metrics.Count);
    }

    [Fact]
    public void ABudgetOverItsLimit_IsDrawnFull_AndRed()
    {
        var html = HtmlReport.Render(Model());

        Assert.Contains("<div class=\"over\" style=\"width:100%\">", html, StringComparison.Ordinal);
        Assert.Contains("$2,500", html, StringComparison.Ordinal);
    }

    [GeneratedRegex("data-metric=\"([a-z-]+)\">([^<]*)<")]
    private static partial Regex Metric();
}
