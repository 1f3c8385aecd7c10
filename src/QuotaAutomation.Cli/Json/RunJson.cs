using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Local.Simulation;
using System.CommandLine;

namespace QuotaAutomation.Cli.Json;

/// <summary><c>run --output json</c>: every cycle's decisions and actions, then the summary the table shows.</summary>
internal sealed record RunDocument(string Backend, IReadOnlyList<CycleDocument> Cycles, RunSummary Summary);

internal sealed record CycleDocument(string RunId, DateTimeOffset StartedAt, IReadOnlyList<DecisionDocument> Decisions, IReadOnlyList<ActionDocument> Actions, IReadOnlyList<string> StatusChanges);

/// <param name="Decision">The decision's kind (<c>none</c>, <c>alert_warning</c>, <c>request_increase</c>, <c>held</c>, <c>error</c>, …).</param>
/// <param name="UtilizationPercent">The larger of usage and forecast peak, in percent of the quota (what the decision weighed).</param>
internal sealed record DecisionDocument(string RuleId, string? Quota, string Decision, string Reason, double? QuotaValue, double? Usage,
    double? ForecastPeak, string? Forecaster, double? UtilizationPercent);

internal sealed record ActionDocument(string RuleId, string? Quota, string Action, ActionOutcome Outcome, string Detail);

/// <param name="RulesFailingPerCycle">Rules the engine rejected in the first cycle (a bad rule fails every cycle).</param>
internal sealed record RunSummary(int Cycles, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<RuleSummary> Rules, int Alerts, int RequestsFiled,
    IReadOnlyList<string> RequestOutcomes, IReadOnlyList<OpenRequestDocument> OpenRequests, IReadOnlyList<WaitingApprovalDocument> AwaitingApproval,
    int FailedActions, int RulesFailingPerCycle);

/// <param name="PeakUsage">The highest usage seen, and <paramref name="PeakUsagePercent"/> of the quota at that cycle: what happened.</param>
/// <param name="PeakForecast">The highest forecast peak, which the decisions weighed: what might have happened.</param>
/// <param name="MinutesOverQuota">Five minutes for each cycle whose usage exceeded the quota's value.</param>
internal sealed record RuleSummary(string RuleId, string? Quota, double? ValueStart, double? ValueEnd, double? PeakUsage, double? PeakUsagePercent,
    double? PeakForecast, int MinutesOverQuota, int Alerts, int RequestsFiled, int ApprovalsAsked, int Held, int Errors, string LastDecision, string LastReason);

internal sealed record OpenRequestDocument(string Id, string? AwsRequestId, string RuleId, string Quota, double FromValue, double DesiredValue, string Status);

/// <param name="Approve">The command that approves it, to copy as is.</param>
internal sealed record WaitingApprovalDocument(string Id, string RuleId, string Quota, double CurrentValue, double DesiredValue, double EstimatedMonthlyCost,
    string Approve, string Deny);

internal static class RunJson
{
    /// <summary>
    /// <c>run --output json</c>: the same cycles as the table path (five virtual minutes apart on the embedded backend,
    /// back to back on AWS), kept apart from it so the table's rendering can change on its own; one document at the end.
    /// </summary>
    public static async Task<int> RunAsync(CliApp app, ParseResult parse, int count, DateTimeOffset? start, CancellationToken ct)
    {
        var reports = new List<CycleReport>(count);
        if (app.IsAws(parse))
        {
            using var aws = app.OpenAws(parse);
            var engine = app.Engine(parse, aws.Ports, app.RealTime);
            for (var i = 0; i < count; i++) reports.Add(await engine.RunCycleAsync(ct));
            JsonOutput.Write(app, await BuildAsync("aws", reports, aws.Ports, "", ct));
            return ExitCodes.Ok;
        }
        var backend = await app.OpenAsync(parse, ct, start);
        var embedded = app.Engine(parse, backend.Ports, backend.Clock);
        for (var i = 0; i < count; i++) reports.Add(await Commands.RunCommand.RunOneAsync(backend, embedded, ct));
        var db = parse.GetValue(app.Database);
        JsonOutput.Write(app, await BuildAsync("embedded", reports, backend.Ports, db == CliApp.DefaultDatabase ? "" : $" --db {db}", ct));
        return ExitCodes.Ok;
    }

    /// <summary>The document for <paramref name="reports"/>; what is open and waiting is read from <paramref name="ports"/> after the last cycle.</summary>
    /// <param name="decideOptions">Options the approve/deny commands need to reach the same backend (e.g. <c>--db other.db</c>), or empty.</param>
    public static async Task<RunDocument> BuildAsync(string backend, IReadOnlyList<CycleReport> reports, EnginePorts ports, string decideOptions, CancellationToken ct)
    {
        var cycles = reports.Select(Cycle).ToList();
        var open = await ports.Requests.ListOpenAsync(ct);
        var waiting = (await ports.Approvals.ListActiveAsync(ct)).Where(a => a.Status == ApprovalStatus.Waiting).ToList();
        var actions = reports.SelectMany(r => r.Actions).ToList();
        var summary = new RunSummary(
            reports.Count, reports[0].StartedAt, reports[^1].StartedAt,
            Commands.RuleDay.From(reports, SimulatedAccount.SampleInterval).Select(Rule).ToList(),
            actions.Count(a => a.Action == "notify" && a.Outcome == ActionOutcome.Done),
            actions.Count(a => a.Action == "request_increase" && a.Outcome == ActionOutcome.Done),
            reports.SelectMany(r => r.StatusChanges).ToList(),
            open.Select(r => new OpenRequestDocument(r.Id, r.AwsRequestId, r.RuleId, r.Quota.ToString(), r.FromValue, r.DesiredValue, r.Status.ToApiName())).ToList(),
            waiting.Select(a => new WaitingApprovalDocument(a.Id, a.RuleId, a.Quota.ToString(), a.CurrentValue, a.DesiredValue, a.EstimatedMonthlyCost,
                $"quota-automation approve {a.Id}{decideOptions}", $"quota-automation deny {a.Id}{decideOptions}")).ToList(),
            actions.Count(a => a.Outcome == ActionOutcome.Failed),
            reports[0].Rejected);
        return new RunDocument(backend, cycles, summary);
    }

    private static CycleDocument Cycle(CycleReport report) => new(
        report.RunId, report.StartedAt,
        report.Rules.Select(r => new DecisionDocument(r.Decision.RuleId, QuotaOf(r.Decision), r.Decision.Kind, r.Decision.Reason, r.Quota?.Value, r.CurrentUsage,
            JsonOutput.Estimate(r.Forecast?.Peak), r.Forecast?.Forecaster, JsonOutput.Percent(r.UtilizationPercent))).ToList(),
        report.Actions.Select(a => new ActionDocument(a.RuleId, a.Quota?.ToString(), a.Action, a.Outcome, a.Detail)).ToList(),
        report.StatusChanges);

    /// <summary>The summary's line for one rule: the same figures as the table's (<see cref="Commands.RuleDay"/>).</summary>
    private static RuleSummary Rule(Commands.RuleDay day) => new(
        day.RuleId, day.Quota?.ToString(), day.ValueAtStart, day.ValueAtEnd,
        day.PeakUsage?.Value, JsonOutput.Percent(day.PeakUsage?.Percent), JsonOutput.Estimate(day.PeakForecast?.Value),
        (int)day.MinutesOverQuota, day.Alerts, day.RequestsFiled, day.ApprovalsAsked, day.Held, day.Errors, day.LastDecision.Kind, day.LastDecision.Reason);

    private static string? QuotaOf(QuotaDecision decision) => decision.Quota == Failed.Unknown ? null : decision.Quota.ToString();
}
