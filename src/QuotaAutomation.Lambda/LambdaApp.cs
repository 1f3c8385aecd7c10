using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Common;
using QuotaAutomation.Core.Engine;
using QuotaAutomation.Core.Events;
using QuotaAutomation.Core.Ports;

namespace QuotaAutomation.Lambda;

/// <summary>What the function runs on: the engine's ports plus the stores the handlers read directly.</summary>
public sealed record LambdaServices(
    EnginePorts Ports,
    IEventLog Events,
    Func<string, CancellationToken, Task<ApprovalRequest?>> FindApproval,
    TimeProvider Time,
    EngineOptions EngineOptions,
    TimeSpan TimeBudget,
    LambdaLog Log,
    ApprovalDecider? Decide = null,
    Core.Forecasting.IForecaster? Forecaster = null,
    ApprovalDoor? Door = null,
    FunctionRole Role = FunctionRole.All,
    FleetServices? Fleet = null,
    IReadOnlyDictionary<string, EditedTable>? EditedTables = null,
    ReportOutput? Report = null);

/// <summary>
/// What one deployed function serves (<c>QA_SERVES</c>): the cycle function never answers HTTP, the approval function
/// answers only HTTP, so a flood of requests can use up only the approval function's own reserved concurrency.
/// </summary>
public enum FunctionRole
{
    /// <summary>Everything (the CLI's <c>invoke</c>, tests).</summary>
    All,
    /// <summary>Schedule, events and workflow tasks: no Function URL requests.</summary>
    Cycle,
    /// <summary>Function URL requests only.</summary>
    ApprovalLinks,
}

/// <summary>
/// One invocation, whoever the caller: recognise it, do its work within the time budget, and answer with JSON. Nothing
/// escapes as an exception except cancellation: a malformed payload, an unknown caller or a failing handler is
/// answered with an error naming the event and the field, and audited.
/// </summary>
public sealed class LambdaApp(LambdaServices services)
{
    private readonly AutomationEngine _engine = new(services.Ports, services.Forecaster ?? new Core.Forecasting.TrendForecaster(), services.Time, services.EngineOptions);
    private readonly Core.Engine.Acting.AlertSender _alerts = new(services.Ports, services.Time, services.EngineOptions);
    private readonly FleetHandlers _fleet = new(services);

    /// <summary>What the function was composed of (its tests check the wiring: a step-plan store among the ports).</summary>
    internal LambdaServices Services => services;

    public async Task<JsonObject> HandleAsync(string payload, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(ct);
        budget.CancelAfter(services.TimeBudget);
        Invocation? invocation = null;
        try
        {
            // Inside the try: the parser is total (fuzzed), but should it ever throw, the caller still gets a named, audited rejection.
            var parsed = InvocationParser.Parse(payload);
            if (!parsed.Success)
                return await RejectAsync("malformed", parsed.Error!, started); // Error is set on failure

            invocation = parsed.Value;
            services.Log.Info("invocation", ("kind", invocation.Kind), ("event_id", invocation.EventId));
            if (services.Role == FunctionRole.ApprovalLinks && invocation is not HttpRequest || services.Role == FunctionRole.Cycle && invocation is HttpRequest)
                return await RejectAsync(invocation.Kind, $"{invocation.Kind} '{invocation.EventId}': this function serves {(services.Role == FunctionRole.Cycle ? "cycles, events and workflow tasks, not HTTP" : "approval requests only")}", started);
            var reply = invocation switch
            {
                ScheduledCycle => await CycleAsync(invocation, started, budget.Token),
                ApprovalTask task => await ApprovalAsync(task, budget.Token),
                QuotaEvent quotaEvent => await QuotaEventAsync(quotaEvent, started, budget.Token),
                ServiceQuotasApiCall call => await ApiCallAsync(call, budget.Token),
                HttpRequest http => await ApprovalPage.HandleAsync(http, services, budget.Token),
                FleetPlanStep plan => await _fleet.PlanAsync(plan, budget.Token),
                FleetShardBatch batch => await _fleet.ShardAsync(batch, budget.Token),
                FleetSummaryStep summary => await _fleet.SummaryAsync(summary, budget.Token),
                TableStreamBatch edits => await TableEditsAsync(edits, budget.Token),
                ReportRequest report => await ReportAsync(report, budget.Token),
                TableWriteCall write => await TableWriteAsync(write, budget.Token),
                _ => throw new UnreachableException(invocation.GetType().Name),
            };
            if (invocation is not HttpRequest) reply["kind"] = invocation.Kind; // a Function URL reply is the HTTP response itself
            foreach (var path in FiniteJson.Replace(reply)) // JSON has no Infinity: the work is done, so the answer must still serialise
                services.Log.Error("non-finite number in a reply replaced by null", ("kind", invocation.Kind), ("event_id", invocation.EventId), ("field", path));
            return reply;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var kind = invocation?.Kind ?? "malformed";
            var name = invocation is null ? "event (unreadable)" : $"{invocation.Kind} '{invocation.EventId}'";
            return await RejectAsync(kind, $"{name} failed: {e.Message}", started);
        }
    }

    /// <summary>The last resort of the handler: an exception outside <see cref="HandleAsync"/>'s own handling, answered and audited.</summary>
    public Task<JsonObject> FailedAsync(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return RejectAsync("internal", $"invocation failed: {error.GetType().Name}: {error.Message}", Stopwatch.GetTimestamp());
    }

    private Task<JsonObject> CycleAsync(Invocation invocation, long started, CancellationToken ct) => CycleAsync(invocation, started, null, ct);

    private async Task<JsonObject> CycleAsync(Invocation invocation, long started, IReadOnlyDictionary<Core.Quotas.QuotaKey, Expectation>? expectations, CancellationToken ct) =>
        (await CycleWithReportAsync(invocation, started, expectations, ct)).Reply;

    private async Task<(JsonObject Reply, CycleReport Report)> CycleWithReportAsync(Invocation invocation, long started,
        IReadOnlyDictionary<Core.Quotas.QuotaKey, Expectation>? expectations, CancellationToken ct)
    {
        // A quota an event names (AWS Health threshold breach, spike, prediction) is read in detail now, whatever the cadence.
        var report = await _engine.RunCycleAsync(expectations, invocation is QuotaEvent { Quota: { } woken } ? [woken] : null, ct);
        var duration = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        services.Log.Info("cycle finished", ("run_id", report.RunId), ("event_id", invocation.EventId), ("rules", report.Rules.Count),
            ("actions", report.Actions.Count), ("errors", report.Rejected + report.ActionsFailed), ("not_reached", report.NotReached), ("duration_ms", Math.Round(duration)));
        CycleTelemetry.Write(services.Log, report);
        services.Log.Metrics(invocation.Kind,
            ("RulesProcessed", "Count", report.Rules.Count), ("Actions", "Count", report.Actions.Count(a => a.Outcome == ActionOutcome.Done)),
            ("Errors", "Count", report.Rejected + report.ActionsFailed), ("NotReached", "Count", report.NotReached), ("Duration", "Milliseconds", Math.Round(duration)));
        return (new JsonObject
        {
            ["status"] = report.NotReached > 0 ? "partial" : "ok",
            ["run_id"] = report.RunId,
            ["rules"] = report.Rules.Count,
            ["actions"] = report.Actions.Count,
            ["errors"] = report.Rejected + report.ActionsFailed,
            ["not_reached"] = report.NotReached,
            ["decisions"] = new JsonArray(report.Rules.Select(r => (JsonNode)new JsonObject
            {
                ["rule_id"] = r.Decision.RuleId, ["decision"] = r.Decision.Kind, ["reason"] = r.Decision.Reason,
            }).ToArray()),
        }, report);
    }

    private async Task<JsonObject> ApprovalAsync(ApprovalTask task, CancellationToken ct)
    {
        var approval = await services.FindApproval(task.ApprovalId, ct)
            ?? throw new InvalidOperationException($"approval_id '{task.ApprovalId}' does not exist");
        var now = services.Time.GetUtcNow();
        if (task.Task == "ask") return await ApprovalAsk.AskAsync(task, services, ct);
        if (task.Task == "evaluate")
        {
            var proceed = approval.Status == ApprovalStatus.Waiting;
            return new JsonObject
            {
                ["proceed"] = proceed,
                ["approval_id"] = approval.Id,
                ["quota"] = approval.Quota.ToString(),
                ["current_value"] = approval.CurrentValue,
                ["desired_value"] = approval.DesiredValue,
                ["estimated_monthly_cost"] = Math.Round(approval.EstimatedMonthlyCost, 2),
                ["reason"] = proceed ? approval.Reason : $"approval is {approval.Status}, no longer waiting",
            };
        }
        if (approval.Status != ApprovalStatus.Waiting)
            return new JsonObject { ["status"] = "unchanged", ["reason"] = $"approval {approval.Id} is already {approval.Status}" };

        var (status, action) = task.Task switch
        {
            "approved" => (ApprovalStatus.Approved, "approval_granted"),
            "denied" => (ApprovalStatus.Denied, "approval_denied"),
            _ => (ApprovalStatus.Expired, "approval_expired"),
        };
        var who = task.DecidedBy ?? (status == ApprovalStatus.Expired ? "timeout" : "an approver");
        await services.Ports.Approvals.UpdateAsync(approval with { Status = status, DecidedAt = now, DecidedBy = who, Comment = task.Comment }, ct);
        await services.Ports.Audit.AppendAsync(new AuditRecord($"{task.EventId}/{task.Task}", task.EventId, now, AuditKind.StatusChange, approval.RuleId, approval.Quota, action,
            Echo.Of($"approval {approval.Id} for {approval.Quota} → {approval.DesiredValue.ToString(CultureInfo.InvariantCulture)}: {status} by {who}{(task.Comment is { } c ? $": {c}" : "")}")), ct);
        if (status != ApprovalStatus.Approved) return new JsonObject { ["status"] = status.ToString().ToLowerInvariant(), ["approval_id"] = approval.Id };

        // The engine files approved increases first, within AWS's limits and the quota's pending-request rule.
        var report = await _engine.RunCycleAsync(ct);
        var filed = report.Actions.FirstOrDefault(a => a.RuleId == approval.RuleId && a.Action == "request_increase");
        return new JsonObject
        {
            ["status"] = "approved",
            ["approval_id"] = approval.Id,
            ["filed"] = filed?.Outcome == ActionOutcome.Done,
            ["detail"] = filed?.Detail ?? report.Rules.FirstOrDefault(r => r.Decision.RuleId == approval.RuleId)?.Decision.Reason ?? "the rule was not evaluated",
        };
    }

    private async Task<JsonObject> QuotaEventAsync(QuotaEvent quotaEvent, long started, CancellationToken ct)
    {
        // With the fleet on, every governed quota belongs to a shard (the schedule runs the fleet, not this account's
        // cycle): an event about one quota wakes its shard instead of running a cycle here (docs/fleet-wakes.md).
        ShardWake? wake = null;
        if (services.Fleet is { } fleet && quotaEvent.EventType is "quota_threshold_exceeded" or "quota_usage_spike" or "quota_prediction_alert")
        {
            var routed = ShardWake.Of(quotaEvent, await fleet.HubAccountId(ct));
            if (!routed.Success) return await RejectAsync(quotaEvent.Kind, routed.Error!, started); // Error is set on failure
            wake = routed.Value;
        }
        var detail = quotaEvent.Detail.GetRawText();
        if (!await services.Events.TryAppendAsync(new QuotaEventRecord(quotaEvent.EventId, quotaEvent.EventType, quotaEvent.Source, quotaEvent.Time, quotaEvent.Quota, detail), ct))
            return new JsonObject { ["status"] = "duplicate", ["event_id"] = quotaEvent.EventId }; // EventBridge delivers at least once
        if (quotaEvent.Detail.TryGetProperty("origin", out var origin) && origin.ValueKind == JsonValueKind.String && origin.GetString() == "cycle")
            return new JsonObject { ["status"] = "ok", ["reason"] = "published by a cycle, which already acted: logged only" };
        switch (quotaEvent.EventType)
        {
            case "quota_threshold_exceeded":
                // Act by the bands at once, on fresh data and with every invariant: an out-of-schedule cycle.
                var cycle = await CycleOrWakeAsync(quotaEvent, wake, started, ct);
                cycle["trigger"] = quotaEvent.Source == "aws.health" ? "AWS Health threshold breach" : "quota threshold event";
                return cycle;
            case "quota_usage_spike":
                var history = await services.Ports.History.ReadAsync(quotaEvent.Quota!, services.Time.GetUtcNow() - SpikeClassifier.BaselineWindow, services.Time.GetUtcNow(), ct); // parser requires a quota
                var spike = SpikeClassifier.Classify(quotaEvent.Detail.GetProperty("current_usage").GetDouble(), history, services.Time.GetUtcNow());
                if (spike.Level != SpikeLevel.Low) // the engine's alert path: cool-down, intent and outcome audited, recorded as sent
                    await _alerts.SendAsync(quotaEvent.EventId,
                        new Core.Decisions.Alert("-", quotaEvent.Quota!, Echo.Of(spike.Reason), spike.Level == SpikeLevel.High ? Core.Decisions.Severity.Emergency : Core.Decisions.Severity.Critical), ct, // the parser requires a quota
                        $"[SPIKE {spike.Level.ToString().ToUpperInvariant()}] {quotaEvent.Quota}");
                var reply = spike.Level == SpikeLevel.High ? await CycleOrWakeAsync(quotaEvent, wake, started, ct) : new JsonObject { ["status"] = "ok" };
                reply["spike"] = spike.Level.ToString().ToLowerInvariant();
                reply["reason"] = spike.Reason;
                return reply;
            case "quota_prediction_alert":
                var confidence = quotaEvent.Detail.GetProperty("confidence").GetDouble();
                if (confidence < 0.8) return new JsonObject { ["status"] = "ok", ["reason"] = $"confidence {confidence:0.##} below 0.8: logged only" };
                var predicted = await CycleOrWakeAsync(quotaEvent, wake, started, ct);
                predicted["reason"] = $"confidence {confidence:0.##}: re-evaluated now";
                return predicted;
            case "infrastructure_scaling":
                return await ScalingAsync(quotaEvent, started, ct);
            case "disaster_recovery":
                return await DisasterRecoveryAsync(quotaEvent, started, ct);
            case "cost_optimization_required":
                return await CostOptimizationAsync(quotaEvent, started, ct);
            default:
                throw new UnreachableException($"event type {quotaEvent.EventType}"); // the parser admits only the types above
        }
    }

    /// <summary>An out-of-schedule cycle of this account, or with the fleet on the shard woken: the next fleet run reads its quotas in detail.</summary>
    private async Task<JsonObject> CycleOrWakeAsync(QuotaEvent e, ShardWake? wake, long started, CancellationToken ct)
    {
        if (wake is null) return await CycleAsync(e, started, ct);
        await services.Fleet!.Wakes.WakeAsync(wake.AccountId, wake.Region, wake.QuotaIds, ct); // a wake exists only with the fleet on
        var quotas = wake.QuotaIds.Count == 0 ? "no quota named: the shard runs" : $"{string.Join(", ", wake.QuotaIds)} read in detail";
        var text = $"{e.Kind} '{e.EventId}' from account {wake.AccountId} in {wake.Region} woke shard {wake.ShardId}: {quotas} at the next fleet run";
        await services.Ports.Audit.AppendAsync(new AuditRecord($"{e.EventId}/shard_woken", e.EventId, services.Time.GetUtcNow(), AuditKind.Decision, "-", e.Quota, "shard_woken", Echo.Of(text),
            Details: new Dictionary<string, string>(StringComparer.Ordinal) { ["account_id"] = wake.AccountId, ["region"] = wake.Region, ["shard_id"] = wake.ShardId, ["quotas"] = string.Join(",", wake.QuotaIds) }), ct);
        services.Log.Info("shard woken", ("event_id", e.EventId), ("shard_id", wake.ShardId), ("quotas", wake.QuotaIds.Count));
        return new JsonObject
        {
            ["status"] = "ok",
            ["shard_woken"] = wake.ShardId,
            ["quotas"] = new JsonArray(wake.QuotaIds.Select(q => (JsonNode)q).ToArray()),
        };
    }

    private async Task<JsonObject> ScalingAsync(QuotaEvent e, long started, CancellationToken ct)
    {
        var service = e.Detail.GetProperty("service").GetString()!; // the parser checked these fields
        var region = e.Detail.GetProperty("region").GetString()!;
        var factor = e.Detail.GetProperty("scaling_factor").GetDouble();
        var governed = await GovernedAsync(ct);
        if (e.Detail.GetProperty("direction").GetString() == "down")
        {
            var quotas = governed.Where(k => k.Region == region && string.Equals(k.ServiceCode, service, StringComparison.OrdinalIgnoreCase)).Select(k => k.ToString()).Order(StringComparer.Ordinal).ToList();
            var text = $"{service} scaled down ×{factor.ToString("0.##", CultureInfo.InvariantCulture)} in {region}: {(quotas.Count == 0 ? "no governed quota" : string.Join(", ", quotas))} may now be larger than needed. QuotaAutomation never requests a decrease; review and lower them by hand if wanted.";
            await ReportAsync(e, "scaling_down_recommendation", text, ct);
            return new JsonObject { ["status"] = "ok", ["recommendation"] = text };
        }
        var expectations = EventExpectations.ScaleUp(service, region, factor, governed);
        var reply = await CycleAsync(e, started, expectations, ct);
        reply["expected_quotas"] = new JsonArray(expectations.Keys.Select(k => (JsonNode)k.ToString()).ToArray());
        return reply;
    }

    private async Task<JsonObject> DisasterRecoveryAsync(QuotaEvent e, long started, CancellationToken ct)
    {
        var source = e.Detail.GetProperty("source_region").GetString()!; // the parser checked these fields
        var target = e.Detail.GetProperty("target_region").GetString()!;
        if (e.Detail.GetProperty("action").GetString() == "failback")
        {
            var text = $"failback from {target} to {source} recorded: the quotas raised in {target} for the failover stay as they are (QuotaAutomation never requests a decrease); review them.";
            await ReportAsync(e, "failback_recorded", text, ct);
            return new JsonObject { ["status"] = "ok", ["report"] = text };
        }
        var services = e.Detail.TryGetProperty("services", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList()
            : null;
        var expectations = EventExpectations.Failover(source, target, services, await GovernedAsync(ct));
        var reply = await CycleAsync(e, started, expectations, ct);
        reply["expected_quotas"] = new JsonArray(expectations.Keys.Select(k => (JsonNode)k.ToString()).ToArray());
        return reply;
    }

    private async Task<JsonObject> CostOptimizationAsync(QuotaEvent e, long started, CancellationToken ct)
    {
        var limit = e.Detail.TryGetProperty("max_utilization_percent", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetDouble() : 30;
        var (reply, report) = await CycleWithReportAsync(e, started, null, ct);
        var over = report.Rules
            .Where(r => r.UtilizationPercent is { } u && u < limit)
            .OrderBy(r => r.UtilizationPercent)
            .Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Decision.Quota} at {r.UtilizationPercent:0.#}% of {r.Quota!.Value:0.##} (peak {Math.Max(r.CurrentUsage ?? 0, r.Forecast?.Peak ?? 0):0.##})"))
            .ToList();
        var text = over.Count == 0
            ? string.Create(CultureInfo.InvariantCulture, $"no governed quota is below {limit:0.#}% of its value at its forecast peak")
            : string.Create(CultureInfo.InvariantCulture, $"{over.Count} quota(s) below {limit:0.#}% at their forecast peak: {string.Join("; ", over)}. Quotas cost nothing unused, but a large unused quota hides runaway usage; consider lowering by hand.");
        await ReportAsync(e, "cost_optimization_report", text, ct);
        reply["over_provisioned"] = new JsonArray(over.Select(x => (JsonNode)x).ToArray());
        return reply;
    }

    /// <summary>The quotas enabled rules govern (a rule that does not parse governs nothing).</summary>
    private async Task<IReadOnlyList<Core.Quotas.QuotaKey>> GovernedAsync(CancellationToken ct) =>
        (await services.Ports.Rules.LoadRulesAsync(ct)).Select(Core.Rules.RuleParser.Parse).Where(r => r.Success && r.Value.Enabled).Select(r => r.Value.Quota).Distinct().ToList();

    private async Task ReportAsync(QuotaEvent e, string action, string text, CancellationToken ct)
    {
        await services.Ports.Audit.AppendAsync(new AuditRecord($"{e.EventId}/{action}", e.EventId, services.Time.GetUtcNow(), AuditKind.Decision, "-", e.Quota, action, Echo.Of(text)), ct);
        await services.Ports.Notifier.PublishAsync(new Notification(NotificationTopics.Alerts, $"[{e.EventType}] {action.Replace('_', ' ')}", Echo.Of(text), "-", e.Quota, null), ct);
    }

    private async Task<JsonObject> ApiCallAsync(ServiceQuotasApiCall call, CancellationToken ct)
    {
        var fresh = await services.Events.TryAppendAsync(new QuotaEventRecord(call.EventId, $"servicequotas_{call.EventName}", "aws.servicequotas", call.Time, call.Quota,
            JsonSerializer.Serialize(new { call.EventName, call.RequestId, call.Status, call.Caller })), ct);
        if (fresh)
            await services.Ports.Audit.AppendAsync(new AuditRecord($"{call.EventId}/api-call", call.EventId, services.Time.GetUtcNow(), AuditKind.StatusChange, "-", call.Quota, "servicequotas_api_call",
                Echo.Of($"CloudTrail: {call.EventName}{(call.Quota is { } q ? $" for {q}" : "")}{(call.RequestId is { } r ? $", request {r}" : "")}{(call.Status is { } s ? $" ({s})" : "")} by {call.Caller ?? "an unknown caller"}")), ct);
        return new JsonObject { ["status"] = fresh ? "ok" : "duplicate", ["event_id"] = call.EventId };
    }

    /// <summary>
    /// Who wrote a rule or policy item, from CloudTrail (signed by the caller's credentials, never typed): recorded beside
    /// the stream's record of what changed, once per CloudTrail event. Writes to other tables are not this function's.
    /// </summary>
    private async Task<JsonObject> TableWriteAsync(TableWriteCall call, CancellationToken ct)
    {
        if (services.EditedTables is not { } audited || !audited.TryGetValue(call.Table, out var table))
            return new JsonObject { ["status"] = "ignored", ["reason"] = $"table {Echo.Of(call.Table)} is not the rules or policies table" };
        var noun = table == EditedTable.Rules ? "rule" : "policy";
        var subject = call.ItemId is { } id ? $"{noun} '{id}'" : $"the {noun}s (several items)";
        var text = $"{subject}: {call.EventName} on table {call.Table} by {call.Caller ?? "a caller CloudTrail does not name"}"
            + (call.UserAgent is { } agent ? $" ({agent})" : "") + (call.Error is { } error ? $", refused: {error} (nothing changed)" : "") + " (CloudTrail)";
        var trailId = call.ItemId is null ? "-" : table == EditedTable.Rules ? call.ItemId : TableEditAudit.PolicyTrailId(call.ItemId);
        var fresh = await services.Ports.Audit.TryAppendAsync(new AuditRecord($"cloudtrail-{call.EventId}/00001", $"cloudtrail-{call.EventId}", services.Time.GetUtcNow(),
            table == EditedTable.Rules ? AuditKind.RuleChange : AuditKind.PolicyChange, trailId, null, $"{noun}_written_by", Echo.Of(text),
            Details: new Dictionary<string, string> { ["by"] = Echo.Of(call.Caller ?? "unknown"), ["at"] = call.Time.ToString("O", CultureInfo.InvariantCulture), ["event"] = call.EventName }), ct);
        return new JsonObject { ["status"] = fresh ? "ok" : "duplicate", ["event_id"] = call.EventId };
    }

    /// <summary>
    /// The report of the last days (docs/report.md): gathered through the ports, kept in the report store, announced on
    /// the alert topic with its figures and where it is, and audited.
    /// </summary>
    private async Task<JsonObject> ReportAsync(ReportRequest request, CancellationToken ct)
    {
        if (services.Report is not { } output)
            return new JsonObject { ["status"] = "error", ["error"] = "this function writes no reports: QA_REPORT_BUCKET is not set (terraform/reports.tf sets it)" };
        var now = services.Time.GetUtcNow();
        var regions = request.Regions ?? [output.Region];
        var where = string.Join(", ", regions);
        var named = regions.Count == 1 ? regions[0] : $"{regions.Count}-regions"; // the file's and the announcement's name
        var (members, includeHub, scope) = (Array.Empty<string>(), true, $"the function's account, {where}");
        if (request.Ou is { } ou)
        {
            // An OU's or the organization's: its member accounts, read through their member roles (a fleet deployment's organization).
            if (services.Fleet?.Organization is not { } organization)
                return new JsonObject { ["status"] = "error", ["error"] = $"report request: report.ou '{Echo.Of(ou)}' needs the fleet's organization (QA_FLEET_BUCKET is not set)" };
            var org = await organization.ReadAsync(ct);
            var under = (ou == "organization" ? org.Accounts : org.Under(ou)).Where(a => a.State == Core.Fleet.AccountState.Active).Select(a => a.Id).ToList();
            includeHub = under.Remove(org.ManagementAccountId) || ou == "organization";
            (members, scope) = ([.. under], ou == "organization" ? $"the organization {org.Id}, {where}" : $"{ou}, {where}");
        }
        // A fleet deployment's usage is in its shards' rows, the hub's own included: the schedule runs no other cycle.
        var ports = output.FleetHistory is { } fleetHistory ? services.Ports with { History = fleetHistory } : services.Ports;
        var input = await Core.Reports.ReportGathering.GatherAsync(ports, regions, now, TimeSpan.FromDays(request.Days),
            services.Forecaster ?? new Core.Forecasting.TrendForecaster(), output.ReadAudit, services.EngineOptions.Policies, members, scope, ct, includeHub);
        var model = Core.Reports.ReportBuilder.Build(input);
        var location = await output.Store.PutAsync(string.Create(CultureInfo.InvariantCulture, $"quota-report-{named}-{now:yyyy-MM-dd}.html"), Core.Reports.HtmlReport.Render(model), now, ct);
        var s = model.Summary;
        var text = string.Create(CultureInfo.InvariantCulture,
            $"The quota report of {input.Scope}, {input.Since:yyyy-MM-dd} to {now:yyyy-MM-dd}: {s.Quotas} quotas, highest peak {s.PeakUtilizationPercent:0.#} %, {s.BreachMinutes:0} breach minutes, {s.RequestsFiled} requests filed ({s.RequestsApproved} approved by AWS, {s.RequestsDenied} denied), {s.ApprovalsAsked} sent to a person, {s.Findings} compliance findings. The page (HTML, self-contained): {location}");
        await services.Ports.Notifier.PublishAsync(new Notification(NotificationTopics.Alerts, $"Quota report: {named}, {now:yyyy-MM-dd}", text, "-", null, null), ct);
        await services.Ports.Audit.AppendAsync(new AuditRecord($"{request.EventId}-{now:yyyyMMdd'T'HHmmss'Z'}/00001", $"{request.EventId}-{now:yyyyMMdd'T'HHmmss'Z'}", now, AuditKind.StatusChange, "-", null,
            "report_written", Echo.Of(text)), ct);
        return new JsonObject { ["status"] = "ok", ["location"] = location, ["requests_filed"] = s.RequestsFiled, ["findings"] = s.Findings };
    }

    /// <summary>
    /// Audits each change to the rules and policies tables (their streams: docs/governance.md). A record that cannot be
    /// read, or comes from another table, is audited as an error and not retried; one whose audit write fails is
    /// named in <c>batchItemFailures</c>, so the event source mapping delivers it again (a change delivered twice is
    /// recorded once: the record's id is the stream record's).
    /// </summary>
    private async Task<JsonObject> TableEditsAsync(TableStreamBatch batch, CancellationToken ct)
    {
        var (recorded, duplicates, rejected) = (0, 0, 0);
        var failures = new JsonArray();
        foreach (var record in batch.Records)
        {
            var now = services.Time.GetUtcNow();
            try
            {
                var table = record.Problem is null && services.EditedTables is { } audited && audited.TryGetValue(record.TableName, out var t) ? t : (EditedTable?)null;
                if (table is null)
                {
                    var problem = record.Problem ?? $"stream record '{record.EventId}': table {record.TableName} is not the rules or policies table this function audits";
                    await services.Ports.Audit.TryAppendAsync(new AuditRecord($"stream-{record.EventId}/error", $"stream-{record.EventId}", now, AuditKind.Error, "-", null,
                        "table_edit_rejected", Echo.Of(problem)), ct);
                    services.Log.Error("table edit rejected", ("error", problem));
                    rejected++;
                    continue;
                }
                var edit = new TableEdit(record.EventId, table.Value, record.TableName, record.Change, record.ItemId!, record.Before, record.After, record.At, record.Principal); // ItemId is set when there is no problem
                if (await services.Ports.Audit.TryAppendAsync(TableEditAudit.Record(edit, now), ct)) recorded++;
                else duplicates++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                services.Log.Error("table edit not audited: the stream delivers it again", ("event_id", record.EventId), ("error", e.Message));
                if (record.SequenceNumber is { } sequence) failures.Add(new JsonObject { ["itemIdentifier"] = sequence });
            }
        }
        return new JsonObject
        {
            ["status"] = failures.Count == 0 ? "ok" : "partial", ["recorded"] = recorded, ["duplicates"] = duplicates, ["rejected"] = rejected,
            ["batchItemFailures"] = failures,
        };
    }

    private async Task<JsonObject> RejectAsync(string kind, string error, long started)
    {
        error = Echo.Of(error); // it quotes the payload: one line, no reordering, no lone surrogate, wherever it goes
        services.Log.Error("invocation rejected", ("kind", kind), ("error", error));
        services.Log.Metrics(kind, ("Errors", "Count", 1), ("Duration", "Milliseconds", Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds)));
        try
        {
            var now = services.Time.GetUtcNow();
            var id = AuditRunIds.For("rejected", now);
            await services.Ports.Audit.AppendAsync(new AuditRecord($"{id}/00001", id, now, AuditKind.Error, "-", null, "invocation_rejected", error), CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            services.Log.Error("audit write failed for a rejected invocation", ("error", e.Message));
        }
        return new JsonObject { ["status"] = "error", ["kind"] = kind, ["error"] = error };
    }
}
