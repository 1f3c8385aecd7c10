using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Cli.Commands;

/// <summary>
/// One rule over a run of cycles, as the run summary shows it. Usage and forecast are kept apart: a forecast of 132 %
/// is a warning about the horizon, not a day when usage passed the quota; <see cref="MinutesOverQuota"/> is that day.
/// </summary>
/// <param name="PeakUsage">The highest usage relative to the quota, and its percentage (null: never read).</param>
/// <param name="PeakForecast">The highest forecast peak relative to the quota, and its percentage.</param>
/// <param name="MinutesOverQuota">Cycles whose usage (reported as demand) was above the quota, times the cycle's minutes.</param>
internal sealed record RuleDay(
    string RuleId,
    QuotaKey? Quota,
    double? ValueAtStart,
    double? ValueAtEnd,
    (double Value, double Percent)? PeakUsage,
    (double Value, double Percent)? PeakForecast,
    double MinutesOverQuota,
    int Alerts,
    int RequestsFiled,
    int ApprovalsAsked,
    int Held,
    int Errors,
    QuotaDecision LastDecision)
{
    /// <summary>One entry per rule of the last cycle, in its order.</summary>
    public static IReadOnlyList<RuleDay> From(IReadOnlyList<CycleReport> reports, TimeSpan cycle) =>
        [.. reports[^1].Rules.Select(r => r.Decision.RuleId).Distinct().Select(rule => Of(rule, reports, cycle))];

    private static RuleDay Of(string rule, IReadOnlyList<CycleReport> reports, TimeSpan cycle)
    {
        var results = reports.SelectMany(r => r.Rules).Where(r => r.Decision.RuleId == rule).ToList();
        var actions = reports.SelectMany(r => r.Actions).Where(a => a.RuleId == rule && a.Outcome == ActionOutcome.Done).ToList();
        var read = results.Where(r => r.Quota is { Value: > 0 }).ToList();
        var last = results[^1].Decision;
        return new RuleDay(
            rule,
            last.Quota == Failed.Unknown ? null : last.Quota,
            read.Count > 0 ? read[0].Quota!.Value : null, // read: Quota is set
            read.Count > 0 ? read[^1].Quota!.Value : null,
            Peak(read.Where(r => r.CurrentUsage is not null).Select(r => (r.CurrentUsage!.Value, r.Quota!.Value))),
            Peak(read.Where(r => r.Forecast is not null).Select(r => (r.Forecast!.Peak, r.Quota!.Value))),
            read.Count(r => r.CurrentUsage > r.Quota!.Value) * cycle.TotalMinutes,
            actions.Count(a => a.Action == "notify"),
            actions.Count(a => a.Action == "request_increase"),
            actions.Count(a => a.Action == "start_approval"),
            results.Count(r => r.Decision is Held),
            results.Count(r => r.Decision is Failed),
            last);
    }

    private static (double Value, double Percent)? Peak(IEnumerable<(double Value, double Quota)> readings) =>
        readings.Select(r => (r.Value, Percent: 100 * r.Value / r.Quota)).OrderByDescending(r => r.Percent).Cast<(double, double)?>().FirstOrDefault();
}
