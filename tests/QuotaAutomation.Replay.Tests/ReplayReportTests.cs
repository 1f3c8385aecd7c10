using System.Text;
using QuotaAutomation.Core.Forecasting;

namespace QuotaAutomation.Replay.Tests;

/// <summary>The report's issue 16 sections: the targets, where the new sizing loses, and the final quotas' right-sizing.</summary>
public sealed class ReplayReportTests
{
    private static PolicyTotals Totals(string policy, double breachMinutes, int requests, double finalOverPeak) =>
        new("as-is", policy, 38, breachMinutes, 0, 1, 30, requests, 0, 0, 0, 2, finalOverPeak, 0);

    private static PolicyResult Result(string trace, string policy, double breachMinutes, int requests, double finalOverPeak) =>
        new("as-is", trace, policy, 5, 100, breachMinutes, breachMinutes > 0 ? 1 : 0, requests, 0, 0, 0, 2, finalOverPeak, 1000 * finalOverPeak, 0);

    [Fact]
    public void Targets_EachEnginePolicyAgainstLimitHeadroomAndOneAndAHalf()
    {
        // Bounds: 1.05 × 100 = 105 breach minutes, 1.25 × 40 = 50 requests, 1.5. The new sizing: 104 met, 51 not, 1.4
        // met; v1: 106 not, 50 met (equal), 1.64 not. Formula policies are not checked.
        var totals = new[]
        {
            Totals("headroom", 300, 40, 1.7), Totals("limit", 100, 90, 9), Totals(Policies.QuotaAutomationV1, 106, 50, 1.64), Totals(Policies.QuotaAutomation, 104, 51, 1.4),
        };

        var checks = ReplayTargets.Check(totals);

        Assert.Equal([(Policies.QuotaAutomationV1, false), (Policies.QuotaAutomationV1, true), (Policies.QuotaAutomationV1, false),
            (Policies.QuotaAutomation, true), (Policies.QuotaAutomation, false), (Policies.QuotaAutomation, true)], checks.Select(c => (c.Policy, c.Met!.Value)));
        Assert.Equal((104.0, 105.0, "1.05 × limit's 100"), (checks[3].Figure, checks[3].Bound!.Value, checks[3].Against));
    }

    [Fact]
    public void Targets_Markdown_GivesFigureBoundAndVerdict()
    {
        var md = new StringBuilder();

        ReplayTargets.AppendMarkdown(md, [Totals("headroom", 300, 62, 1.63), Totals(Policies.QuotaAutomation, 10_550, 165, 1.64)]);

        Assert.Contains("| as-is | quota-automation | requests ≤ 1.25 × headroom's | 165 | ≤ 77.5 | 1.25 × headroom's 62 | **not met** |", md.ToString(), StringComparison.Ordinal);
        Assert.Contains("| as-is | quota-automation | breach minutes ≤ 1.05 × limit's | 10,550 | - | limit not run | not measured |", md.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Losses_ListTheTracesWhereTheNewSizingDoesWorse_WithWhy()
    {
        var results = new[]
        {
            // a: fewer breaches than headroom, but one request more.
            Result("a", Policies.QuotaAutomation, 10, 3, 1.2), Result("a", Policies.QuotaAutomationV1, 10, 4, 1.3), Result("a", "headroom", 20, 2, 2),
            // b: 5 breach minutes where v1 had none, and 1.6 × the peak.
            Result("b", Policies.QuotaAutomation, 5, 1, 1.6), Result("b", Policies.QuotaAutomationV1, 0, 2, 1.9), Result("b", "headroom", 5, 1, 2),
            // c: as good or better on everything.
            Result("c", Policies.QuotaAutomation, 0, 1, 1.5), Result("c", Policies.QuotaAutomationV1, 0, 1, 1.5), Result("c", "headroom", 0, 1, 2),
        };

        var losses = SizingLosses.Find(results);

        Assert.Equal([("a", "requests > headroom's"), ("b", "breach minutes > v1's; final ÷ peak > 1.5")], losses.Select(l => (l.Trace, string.Join("; ", l.Why))));
        var md = new StringBuilder();
        SizingLosses.AppendMarkdown(md, results);
        Assert.Contains("| as-is | b | breach minutes > v1's; final ÷ peak > 1.5 | 5 / 0 / 5 | 1 / 2 / 1 | 1.6 / 1.9 / 2 | 1,600 / 1,900 / 2,000 |", md.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FinalRightSizing_NeedsTheP99OfTheTracesHourlyMaxima()
    {
        // The replay tests' jump: 100 five-minute steps from midnight, 1,310 at steps 50–69 (hours 4 and 5), 600 else.
        // Hourly maxima: seven of 600, two of 1,310 → p99 = 1,310; ÷ 0.70 = 1,871.4 → 1,872. seed ends at 2,400
        // (1.28 ×), limit at 10,000 (5.34 ×, listed). The trace spans 99 × 5 = 495 minutes (0.34 days).
        var start = new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);
        var scenario = new ReplayScenario { DenyProbability = 0 };
        var trace = ReplayTrace.From("jump", Enumerable.Range(0, 100).Select(i => new UsageSample(start.AddMinutes(5 * i), i is >= 50 and < 70 ? 1310 : 600)).ToList(), scenario);
        var results = new List<PolicyResult>();
        foreach (var policy in new[] { Policies.Seed, Policies.Limit }) results.Add(await ReplayLoop.RunAsync(trace, scenario, policy, keepSeries: false, CancellationToken.None));

        var md = new StringBuilder();
        FinalRightSizing.AppendMarkdown(md, results);

        Assert.Equal((1310.0, 1872.0, TimeSpan.FromMinutes(495)), (results[0].FinalRightSizing!.UsageP99, results[0].FinalRightSizing!.Needed, results[0].FinalRightSizing!.Span));
        Assert.Contains("| jump | 0.3 | 1,310 | 1,872 | 2,400 (1.28×) | **10,000 (5.34×)** |", md.ToString(), StringComparison.Ordinal);
        Assert.Contains("| **traces at 2 × the need or more** | | | | 0 of 1 | 1 of 1 |", md.ToString(), StringComparison.Ordinal);
        using var json = System.Text.Json.JsonDocument.Parse(ReplaySummary.ToJson(scenario, results, 1, 1));
        var limit = json.RootElement.GetProperty("traces")[1];
        Assert.Equal((1872.0, 5.3419, 0.34), (limit.GetProperty("need_30d").GetDouble(), limit.GetProperty("final_quota_over_need").GetDouble(), limit.GetProperty("days_read_30d").GetDouble()));
        Assert.Equal(1, json.RootElement.GetProperty("totals")[1].GetProperty("traces_oversized").GetInt32());
    }
}
