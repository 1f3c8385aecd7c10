using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Rules;
using QuotaAutomation.Local.Simulation;

namespace QuotaAutomation.Replay;

/// <summary>One policy on one trace under one scenario: the figures, and the quota at every evaluated step (for plots).</summary>
public sealed record PolicyResult(
    string Scenario, string Trace, string Policy, double StepMinutes, int Steps,
    double BreachMinutes, int BreachEvents, int Requests, int Denied, int ApprovalsAsked, int FailedActions,
    double MeanHeadroom, double FinalQuotaOverPeak, double FinalQuota, double MonthlyCost)
{
    /// <summary>GetMetricData metrics the policy requested (the engine: one per detailed read; formula policies read none).</summary>
    public int MetricReads { get; init; }

    /// <summary>Utilization reports the policy read instead (the engine with an adaptive cadence).</summary>
    public int ReportReads { get; init; }

    /// <summary>Usage and the quota in force at each evaluated step; null unless asked for (plots).</summary>
    public IReadOnlyList<double>? QuotaSeries { get; init; }

    /// <summary>
    /// The final quota against what the trace's last 30 days need (<see cref="RightSizing"/> at the replay rule's
    /// default warning threshold); null for a trace with no usage.
    /// </summary>
    public RightSizing? FinalRightSizing { get; init; }
}

/// <summary>
/// The replay loop: for each step after the warm-up, the account decides what is due, the step's usage is compared
/// with the quota in force (above it is a breach for the step's length), then the policy observes the step and may
/// file. Breach events are maximal runs of breached steps.
/// </summary>
public static class ReplayLoop
{
    public static async Task<PolicyResult> RunAsync(ReplayTrace trace, ReplayScenario scenario, IReplayPolicy policy, bool keepSeries, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(policy);
        var clock = new VirtualClock(trace.TimeAt(trace.FirstEvaluated - 1));
        var account = new ReplayAccount(trace, scenario, clock);
        var series = keepSeries ? new List<double>(trace.Count - trace.FirstEvaluated) : null;
        double breachSteps = 0, headroom = 0, peak = 0;
        int events = 0, headroomSteps = 0;
        var breaching = false;
        await using (var run = await policy.StartAsync(trace, account, clock, ct))
        {
            for (var i = trace.FirstEvaluated; i < trace.Count; i++)
            {
                ct.ThrowIfCancellationRequested();
                var at = trace.TimeAt(i);
                if (at > clock.GetUtcNow()) clock.Advance(at - clock.GetUtcNow());
                account.Settle(at);
                var usage = trace.Usage[i];
                var quota = account.Quota;
                series?.Add(quota);
                var breach = usage > quota;
                if (breach) breachSteps++;
                if (breach && !breaching) events++;
                breaching = breach;
                if (usage > 0)
                {
                    headroom += quota / usage;
                    headroomSteps++;
                }
                peak = Math.Max(peak, usage);
                await run.StepAsync(i, ct);
            }
            account.Settle(trace.TimeAt(trace.Count - 1));
            var stepMinutes = trace.Step.TotalMinutes;
            return new PolicyResult(scenario.Name, trace.Name, policy.Name, stepMinutes, trace.Count - trace.FirstEvaluated,
                breachSteps * stepMinutes, events, account.RequestsFiled, account.RequestsDenied, run.ApprovalsAsked, run.FailedActions,
                headroomSteps > 0 ? headroom / headroomSteps : double.NaN, peak > 0 ? account.Quota / peak : double.NaN, account.Quota,
                CostModel.SeedDefaults.MonthlyCost(ReplayAccount.Key, scenario.InitialQuota, account.Quota))
            {
                QuotaSeries = series, MetricReads = account.MetricsRequested, ReportReads = account.ReportsRead,
                FinalRightSizing = RightSizing.Of(new QuotaInfo(ReplayAccount.Key, trace.Name, account.Quota, true, "None"), Thresholds.Default.Warning, trace.Last(RightSizing.DefaultWindow)),
            };
        }
    }
}
