using System.Globalization;
using QuotaAutomation.Core.Audit;
using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Ports;
using QuotaAutomation.Core.Quotas;

namespace QuotaAutomation.Core.Engine.Phases;

/// <summary>
/// Phase 7, publish: what this cycle told people (an alert sent, an increase filed) as threshold events, and new
/// spikes. They carry <c>origin: cycle</c>: the cycle already acted, and the handler only logs them. A failure is audited.
/// </summary>
internal sealed class PublishPhase(EnginePorts ports)
{
    public async Task<IReadOnlyList<QuotaEventRecord>> RunAsync(CycleAudit audit, DateTimeOffset now,
        IReadOnlyList<RuleResult> results, IReadOnlyList<ActionResult> actions, CancellationToken ct)
    {
        var runId = audit.RunId;
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
}
