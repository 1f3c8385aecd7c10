using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Common;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Reports;

/// <summary>
/// A report's figures from its input, pure. Requests and approvals are read from the audit trail (an increase's intent,
/// its outcome, and the status changes that follow it), so the report says what the trail says; a quota's value over
/// time is its value now, stepped back through the increases AWS approved in the period.
/// </summary>
public static class ReportBuilder
{
    /// <summary>Utilisation from which a sample is a near miss (below 100 %, where it is a breach).</summary>
    public const double NearMissPercent = 90;

    public const int ChartCount = 6;

    public const int RightSizingCount = 10;

    /// <summary>The longest a sample stands for: a gap in the history is not usage at the last value.</summary>
    private static readonly TimeSpan MaxSampleSpan = TimeSpan.FromHours(1);

    private static readonly HashSet<string> Open = [RequestStatus.Pending.ToApiName(), RequestStatus.CaseOpened.ToApiName()];

    private static readonly HashSet<string> Refused = [RequestStatus.Denied.ToApiName(), RequestStatus.NotApproved.ToApiName(), RequestStatus.InvalidRequest.ToApiName()];

    public static ReportModel Build(ReportInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var trail = input.Audit.Where(r => r.Timestamp >= input.Since && r.Timestamp <= input.Until).OrderBy(r => r.Timestamp).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();
        var (requests, failed) = Requests(trail);
        var approvals = Approvals(trail);
        var charts = input.Quotas.Where(q => q.Usage.Count > 0).Select(q => Chart(q, ValueOverTime(q, trail, requests))).ToList();
        var pressure = charts.Select(c => Pressure(c)).Where(p => p.BreachMinutes > 0 || p.NearMissMinutes > 0)
            .OrderByDescending(p => p.BreachMinutes).ThenByDescending(p => p.NearMissMinutes).ToList();
        var leadTimes = requests.Where(r => r.LeadTime is not null).Select(r => r.LeadTime!.Value.TotalMinutes).Order().ToList();
        var summary = new ReportSummary(
            input.Quotas.Count, charts.Count == 0 ? 0 : charts.Max(c => c.PeakUtilizationPercent),
            pressure.Sum(p => p.BreachMinutes), pressure.Sum(p => p.NearMissMinutes),
            requests.Count, requests.Count(r => r.Status == RequestStatus.Approved.ToApiName()), requests.Count(r => Refused.Contains(r.Status)),
            requests.Count(r => Open.Contains(r.Status)), failed,
            approvals.Count, approvals.Count(a => a.Outcome == "granted"), approvals.Count(a => a.Outcome == "denied"), approvals.Count(a => a.Outcome == "expired"),
            leadTimes.Count == 0 ? null : TimeSpan.FromMinutes(Stats.Quantile(leadTimes, 0.5)),
            requests.Where(r => r.Status == RequestStatus.Approved.ToApiName()).Sum(r => r.MonthlyCost ?? 0), input.Findings.Count);
        return new ReportModel(input, summary)
        {
            Charts = charts.OrderByDescending(c => c.PeakUtilizationPercent).Take(ChartCount).ToList(),
            Heat = Heat(charts),
            Requests = requests,
            Approvals = approvals,
            Pressure = pressure,
            RightSizing = RightSizing(input.Quotas),
        };
    }

    /// <summary>Each increase filed (an intent whose outcome is done), with the status changes that follow it until the next filing for its quota.</summary>
    private static (List<RequestLine> Filed, int Failed) Requests(List<AuditRecord> trail)
    {
        var outcomes = trail.Where(r => r.Kind == AuditKind.Outcome && r.ActionId is not null).GroupBy(r => r.ActionId!).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        var intents = trail.Where(r => r.Kind == AuditKind.Intent && r.Action == "request_increase" && r.Quota is not null).ToList();
        var filed = new List<RequestLine>();
        var failed = 0;
        foreach (var intent in intents)
        {
            var outcome = OutcomeOf(outcomes.GetValueOrDefault(intent.Id));
            if (outcome != ActionOutcome.Done)
            {
                if (outcome == ActionOutcome.Failed) failed++;
                continue;
            }
            var changes = After(trail, intent, intents.Where(i => outcomes.ContainsKey(i.Id)))
                .Where(r => r.Kind == AuditKind.StatusChange && r.Action == "request_status" && r.Details?.GetValueOrDefault(AuditDetails.Status) is not null).ToList();
            var final = changes.FirstOrDefault(c => !Open.Contains(c.Details![AuditDetails.Status]));
            filed.Add(new RequestLine(intent.RuleId, intent.Quota!, intent.Timestamp, AuditDetails.Number(intent.Details, AuditDetails.CurrentValue),
                AuditDetails.Number(intent.Details, AuditDetails.DesiredValue), AuditDetails.Number(intent.Details, AuditDetails.MonthlyCost),
                final?.Details![AuditDetails.Status] ?? changes.LastOrDefault()?.Details![AuditDetails.Status] ?? RequestStatus.Pending.ToApiName(), final?.Timestamp));
        }
        return (filed, failed);
    }

    /// <summary>Each approval asked (an intent to start one whose outcome is done), and the first decision on its quota after it.</summary>
    private static List<ApprovalLine> Approvals(List<AuditRecord> trail)
    {
        var done = trail.Where(r => r.Kind == AuditKind.Outcome && r.ActionId is not null && OutcomeOf(r) == ActionOutcome.Done).Select(r => r.ActionId!).ToHashSet(StringComparer.Ordinal);
        var asks = trail.Where(r => r.Kind == AuditKind.Intent && r.Action == "start_approval" && r.Quota is not null && done.Contains(r.Id)).ToList();
        return asks.Select(ask =>
        {
            var decision = After(trail, ask, asks).FirstOrDefault(r => r.Kind == AuditKind.StatusChange && r.Action is "approval_granted" or "approval_denied" or "approval_expired");
            return new ApprovalLine(ask.RuleId, ask.Quota!, ask.Timestamp, AuditDetails.Number(ask.Details, AuditDetails.DesiredValue), AuditDetails.Number(ask.Details, AuditDetails.MonthlyCost),
                decision?.Action["approval_".Length..] ?? "waiting", decision?.Timestamp);
        }).ToList();
    }

    /// <summary>
    /// An outcome record's outcome: its details say (since issue 17); an older record's message starts with it, as
    /// <c>AuditedAction</c> writes it (<c>done: …</c>). Null: no outcome record, or one that says neither.
    /// </summary>
    private static ActionOutcome? OutcomeOf(AuditRecord? outcome) =>
        outcome is null ? null
        : Enum.TryParse<ActionOutcome>(outcome.Details?.GetValueOrDefault(AuditDetails.Outcome), out var said) ? said
        : Enum.GetValues<ActionOutcome>().Cast<ActionOutcome?>().FirstOrDefault(o => outcome.Message.StartsWith($"{o.ToString()!.ToLowerInvariant()}:", StringComparison.Ordinal));

    /// <summary>
    /// The records of <paramref name="start"/>'s quota after it in the trail's order, up to the next of <paramref name="starts"/>
    /// on that quota: by position, not time, since a cycle that expires an old approval and asks a new one writes both at
    /// the same instant (the expiry first).
    /// </summary>
    private static IEnumerable<AuditRecord> After(List<AuditRecord> trail, AuditRecord start, IEnumerable<AuditRecord> starts)
    {
        var others = starts.Where(s => s.Quota == start.Quota).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        return trail.SkipWhile(r => r.Id != start.Id).Skip(1).TakeWhile(r => !others.Contains(r.Id)).Where(r => r.Quota == start.Quota);
    }

    /// <summary>The quota's value at each sample: its value now, and before each increase AWS approved in the period, the value that increase started from.</summary>
    private static List<UsageSample> ValueOverTime(QuotaObservation q, List<AuditRecord> trail, List<RequestLine> requests)
    {
        var approved = trail.Where(r => r.Kind == AuditKind.StatusChange && r.Action == "request_status" && r.Quota == q.Key
                && r.Details?.GetValueOrDefault(AuditDetails.Status) == RequestStatus.Approved.ToApiName() && AuditDetails.Number(r.Details, AuditDetails.DesiredValue) is not null)
            .Select(r => (r.Timestamp, Value: AuditDetails.Number(r.Details, AuditDetails.DesiredValue)!.Value)).ToList();
        var initial = approved.Count == 0 ? q.Quota.Value : requests.FirstOrDefault(r => r.Quota == q.Key && r.Status == RequestStatus.Approved.ToApiName())?.From ?? q.Quota.Value;
        return q.Usage.Select(s => new UsageSample(s.Timestamp, approved.LastOrDefault(a => a.Timestamp <= s.Timestamp) is { Value: > 0 } step ? step.Value : initial)).ToList();
    }

    private static QuotaChart Chart(QuotaObservation q, List<UsageSample> value)
    {
        var usage = q.Usage.OrderBy(s => s.Timestamp).ToList();
        var peak = usage.Select((s, i) => Percent(s.Value, value[i].Value)).DefaultIfEmpty(0).Max();
        return new QuotaChart(q.Key, q.Quota.QuotaName, usage, value, q.Forecast, q.ForecastHorizon, peak);
    }

    private static PressureLine Pressure(QuotaChart c)
    {
        var spans = Spans(c.Usage);
        double breach = 0, near = 0;
        for (var i = 0; i < c.Usage.Count; i++)
        {
            var percent = Percent(c.Usage[i].Value, c.Value[i].Value);
            if (percent >= 100) breach += spans[i];
            else if (percent >= NearMissPercent) near += spans[i];
        }
        return new PressureLine(c.Key, c.Name, Math.Round(breach), Math.Round(near), c.PeakUtilizationPercent);
    }

    /// <summary>The minutes each sample stands for: until the next one, at most an hour; the last as long as the typical one before it.</summary>
    private static double[] Spans(IReadOnlyList<UsageSample> usage)
    {
        var spans = new double[usage.Count];
        for (var i = 0; i + 1 < usage.Count; i++) spans[i] = Math.Min((usage[i + 1].Timestamp - usage[i].Timestamp).TotalMinutes, MaxSampleSpan.TotalMinutes);
        if (usage.Count > 0) spans[^1] = usage.Count > 1 ? Stats.Quantile(spans[..^1].Order().ToList(), 0.5) : 5;
        return spans;
    }

    private static HeatMap Heat(List<QuotaChart> charts)
    {
        var cells = charts.GroupBy(c => (Account: c.Key.AccountOrSelf, Quota: $"{c.Key.ServiceCode}/{c.Key.QuotaCode}"))
            .ToDictionary(g => g.Key, g => g.Max(c => c.PeakUtilizationPercent));
        return new HeatMap(cells.Keys.Select(k => k.Account).Distinct().Order(StringComparer.Ordinal).ToList(),
            cells.Keys.Select(k => k.Quota).Distinct().Order(StringComparer.Ordinal).ToList(), cells);
    }

    private static List<RightSizingLine> RightSizing(IReadOnlyList<QuotaObservation> quotas)
    {
        var rows = quotas.Select(q => (Q: q, Sizing: Decisions.RightSizing.Of(q.Quota, q.WarningPercent, q.Usage))).Where(r => r.Sizing is not null).ToList();
        return Decisions.RightSizing.Oversized(rows, r => r.Sizing!, Decisions.RightSizing.DefaultFactor).Take(RightSizingCount)
            .Select(r => new RightSizingLine(r.Q.Key, r.Q.Quota.QuotaName, r.Sizing!.Value, r.Sizing.Needed, r.Sizing.UsageP99)).ToList();
    }

    private static double Percent(double usage, double value) => value > 0 ? usage / value * 100 : 0;
}
