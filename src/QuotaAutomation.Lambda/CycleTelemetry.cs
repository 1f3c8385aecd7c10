using QuotaAutomation.Core.Decisions;
using QuotaAutomation.Core.Engine;

namespace QuotaAutomation.Lambda;

/// <summary>
/// What a cycle tells CloudWatch beyond its reply (which a scheduled call discards): one <c>decision</c> line per rule
/// whose decision acts or failed, with the fields the Terraform dashboard's "Decisions that act" query reads, and each
/// quota's utilisation as an EMF metric people can alarm on.
/// </summary>
public static class CycleTelemetry
{
    /// <summary>The fields of a <c>decision</c> line, in the order terraform/monitoring.tf's query lists them.</summary>
    public static readonly IReadOnlyList<string> DecisionFields =
        ["run_id", "rule_id", "account_id", "region", "service_code", "quota_code", "band", "utilization_percent", "decision", "action", "requested_value", "reason"];

    public static void Write(LambdaLog log, CycleReport report)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(report);
        foreach (var rule in report.Rules.Where(r => r.Decision is not (NoAction or Held)))
        {
            var decision = rule.Decision;
            var quota = rule.Quota?.Key ?? decision.Quota; // a rule that failed after reading its quota still names it
            var actions = report.Actions.Where(a => a.RuleId == decision.RuleId && a.Quota == decision.Quota)
                .Select(a => $"{a.Action} {a.Outcome.ToString().ToLowerInvariant()}").ToList();
            var fields = new (string, object?)[]
            {
                ("run_id", report.RunId), ("rule_id", decision.RuleId), ("account_id", quota.AccountOrSelf), ("region", quota.Region),
                ("service_code", quota.ServiceCode), ("quota_code", quota.QuotaCode), ("band", Band(decision)),
                ("utilization_percent", Percent(rule)), ("decision", decision.Kind), ("action", actions.Count == 0 ? "none" : string.Join(", ", actions)),
                ("requested_value", decision is RequestIncrease r ? r.DesiredValue : null), ("reason", decision.Reason),
            };
            if (decision is Failed) log.Error("decision", fields);
            else log.Info("decision", fields);
        }
        // Several rules may watch one quota: its metric is the fullest reading.
        foreach (var quota in report.Rules.Where(r => Percent(r) is not null).GroupBy(r => r.Quota!.Key)) // a percentage needs the quota read
            log.QuotaUtilization(quota.Key, quota.Max(r => Percent(r)!.Value)); // filtered above
    }

    private static string? Band(QuotaDecision decision) => decision switch
    {
        Alert a => a.Severity.ToString().ToLowerInvariant(),
        RequestIncrease r => r.Severity.ToString().ToLowerInvariant(),
        _ => null,
    };

    // One decimal, as people read it; JSON has no Infinity, so a reading that is not finite is left out.
    private static double? Percent(RuleResult rule) =>
        rule.UtilizationPercent is { } p && double.IsFinite(p) ? Math.Round(p, 1, MidpointRounding.AwayFromZero) : null;
}
