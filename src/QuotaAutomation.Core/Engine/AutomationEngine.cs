using System.Globalization;
using QuotaAutomation.Core.Actions;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Forecasting;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;
using QuotaAutomation.Core.Rules;

namespace QuotaAutomation.Core.Engine;

/// <summary>
/// One automation cycle: follow what is in flight, read rules, quotas and usage, forecast, decide, admit within
/// AWS's limits, act, and audit every step. A bad rule, a missing quota or a failing action is audited and
/// skipped; it never stops the other rules. Every action has an intent record before it and an outcome after it;
/// when the intent cannot be written the action is not taken.
/// </summary>
public sealed class AutomationEngine(EnginePorts ports, IForecaster forecaster, TimeProvider time, EngineOptions options)
{
    /// <summary>A filing reservation older than this with no AWS request behind it is taken as never filed.</summary>
    private static readonly TimeSpan StaleReservation = TimeSpan.FromMinutes(10);

    public Task<CycleReport> RunCycleAsync(CancellationToken ct) => RunCycleAsync(null, ct);

    /// <param name="expectations">Usage that events announce for some quotas (scaling, failover): it raises those rules' forecast peaks.</param>
    public async Task<CycleReport> RunCycleAsync(IReadOnlyDictionary<QuotaKey, Events.Expectation>? expectations, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var runId = string.Create(CultureInfo.InvariantCulture, $"{now:yyyyMMdd'T'HHmmss'Z'}-{options.NewRunNonce()}");
        var audit = new CycleAudit(ports.Audit, time, runId);
        await audit.WriteAsync(AuditKind.Cycle, "-", null, "cycle_start", $"cycle {runId} started", ct);

        var changes = new List<string>();
        var actions = new List<ActionResult>();
        var open = await FollowOpenRequestsAsync(audit, now, changes, actions, ct);
        var approvals = await FollowApprovalsAsync(audit, now, changes, ct);

        var (rules, results) = await ParseRulesAsync(audit, ct);
        results.AddRange(await EvaluateAsync(rules, now, audit, expectations, ct));

        var approved = approvals.Where(a => a.Status == ApprovalStatus.Approved).ToList();
        var quotaValues = results.Where(r => r.Quota is not null).GroupBy(r => r.Decision.Quota).ToDictionary(g => g.Key, g => g.First().Quota!.Value);
        var orphans = approved // approved, but the rule is gone or disabled: a person said yes, so it is still filed
            .Where(a => !results.Any(r => r.Decision.RuleId == a.RuleId && r.Decision.Quota == a.Quota))
            .Select(a => ToIncrease(a, quotaValues));
        var candidates = results.Select(r => WithApprovals(r.Decision, approved, quotaValues)).Concat(orphans).ToList();
        var inFlight = new InFlight(
            open.Select(r => r.Quota).ToList(),
            approvals.Where(a => a.Status == ApprovalStatus.Waiting).Select(a => a.Quota).ToList(),
            await RecentlyDeniedAsync(now, ct));
        var admitted = RequestAdmission.Admit(candidates, inFlight, options.Limits);

        for (var i = 0; i < results.Count; i++) results[i] = results[i] with { Decision = admitted[i] };
        foreach (var decision in admitted) await AuditDecisionAsync(audit, decision, ct);
        foreach (var decision in admitted)
        {
            if (ct.IsCancellationRequested)
            {
                // Out of time: start nothing new, and say what was not reached so the next cycle's reader knows.
                if (decision is Alert or RequestIncrease)
                {
                    await audit.WriteAsync(AuditKind.Error, decision.RuleId, decision.Quota, "not_reached",
                        $"not reached before the time budget ran out: {decision.Kind}: {decision.Reason}", CancellationToken.None);
                    actions.Add(new ActionResult(decision.RuleId, decision.Quota, decision.Kind, ActionOutcome.Skipped, "not reached: time budget ran out"));
                }
                continue;
            }
            if (await ActOnAsync(audit, decision, approved, ct) is { } action) actions.Add(action);
        }

        var calm = results.Where(r => r.Cleared && r.Decision is NoAction).GroupBy(r => r.Decision.Quota).Select(g => g.First()).ToList();
        var alerted = calm.Count > 0 && !ct.IsCancellationRequested ? await ports.Alerts.ActiveAsync(ct) : new Dictionary<QuotaKey, Severity>();
        foreach (var recovered in calm.Where(r => alerted.ContainsKey(r.Decision.Quota)))
        {
            if (ct.IsCancellationRequested) break;
            actions.Add(await RecoverAsync(audit, recovered, alerted[recovered.Decision.Quota], ct));
        }

        var published = await PublishEventsAsync(audit, runId, now, results, actions, ct);
        var report = new CycleReport(runId, now, results, actions, changes) { Published = published };
        await audit.WriteAsync(AuditKind.Cycle, "-", null, "cycle_end", string.Create(CultureInfo.InvariantCulture,
            $"cycle {runId}: {results.Count} rules, {report.Rejected} failed, {actions.Count} actions ({report.ActionsFailed} failed, {report.NotReached} not reached)"), CancellationToken.None);
        return report;
    }

    private async Task<(List<QuotaRule> Rules, List<RuleResult> Rejected)> ParseRulesAsync(CycleAudit audit, CancellationToken ct)
    {
        var raws = await ports.Rules.LoadRulesAsync(ct);
        var rules = new List<QuotaRule>();
        var rejected = new List<RuleResult>();
        foreach (var raw in raws)
        {
            var parsed = RuleParser.Parse(raw);
            if (parsed.Success)
            {
                if (parsed.Value.Enabled) rules.Add(parsed.Value);
                continue;
            }
            var name = RuleParser.NameOf(raw);
            await audit.WriteAsync(AuditKind.RuleRejected, name, null, "rule_rejected", parsed.Error!, ct); // Error is set when !Success
            rejected.Add(new RuleResult(new Failed(name, null, parsed.Error!), null, null, null));
        }
        return (rules, rejected);
    }

    private async Task<IReadOnlyList<RuleResult>> EvaluateAsync(IReadOnlyList<QuotaRule> rules, DateTimeOffset now, CycleAudit audit,
        IReadOnlyDictionary<QuotaKey, Events.Expectation>? expectations, CancellationToken ct)
    {
        var keys = rules.Select(r => r.Quota).Distinct().ToList();
        IReadOnlyDictionary<QuotaKey, QuotaInfo> quotas;
        try
        {
            quotas = await ports.Quotas.GetQuotasAsync(keys, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return rules.Select(r => Fail(r, $"could not read quotas: {e.Message}")).ToList();
        }

        var histories = await CollectUsageAsync(quotas.Values.ToList(), now, audit, ct);
        var results = new List<RuleResult>();
        foreach (var rule in rules)
        {
            if (!quotas.TryGetValue(rule.Quota, out var quota))
            {
                results.Add(Fail(rule, $"quota {rule.Quota} not found in Service Quotas"));
                continue;
            }
            if (!histories.TryGetValue(rule.Quota, out var history) || history.Count == 0)
            {
                var why = quota.UsageMetric is null
                    ? $"no usage source for {rule.Quota}: it has no CloudWatch usage metric and no other source reported it"
                    : $"no usage samples yet for {rule.Quota} ({quota.UsageMetric.MetricNamespace} {quota.UsageMetric.MetricName})";
                results.Add(new RuleResult(new Failed(rule.RuleId, rule.Quota, $"rule '{rule.RuleId}': {why}"), quota, null, null));
                continue;
            }
            var current = history[^1].Value;
            var forecast = Forecast(rule, history, now);
            if (expectations?.GetValueOrDefault(rule.Quota) is { } expected)
                forecast = Expect(forecast, expected, current, quota, histories);
            var snapshot = new QuotaSnapshot(quota, current, forecast);
            var decision = DecisionTable.Decide(rule, snapshot, now, options.Costs, options.FastStep);
            var breach = EstimateBreach(rule, quota, history, forecast, now);
            if (breach is not null && decision is not Failed) decision = decision with { Reason = $"{decision.Reason}; {breach}" };
            results.Add(new RuleResult(decision, quota, current, forecast)
            {
                Breach = breach,
                Cleared = snapshot.UtilizationPercent < rule.Thresholds.Warning - options.RecoveryMargin,
                NewSpike = NewSpike(history, now),
            });
        }
        return results;

        static RuleResult Fail(QuotaRule rule, string why) => new(new Failed(rule.RuleId, rule.Quota, $"rule '{rule.RuleId}': {why}"), null, null, null);
    }

    /// <summary>Time to breach from forecasts at 1 h, 24 h and the rule's horizon (the last is the decision's own).</summary>
    private Forecasting.BreachEstimate? EstimateBreach(QuotaRule rule, QuotaInfo quota, IReadOnlyList<UsageSample> history, Forecast forecast, DateTimeOffset now)
    {
        if (quota.Value <= 0 || forecast.Peak < quota.Value) return null; // the longest horizon does not reach it: no breach ahead
        var horizons = new[] { TimeSpan.FromHours(1), TimeSpan.FromHours(24) }.Where(h => h < rule.ForecastHorizon)
            .Select(h => (h, Forecast(rule with { ForecastHorizon = h }, history, now)))
            .Append((rule.ForecastHorizon, forecast));
        return Forecasting.BreachEstimate.From(quota.Value, horizons);
    }

    /// <summary>A spike seen for the first time: the newest sample is ≥ 2× the 24 h median and the one before was not.</summary>
    private static Events.SpikeAssessment? NewSpike(IReadOnlyList<UsageSample> history, DateTimeOffset now)
    {
        if (history.Count < 3) return null;
        var earlier = history.Take(history.Count - 1).ToList();
        var spike = Events.SpikeClassifier.Classify(history[^1].Value, earlier, now);
        var before = Events.SpikeClassifier.Classify(earlier[^1].Value, earlier.Take(earlier.Count - 1).ToList(), earlier[^1].Timestamp);
        return spike.Level >= Events.SpikeLevel.Medium && before.Level == Events.SpikeLevel.Low ? spike : null;
    }

    /// <summary>An event's expectation raises the forecast peak (never lowers it) when the quota is full enough for it to apply.</summary>
    private static Forecast Expect(Forecast forecast, Events.Expectation expected, double current, QuotaInfo quota, Dictionary<QuotaKey, IReadOnlyList<UsageSample>> histories)
    {
        var utilization = quota.Value > 0 ? 100 * current / quota.Value : double.PositiveInfinity;
        if (utilization < expected.MinUtilizationPercent) return forecast;
        double? other = expected.AddUsageOf is { } key && histories.GetValueOrDefault(key) is [.., var last] ? last.Value : null;
        // What a deployment adds stacks on the organic forecast; a scaling or failover expectation replaces it when higher.
        var usage = Math.Max(expected.ExpectedUsage(current, other), forecast.Peak + expected.AddUnits);
        return usage > forecast.Peak
            ? new Forecast(usage, forecast.Lower, forecast.Upper, "event", string.Create(CultureInfo.InvariantCulture, $"{expected.Reason}: expect {usage:0.##}"))
            : forecast;
    }

    private Forecast Forecast(QuotaRule rule, IReadOnlyList<UsageSample> history, DateTimeOffset now)
    {
        try
        {
            return forecaster.Predict(history, now, rule.ForecastHorizon);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Forecasting.Forecast.CurrentOnly(history[^1].Value, $"{forecaster.Name} failed: {e.Message}");
        }
    }

    /// <summary>
    /// Reads each quota's stored window once, asks the usage source (one call) only for what came after its newest
    /// sample, appends that, and returns the window with the new samples.
    /// </summary>
    private async Task<Dictionary<QuotaKey, IReadOnlyList<UsageSample>>> CollectUsageAsync(
        IReadOnlyList<QuotaInfo> quotas, DateTimeOffset now, CycleAudit audit, CancellationToken ct)
    {
        var windowStart = now - options.HistoryWindow;
        var histories = new Dictionary<QuotaKey, IReadOnlyList<UsageSample>>();
        foreach (var quota in quotas)
            histories[quota.Key] = await ports.History.ReadAsync(quota.Key, windowStart, now, ct);
        var queries = quotas
            .Select(q => new UsageQuery(q, histories[q.Key] is [.., var last] ? last.Timestamp : windowStart))
            .ToList();
        try
        {
            var fresh = await ports.Usage.GetUsageAsync(queries, now, ct);
            foreach (var query in queries)
            {
                if (!fresh.TryGetValue(query.Quota.Key, out var samples)) continue;
                var added = samples.Where(s => s.Timestamp > query.From && s.Timestamp <= now).ToList();
                if (added.Count == 0) continue;
                await ports.History.AppendAsync(query.Quota.Key, added, ct);
                histories[query.Quota.Key] = [.. histories[query.Quota.Key], .. added];
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Stored history still serves this cycle; the next one reads what this one missed.
            await audit.WriteAsync(AuditKind.Error, "-", null, "collect_usage", $"could not read usage, deciding on stored history: {e.Message}", ct);
        }
        return histories;
    }

    private async Task<Dictionary<QuotaKey, string>> RecentlyDeniedAsync(DateTimeOffset now, CancellationToken ct)
    {
        var since = now - options.DenialQuietPeriod;
        var denied = new Dictionary<QuotaKey, string>();
        foreach (var r in await ports.Requests.ListDeniedSinceAsync(since, ct))
            denied[r.Quota] = $"AWS answered {r.Status.ToApiName()} to request {r.AwsRequestId ?? r.Id} at {r.UpdatedAt:yyyy-MM-dd HH:mm}; not asking again before {r.UpdatedAt + options.DenialQuietPeriod:yyyy-MM-dd HH:mm} UTC";
        foreach (var a in await ports.Approvals.ListDeniedSinceAsync(since, ct))
        {
            var at = a.DecidedAt ?? a.CreatedAt;
            denied[a.Quota] = $"{a.DecidedBy ?? "an approver"} denied approval {a.Id} at {at:yyyy-MM-dd HH:mm}; not asking again before {at + options.DenialQuietPeriod:yyyy-MM-dd HH:mm} UTC";
        }
        return denied;
    }

    /// <summary>
    /// A rule whose increase a person approved files that increase, whatever it would decide now; another rule
    /// wanting the same quota waits for it.
    /// </summary>
    private static QuotaDecision WithApprovals(QuotaDecision decision, IReadOnlyList<ApprovalRequest> approved, IReadOnlyDictionary<QuotaKey, double> quotaValues)
    {
        if (decision is Failed || approved.FirstOrDefault(a => a.Quota == decision.Quota) is not { } approval) return decision;
        if (approval.RuleId == decision.RuleId) return ToIncrease(approval, quotaValues);
        return decision is RequestIncrease wanted
            ? new Held(wanted.RuleId, wanted.Quota, $"rule '{approval.RuleId}' has an approved request for {wanted.Quota} to file first; wanted {wanted.Reason}", wanted)
            : decision;
    }

    private static RequestIncrease ToIncrease(ApprovalRequest a, IReadOnlyDictionary<QuotaKey, double> quotaValues) => new(
        a.RuleId, a.Quota,
        $"approval {a.Id} granted by {a.DecidedBy ?? "an approver"}: {DecisionTable.Num(a.CurrentValue)} → {DecisionTable.Num(a.DesiredValue)}",
        a.Severity, quotaValues.GetValueOrDefault(a.Quota, a.CurrentValue), a.DesiredValue, a.EstimatedMonthlyCost,
        IncreaseRoute.FileDirectly, a.UtilizationPercent);

    private static async Task AuditDecisionAsync(CycleAudit audit, QuotaDecision decision, CancellationToken ct)
    {
        var kind = decision is Failed ? AuditKind.Error : AuditKind.Decision;
        if (decision is Failed && decision.Quota == Failed.Unknown) return; // rejected rules were audited when parsed
        await audit.WriteAsync(kind, decision.RuleId, decision.Quota, decision.Kind, decision.Reason, ct);
    }

    private async Task<ActionResult?> ActOnAsync(CycleAudit audit, QuotaDecision decision, IReadOnlyList<ApprovalRequest> approved, CancellationToken ct) =>
        decision switch
        {
            Alert alert when await InCoolDownAsync(alert, ct) => null, // the decision record already says it; people were told
            Alert alert => await ActAsync(audit, alert.RuleId, alert.Quota, "notify", $"send {alert.Kind}: {alert.Reason}",
                async c =>
                {
                    var message = await ports.Notifier.PublishAsync(AlertMessage(alert), c);
                    await ports.Alerts.RecordSentAsync(alert.Quota, alert.Severity, time.GetUtcNow(), c);
                    return (ActionOutcome.Done, "message " + message);
                }, ct),
            RequestIncrease { Route: IncreaseRoute.NeedsApproval } wanted => await ActAsync(audit, wanted.RuleId, wanted.Quota, "start_approval",
                $"ask approval to raise {wanted.Quota} to {DecisionTable.Num(wanted.DesiredValue)}: {wanted.Reason}",
                c => StartApprovalAsync(audit, wanted, c), ct),
            RequestIncrease wanted => await ActAsync(audit, wanted.RuleId, wanted.Quota, "request_increase",
                $"request {wanted.Quota} {DecisionTable.Num(wanted.CurrentValue)} → {DecisionTable.Num(wanted.DesiredValue)}: {wanted.Reason}",
                c => FileAsync(audit, wanted, approved.FirstOrDefault(a => a.Quota == wanted.Quota && a.RuleId == wanted.RuleId), c), ct),
            _ => null,
        };

    /// <summary>Intent record, the action, outcome record. No intent, no action.</summary>
    private static async Task<ActionResult> ActAsync(CycleAudit audit, string ruleId, QuotaKey? quota, string action, string intent,
        Func<CancellationToken, Task<(ActionOutcome, string)>> act, CancellationToken ct)
    {
        string actionId;
        try
        {
            actionId = await audit.WriteAsync(AuditKind.Intent, ruleId, quota, action, intent, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new ActionResult(ruleId, quota, action, ActionOutcome.Failed, $"not attempted: the audit intent could not be written ({e.Message})");
        }

        ActionOutcome outcome;
        string detail;
        try
        {
            (outcome, detail) = await act(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            (outcome, detail) = (ActionOutcome.Failed, e.Message);
        }
        await audit.WriteAsync(AuditKind.Outcome, ruleId, quota, action, $"{outcome.ToString().ToLowerInvariant()}: {detail}", CancellationToken.None, actionId);
        return new ActionResult(ruleId, quota, action, outcome, detail);
    }

    private async Task<(ActionOutcome, string)> StartApprovalAsync(CycleAudit audit, RequestIncrease wanted, CancellationToken ct)
    {
        var approval = new ApprovalRequest(options.NewApprovalId(), wanted.RuleId, wanted.Quota, wanted.CurrentValue,
            wanted.DesiredValue, wanted.EstimatedMonthlyCost, wanted.Reason, wanted.Severity, wanted.UtilizationPercent,
            ApprovalStatus.Waiting, time.GetUtcNow());
        if (!await ports.Approvals.TryStartAsync(approval, ct))
            return (ActionOutcome.Skipped, $"an approval for {wanted.Quota} is already active");
        var message = await ports.Notifier.PublishAsync(new Notification(NotificationTopics.Approvals,
            $"Approval wanted: {wanted.Quota} {DecisionTable.Num(wanted.CurrentValue)} → {DecisionTable.Num(wanted.DesiredValue)}",
            $"{wanted.Reason}\n{options.HowToDecide(approval.Id)}",
            wanted.RuleId, wanted.Quota, wanted.Severity), ct);
        return (ActionOutcome.Done, $"approval {approval.Id} waiting; approvers notified (message {message})");
    }

    private async Task<(ActionOutcome, string)> FileAsync(CycleAudit audit, RequestIncrease wanted, ApprovalRequest? approval, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (approval is not null && wanted.DesiredValue <= wanted.CurrentValue)
        {
            await ports.Approvals.UpdateAsync(approval with { Status = ApprovalStatus.Closed, Comment = "quota already at or above the approved value" }, ct);
            return (ActionOutcome.Skipped, $"approval {approval.Id}: quota is already {DecisionTable.Num(wanted.CurrentValue)}, nothing to file");
        }
        var reservation = new QuotaRequest($"req-{audit.RunId}-{wanted.RuleId}", wanted.RuleId, wanted.Quota, wanted.CurrentValue,
            wanted.DesiredValue, RequestStatus.Filing, now, now, ApprovalId: approval?.Id);
        if (!await ports.Requests.TryReserveAsync(reservation, ct))
            return (ActionOutcome.Skipped, $"another cycle holds an open request for {wanted.Quota}");

        try
        {
            var filed = await ports.Requester.RequestIncreaseAsync(wanted.Quota, wanted.DesiredValue, ct);
            await ports.Requests.UpdateAsync(reservation with { Status = filed.Status, AwsRequestId = filed.Id, CaseId = filed.CaseId, UpdatedAt = time.GetUtcNow() }, ct);
            if (approval is not null) await ports.Approvals.UpdateAsync(approval with { Status = ApprovalStatus.Closed, Comment = $"filed as {filed.Id}" }, ct);
            return (ActionOutcome.Done, $"filed request {filed.Id} ({filed.Status.ToApiName()}) for {DecisionTable.Num(wanted.DesiredValue)}");
        }
        catch (QuotaServiceException e) when (e.ErrorCode == QuotaServiceException.ResourceAlreadyExists)
        {
            var existing = await ports.Requester.FindOpenRequestAsync(wanted.Quota, ct);
            await ports.Requests.UpdateAsync(existing is null
                ? reservation with { Status = RequestStatus.Failed, Error = e.Message, UpdatedAt = time.GetUtcNow() }
                : reservation with { Status = existing.Status, AwsRequestId = existing.Id, DesiredValue = existing.DesiredValue, UpdatedAt = time.GetUtcNow() }, ct);
            return (ActionOutcome.Skipped, $"AWS already has an open request for {wanted.Quota}{(existing is null ? "" : $" ({existing.Id}); following it")}");
        }
        catch (QuotaServiceException e)
        {
            // AWS refused: nothing is open, so release the reservation.
            await ports.Requests.UpdateAsync(reservation with { Status = RequestStatus.Failed, Error = e.Message, UpdatedAt = time.GetUtcNow() }, ct);
            throw;
        }
        // Any other failure (timeout, network) may or may not have reached AWS: the reservation stays open and the next
        // cycle settles it with FindOpenRequestAsync, so the quota is never requested twice.
    }

    private async Task<IReadOnlyList<QuotaRequest>> FollowOpenRequestsAsync(CycleAudit audit, DateTimeOffset now, List<string> changes, List<ActionResult> actions, CancellationToken ct)
    {
        var stillOpen = new List<QuotaRequest>();
        foreach (var request in await ports.Requests.ListOpenAsync(ct))
        {
            try
            {
                var updated = await FollowAsync(audit, request, now, changes, actions, ct);
                if (updated.Status.IsOpen()) stillOpen.Add(updated);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                stillOpen.Add(request); // unknown state: keep treating it as open
                await audit.WriteAsync(AuditKind.Error, request.RuleId, request.Quota, "follow_request", $"could not read request {request.AwsRequestId ?? request.Id}: {e.Message}", ct);
            }
        }
        return stillOpen;
    }

    private async Task<QuotaRequest> FollowAsync(CycleAudit audit, QuotaRequest request, DateTimeOffset now, List<string> changes, List<ActionResult> actions, CancellationToken ct)
    {
        RequestedServiceQuotaChange? seen;
        if (request.AwsRequestId is null)
        {
            seen = await ports.Requester.FindOpenRequestAsync(request.Quota, ct);
            if (seen is null && now - request.UpdatedAt < StaleReservation) return request; // another cycle may be filing it right now
        }
        else
        {
            seen = await ports.Requester.GetRequestAsync(request.Quota, request.AwsRequestId, ct);
        }

        var updated = seen is null
            ? request with { Status = RequestStatus.Failed, Error = "reservation never reached AWS", UpdatedAt = now }
            : request with { Status = seen.Status, AwsRequestId = seen.Id, CaseId = seen.CaseId ?? request.CaseId, UpdatedAt = now };
        if (updated.Status != request.Status)
        {
            await ports.Requests.UpdateAsync(updated, ct);
            var change = $"request {updated.AwsRequestId ?? updated.Id} for {updated.Quota} ({DecisionTable.Num(updated.DesiredValue)}): {request.Status.ToApiName()} → {updated.Status.ToApiName()}";
            changes.Add(change);
            await audit.WriteAsync(AuditKind.StatusChange, updated.RuleId, updated.Quota, "request_status", change, ct);
            if (!updated.Status.IsOpen())
                await ports.Notifier.PublishAsync(new Notification(NotificationTopics.Alerts, $"Quota request {updated.Status.ToApiName()}: {updated.Quota}", change, updated.RuleId, updated.Quota, null), ct);
        }

        if (updated.Status == RequestStatus.Pending && updated.CaseId is null && updated.AwsRequestId is { } awsId && now - updated.CreatedAt >= options.SupportCaseAfter)
        {
            actions.Add(await ActAsync(audit, updated.RuleId, updated.Quota, "create_support_case",
                $"request {awsId} pending for {(now - updated.CreatedAt).TotalHours:0.#}h: open a support case",
                async c =>
                {
                    await ports.Requester.CreateSupportCaseAsync(updated.Quota, awsId, c);
                    var after = await ports.Requester.GetRequestAsync(updated.Quota, awsId, c);
                    await ports.Requests.UpdateAsync(updated with { Status = after.Status, CaseId = after.CaseId, UpdatedAt = now }, c);
                    return (ActionOutcome.Done, $"support case {after.CaseId ?? "(id pending)"} opened for request {awsId}");
                }, ct));
        }
        return updated;
    }

    private async Task<IReadOnlyList<ApprovalRequest>> FollowApprovalsAsync(CycleAudit audit, DateTimeOffset now, List<string> changes, CancellationToken ct)
    {
        var active = new List<ApprovalRequest>();
        foreach (var approval in await ports.Approvals.ListActiveAsync(ct))
        {
            if (approval.Status == ApprovalStatus.Waiting && now - approval.CreatedAt >= options.ApprovalTimeout)
            {
                await ports.Approvals.UpdateAsync(approval with { Status = ApprovalStatus.Expired, DecidedAt = now, Comment = "no decision in time" }, ct);
                var change = $"approval {approval.Id} for {approval.Quota} expired after {options.ApprovalTimeout.TotalHours:0.#}h";
                changes.Add(change);
                await audit.WriteAsync(AuditKind.StatusChange, approval.RuleId, approval.Quota, "approval_expired", change, ct);
                continue;
            }
            active.Add(approval);
        }
        return active;
    }

    /// <summary>
    /// Publishes what this cycle told people (an alert sent, an increase filed) as threshold events, and new spikes.
    /// They carry <c>origin: cycle</c>: the cycle already acted, and the handler only logs them. A failure is audited.
    /// </summary>
    private async Task<IReadOnlyList<QuotaEventRecord>> PublishEventsAsync(CycleAudit audit, string runId, DateTimeOffset now,
        IReadOnlyList<RuleResult> results, IReadOnlyList<ActionResult> actions, CancellationToken ct)
    {
        var events = new List<QuotaEventRecord>();
        foreach (var result in results)
        {
            var told = actions.FirstOrDefault(a => a.RuleId == result.Decision.RuleId && a.Outcome == ActionOutcome.Done && a.Action is "notify" or "request_increase");
            var severity = result.Decision switch { Alert a => a.Severity, RequestIncrease r => r.Severity, _ => (Severity?)null };
            if (told is not null && severity is { } band && result.Quota is { } quota)
                events.Add(Event(runId, events.Count, "quota_threshold_exceeded", now, quota.Key, new Dictionary<string, object?>
                {
                    ["utilization"] = Math.Round(result.UtilizationPercent ?? 0, 2),
                    ["band"] = band.ToString().ToLowerInvariant(),
                    ["current_usage"] = result.CurrentUsage,
                    ["quota_value"] = quota.Value,
                    ["action"] = result.Decision.Kind,
                    ["rule_id"] = result.Decision.RuleId,
                }));
            if (told is not null && result.Breach is { } breach && result.Quota is { } breaching && result.CurrentUsage < breaching.Value)
                events.Add(Event(runId, events.Count, "quota_prediction_alert", now, breaching.Key, new Dictionary<string, object?>
                {
                    ["predicted_utilization"] = Math.Round(result.UtilizationPercent ?? 0, 2),
                    ["confidence"] = breach.Score,
                    ["hours_to_breach"] = breach.Within.TotalHours,
                    ["forecaster"] = result.Forecast?.Forecaster,
                    ["rule_id"] = result.Decision.RuleId,
                }));
            if (result.NewSpike is { } spike && result.Quota is { } spiking)
                events.Add(Event(runId, events.Count, "quota_usage_spike", now, spiking.Key, new Dictionary<string, object?>
                {
                    ["current_usage"] = result.CurrentUsage,
                    ["baseline"] = Math.Round(spike.Baseline, 2),
                    ["ratio"] = double.IsFinite(spike.Ratio) ? Math.Round(spike.Ratio, 2) : null, // from a median of 0: no finite ratio, and JSON has no infinity
                    ["level"] = spike.Level.ToString().ToLowerInvariant(),
                    ["rule_id"] = result.Decision.RuleId,
                }));
        }
        events = events.DistinctBy(e => (e.EventType, e.Quota)).ToList();
        if (events.Count == 0) return events;
        try
        {
            await ports.Published.PublishAsync(events, ct);
            return events;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await audit.WriteAsync(AuditKind.Error, "-", null, "publish_events", $"could not publish {events.Count} quota event(s): {e.Message}", CancellationToken.None);
            return [];
        }
    }

    private static QuotaEventRecord Event(string runId, int index, string type, DateTimeOffset now, QuotaKey quota, Dictionary<string, object?> detail)
    {
        detail["quota"] = new Dictionary<string, string?>
        {
            ["service_code"] = quota.ServiceCode, ["quota_code"] = quota.QuotaCode, ["region"] = quota.Region, ["account_id"] = quota.AccountId,
        };
        detail["origin"] = "cycle";
        return new QuotaEventRecord(string.Create(CultureInfo.InvariantCulture, $"{runId}-{index}"), type, "quota-automation", now, quota,
            System.Text.Json.JsonSerializer.Serialize(detail));
    }

    /// <summary>One "recovered" notice for a quota that was alerted and is now below its warning threshold.</summary>
    private async Task<ActionResult> RecoverAsync(CycleAudit audit, RuleResult result, Severity worst, CancellationToken ct)
    {
        var quota = result.Decision.Quota;
        var text = string.Create(CultureInfo.InvariantCulture, $"{quota} recovered: utilisation {result.UtilizationPercent:0.#}% is well below the warning threshold again (it had reached {worst.ToString().ToLowerInvariant()})");
        return await ActAsync(audit, result.Decision.RuleId, quota, "notify_recovered", $"send recovery notice: {text}", async c =>
        {
            var message = await ports.Notifier.PublishAsync(new Notification(NotificationTopics.Alerts, $"[RECOVERED] {quota}", text, result.Decision.RuleId, quota, null), c);
            await ports.Alerts.ClearAsync(quota, c);
            return (ActionOutcome.Done, "message " + message);
        }, ct);
    }

    private async Task<bool> InCoolDownAsync(Alert alert, CancellationToken ct) =>
        await ports.Alerts.LastSentAsync(alert.Quota, alert.Severity, ct) is { } last && time.GetUtcNow() - last < options.AlertCoolDown;

    private static Notification AlertMessage(Alert alert) => new(
        NotificationTopics.Alerts,
        $"[{alert.Severity.ToString().ToUpperInvariant()}] {alert.Quota}",
        alert.Reason, alert.RuleId, alert.Quota, alert.Severity);
}
